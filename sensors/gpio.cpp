// The real GPIO backend on libgpiod 1.6 (Debian 12). This is the only file in homesec that
// includes <gpiod.hpp>. libgpiod throws (std::system_error, std::out_of_range, ...); every call
// is wrapped so that a failure becomes a message naming chip and line, never an exception.
#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <gpiod.hpp>
#include <map>
#include <system_error>
#include <vector>

#include "sensors/line_backend.hpp"

namespace homesec {
namespace {

// Kernels before 5.7 stamp line events with CLOCK_REALTIME; a stamp this far from the
// monotonic clock is not trusted and the read time is used instead.
constexpr Millis kMaxTimestampSkew{10'000};
// At most this many events per ReadEdges call, so one chattering line cannot starve the loop.
constexpr std::size_t kMaxEventsPerRead = 256;

MonoTime MonoNow() {
  return std::chrono::time_point_cast<Millis>(std::chrono::steady_clock::now());
}

std::bitset<32> FlagsFor(const GpioLineConfig& cfg, bool with_bias) {
  std::bitset<32> flags;
  if (cfg.active_low) flags |= gpiod::line_request::FLAG_ACTIVE_LOW;
  if (with_bias) {
    switch (cfg.bias) {
      case Bias::kAsIs:
        break;
      case Bias::kDisabled:
        flags |= gpiod::line_request::FLAG_BIAS_DISABLE;
        break;
      case Bias::kPullUp:
        flags |= gpiod::line_request::FLAG_BIAS_PULL_UP;
        break;
      case Bias::kPullDown:
        flags |= gpiod::line_request::FLAG_BIAS_PULL_DOWN;
        break;
    }
  }
  return flags;
}

std::string ErrnoText(int code) {
  return std::strerror(code);
}

class GpiodBackend : public LineBackend {
 public:
  bool RequestInput(const GpioLineConfig& cfg, const std::string& consumer, int* fd,
                    bool* initial_active, std::string* error) override {
    gpiod::line line;
    if (!FindLine(cfg, &line, error)) return false;
    if (!Request(cfg, line, {consumer, gpiod::line_request::EVENT_BOTH_EDGES, FlagsFor(cfg, true)},
                 error)) {
      return false;
    }
    try {
      *initial_active = line.get_value() != 0;
      *fd = line.event_get_fd();
      // Never block the loop, even on a spurious wake-up.
      const int fl = fcntl(*fd, F_GETFL);
      if (fl >= 0) fcntl(*fd, F_SETFL, fl | O_NONBLOCK);
    } catch (const std::exception& e) {
      *error = LineLabel(cfg) + ": cannot read the line: " + e.what();
      Release(line);
      return false;
    }
    inputs_.emplace(*fd, Input{cfg, line});
    return true;
  }

  std::vector<RawEdge> ReadEdges(int fd, std::string* error) override {
    std::vector<RawEdge> edges;
    auto it = inputs_.find(fd);
    if (it == inputs_.end()) {
      *error = "fd " + std::to_string(fd) + " is not a requested GPIO line";
      return edges;
    }
    const gpiod::line& line = it->second.line;
    try {
      while (edges.size() < kMaxEventsPerRead && line.event_wait(std::chrono::nanoseconds(0))) {
        for (const gpiod::line_event& event : line.event_read_multiple()) {
          MonoTime time{std::chrono::duration_cast<Millis>(event.timestamp)};
          const MonoTime now = MonoNow();
          if (time > now + kMaxTimestampSkew || time < now - kMaxTimestampSkew) time = now;
          // With both edges requested the kernel reports logical edges (active_low applied).
          edges.push_back(RawEdge{event.event_type == gpiod::line_event::RISING_EDGE, time});
        }
      }
    } catch (const std::system_error& e) {
      if (e.code().value() != EAGAIN) *error = LineLabel(it->second.cfg) + ": " + e.what();
    } catch (const std::exception& e) {
      *error = LineLabel(it->second.cfg) + ": " + e.what();
    }
    return edges;
  }

  bool RequestOutput(const GpioLineConfig& cfg, const std::string& consumer, int* handle,
                     std::string* error) override {
    gpiod::line line;
    if (!FindLine(cfg, &line, error)) return false;
    if (!Request(cfg, line, {consumer, gpiod::line_request::DIRECTION_OUTPUT, FlagsFor(cfg, false)},
                 error)) {
      return false;
    }
    *handle = static_cast<int>(outputs_.size());
    outputs_.push_back(Input{cfg, line});
    return true;
  }

  bool SetOutput(int handle, bool active, std::string* error) override {
    if (handle < 0 || handle >= static_cast<int>(outputs_.size())) {
      *error = "output handle " + std::to_string(handle) + " was never requested";
      return false;
    }
    const Input& out = outputs_[handle];
    try {
      out.line.set_value(active ? 1 : 0);
    } catch (const std::exception& e) {
      *error = LineLabel(out.cfg) + ": cannot set the output: " + e.what();
      return false;
    }
    return true;
  }

 private:
  struct Input {
    GpioLineConfig cfg;
    gpiod::line line;
  };

  bool OpenChip(const GpioLineConfig& cfg, gpiod::chip* chip, std::string* error) {
    auto it = chips_.find(cfg.chip);
    if (it != chips_.end()) {
      *chip = it->second;
      return true;
    }
    try {
      gpiod::chip opened(cfg.chip);
      chips_.emplace(cfg.chip, opened);
      *chip = opened;
      return true;
    } catch (const std::system_error& e) {
      *error = LineLabel(cfg) + ": cannot open the GPIO chip: " + ErrnoText(e.code().value());
    } catch (const std::exception& e) {
      *error = LineLabel(cfg) + ": cannot open the GPIO chip: " + e.what();
    }
    return false;
  }

  bool FindLine(const GpioLineConfig& cfg, gpiod::line* line, std::string* error) {
    gpiod::chip chip;
    if (!OpenChip(cfg, &chip, error)) return false;
    try {
      if (const int* offset = std::get_if<int>(&cfg.line)) {
        const unsigned int count = chip.num_lines();
        if (*offset < 0 || static_cast<unsigned int>(*offset) >= count) {
          *error =
              LineLabel(cfg) + ": no such line (the chip has " + std::to_string(count) + " lines)";
          return false;
        }
        *line = chip.get_line(static_cast<unsigned int>(*offset));
      } else {
        *line = chip.find_line(std::get<std::string>(cfg.line));
        if (!*line) {
          *error = LineLabel(cfg) + ": no line with that name on the chip";
          return false;
        }
      }
    } catch (const std::exception& e) {
      *error = LineLabel(cfg) + ": " + e.what();
      return false;
    }
    return true;
  }

  bool Request(const GpioLineConfig& cfg, const gpiod::line& line,
               const gpiod::line_request& request, std::string* error) {
    try {
      if (line.is_used()) {
        *error = BusyText(cfg, line);
        return false;
      }
      line.request(request);
      return true;
    } catch (const std::system_error& e) {
      if (e.code().value() == EBUSY) {
        *error = BusyText(cfg, line);
      } else {
        *error = LineLabel(cfg) + ": cannot request the line: " + ErrnoText(e.code().value());
      }
    } catch (const std::exception& e) {
      *error = LineLabel(cfg) + ": cannot request the line: " + e.what();
    }
    return false;
  }

  static std::string BusyText(const GpioLineConfig& cfg, const gpiod::line& line) {
    std::string consumer;
    try {
      line.update();
      consumer = line.consumer();
    } catch (const std::exception&) {
      // The busy state is what matters; the holder's name is a courtesy.
    }
    if (consumer.empty()) consumer = "unknown";
    return LineLabel(cfg) + ": busy (used by '" + consumer + "')";
  }

  static void Release(const gpiod::line& line) {
    try {
      line.release();
    } catch (const std::exception&) {
    }
  }

  std::map<std::string, gpiod::chip> chips_;  // keeps chips open while their lines are held
  std::map<int, Input> inputs_;               // by event fd
  std::vector<Input> outputs_;                // by handle
};

}  // namespace

std::unique_ptr<LineBackend> MakeGpiodBackend() {
  return std::make_unique<GpiodBackend>();
}

}  // namespace homesec
