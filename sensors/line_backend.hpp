// The seam between homesec and GPIO hardware: a LineBackend requests input lines (one pollable
// fd per line, as libgpiod 1.6 gives) and output lines. Two implementations: the real one on
// libgpiod 1.6 (gpio.cpp, the only file that includes <gpiod.hpp>) and the simulated chip
// (sim.cpp), whose lines are driven from outside the process (see docs/gpio.md).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rules/time.hpp"
#include "sensors/source_config.hpp"

namespace homesec {

// One level change of an input line as the backend saw it. `active` is the logical level
// (active_low already applied); `time` is monotonic (kernel event timestamp for real lines, the
// time the change was read for simulated ones).
struct RawEdge {
  bool active = false;
  MonoTime time{};
};

class LineBackend {
 public:
  virtual ~LineBackend();

  // Requests an input line for edge events on both edges and reads its current level. On
  // success fills `fd` (register it for EPOLLIN; valid until the backend is destroyed) and
  // `initial_active`. On failure returns false and sets `error` to a message naming chip and
  // line, e.g. "gpiochip0 line 17: busy (used by 'xyz')".
  virtual bool RequestInput(const GpioLineConfig& cfg, const std::string& consumer, int* fd,
                            bool* initial_active, std::string* error) = 0;

  // Drains the edge events of a ready input fd (never blocks); returns the resulting logical
  // levels in order. Malformed or failed reads set `error` (edges read so far are returned).
  virtual std::vector<RawEdge> ReadEdges(int fd, std::string* error) = 0;

  // Requests an output line, initially inactive. `handle` identifies it to SetOutput.
  virtual bool RequestOutput(const GpioLineConfig& cfg, const std::string& consumer, int* handle,
                             std::string* error) = 0;

  // Drives an output line to its logical level (active_low applied by the backend).
  virtual bool SetOutput(int handle, bool active, std::string* error) = 0;
};

// "sim*" chips -> the simulated chip under SimDir(); anything else -> libgpiod.
bool IsSimChip(const std::string& chip);
std::unique_ptr<LineBackend> MakeBackendFor(const std::string& chip);

// The real backend (libgpiod 1.6). Reads the monotonic clock only to sanity-check kernel
// event timestamps (pre-5.7 kernels stamp events with CLOCK_REALTIME).
std::unique_ptr<LineBackend> MakeGpiodBackend();

// The simulated chip rooted at `dir` (chip "sim0" lives in <dir>/sim0/). `clock` stamps the
// edges read; tests pass a manual clock.
using MonoClock = std::function<MonoTime()>;
std::unique_ptr<LineBackend> MakeSimBackend(std::string dir, MonoClock clock);

// $HOMESEC_SIM_DIR, or /run/homesec/sim.
std::string SimDir();

// "gpiochip0 line 17" / "gpiochip0 line 'door'": how every message names a line.
std::string LineLabel(const GpioLineConfig& cfg);

using BackendFactory = std::function<std::unique_ptr<LineBackend>(const std::string& chip)>;

// Like MakeBackendFor, with simulated chips under `sim_dir` (the config's sim_gpio_dir; empty
// = SimDir()). Pass it to GpioInputs/GpioOutputs.
BackendFactory MakeBackendFactory(std::string sim_dir);

}  // namespace homesec
