// What both GPIO backends share: how a line is named in messages and which backend a chip uses.
#include "sensors/line_backend.hpp"

#include <cstdlib>

namespace homesec {

LineBackend::~LineBackend() = default;

bool IsSimChip(const std::string& chip) {
  return chip.rfind("sim", 0) == 0;
}

std::unique_ptr<LineBackend> MakeBackendFor(const std::string& chip) {
  return MakeBackendFactory("")(chip);
}

BackendFactory MakeBackendFactory(std::string sim_dir) {
  return [sim_dir = std::move(sim_dir)](const std::string& chip) -> std::unique_ptr<LineBackend> {
    if (IsSimChip(chip)) {
      return MakeSimBackend(sim_dir.empty() ? SimDir() : sim_dir, [] {
        return std::chrono::time_point_cast<Millis>(std::chrono::steady_clock::now());
      });
    }
    return MakeGpiodBackend();
  };
}

std::string SimDir() {
  const char* dir = std::getenv("HOMESEC_SIM_DIR");
  if (dir != nullptr && *dir != '\0') return dir;
  return "/run/homesec/sim";
}

std::string LineLabel(const GpioLineConfig& cfg) {
  if (const int* offset = std::get_if<int>(&cfg.line)) {
    return cfg.chip + " line " + std::to_string(*offset);
  }
  return cfg.chip + " line '" + std::get<std::string>(cfg.line) + "'";
}

}  // namespace homesec
