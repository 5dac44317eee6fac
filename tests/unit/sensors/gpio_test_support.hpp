// Test support for the GPIO tests: a temporary simulated-chip directory and a manual monotonic
// clock (the only fakes: the OS seams for GPIO hardware and time).
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "sensors/line_backend.hpp"
#include "sensors/sim_chip.hpp"

namespace homesec::test {

class SimChipDir {
 public:
  SimChipDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "homesec-sim-XXXXXX").string();
    root_ = mkdtemp(pattern.data());
  }
  ~SimChipDir() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  SimChipDir(const SimChipDir&) = delete;
  SimChipDir& operator=(const SimChipDir&) = delete;

  const std::string& root() const { return root_; }

  // A factory for GpioInputs/GpioOutputs whose simulated backends read `clock`.
  BackendFactory Factory(std::shared_ptr<Now> clock) const {
    std::string root = root_;
    return [root, clock](const std::string&) {
      return MakeSimBackend(root, [clock] { return clock->mono; });
    };
  }

  // Sets a line's physical level from outside, as homesec-simgpio does.
  bool Drive(const std::string& chip, const std::string& line, bool level) const {
    std::string error;
    return DriveSimLine(root_, chip, line, level, &error);
  }

 private:
  std::string root_;
};

inline std::shared_ptr<Now> MakeClock() {
  return std::make_shared<Now>(
      Now{MonoTime{Millis{1'000'000}}, WallTime{Millis{1'790'000'000'000}}});
}

inline GpioLineConfig SimLine(int offset, LineRole role = LineRole::kContact,
                              Millis debounce = Millis{50}) {
  GpioLineConfig cfg;
  cfg.chip = "sim0";
  cfg.line = offset;
  cfg.role = role;
  cfg.debounce = debounce;
  return cfg;
}

}  // namespace homesec::test
