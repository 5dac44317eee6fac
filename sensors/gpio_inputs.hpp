// GPIO inputs as a passive object for the daemon's epoll loop (sdbus-c++ style): it owns the
// input lines of the configured devices, hands out one fd per line, debounces the edges it is
// told are ready, and turns settled levels into Readings.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rules/time.hpp"
#include "rules/types.hpp"
#include "sensors/debounce.hpp"
#include "sensors/line_backend.hpp"
#include "sensors/source_config.hpp"

namespace homesec {

// The Reading a line's logical level means for its role: contact/latch -> "open"/"closed",
// tamper/panic/keyswitch -> bool (active = true).
Reading LineReading(const std::string& device, LineRole role, bool active, bool initial);

// Checks what can be checked without opening the chip (debounce bound, line offset/name);
// for config validation. The message names chip and line.
bool ValidateGpioLine(const GpioLineConfig& cfg, std::string* error);

class GpioInputs {
 public:
  explicit GpioInputs(std::string consumer = "homesecd", BackendFactory factory = MakeBackendFor);
  ~GpioInputs();
  GpioInputs(const GpioInputs&) = delete;
  GpioInputs& operator=(const GpioInputs&) = delete;

  // Requests every line; for each one that opened, appends its current level as an
  // initial=true Reading. Lines that fail are reported in `errors` (naming chip and line) and
  // left out; the others keep working. Returns true when every line opened.
  bool Open(const std::vector<std::pair<std::string /*device id*/, GpioLineConfig>>& lines, Now now,
            std::vector<Reading>* initial, std::vector<std::string>* errors);

  // One fd per open line; register each for EPOLLIN.
  std::vector<int> Fds() const;

  // The fd is readable: drain its edges into the debouncer. Returns changes that settled.
  // Read errors go to `errors` when given.
  std::vector<Reading> OnReadable(int fd, Now now, std::vector<std::string>* errors = nullptr);

  // The earliest debounce settle time, for the loop's timer; nullopt when nothing is pending.
  std::optional<MonoTime> NextDeadline() const;

  // Emits changes that have been stable for their debounce time by `now`.
  std::vector<Reading> OnTick(Now now);

 private:
  struct Line {
    std::string device;
    GpioLineConfig cfg;
    LineBackend* backend = nullptr;
    Debouncer debouncer;
  };

  LineBackend* BackendFor(const std::string& chip, std::string* error);

  std::string consumer_;
  BackendFactory factory_;
  std::map<std::string, std::unique_ptr<LineBackend>> backends_;  // by chip
  std::map<int, Line> lines_;                                     // by fd
};

}  // namespace homesec
