// GPIO inputs: request lines through the backend of their chip, debounce edges, emit Readings.
#include "sensors/gpio_inputs.hpp"

#include <algorithm>

namespace homesec {

Reading LineReading(const std::string& device, LineRole role, bool active, bool initial) {
  Reading reading;
  reading.device = device;
  reading.initial = initial;
  switch (role) {
    case LineRole::kContact:
    case LineRole::kLatch:
      reading.property = role == LineRole::kContact ? "contact" : "latch";
      reading.value = std::string(active ? "open" : "closed");
      break;
    case LineRole::kTamper:
    case LineRole::kPanic:
    case LineRole::kKeyswitch:
      reading.property = std::string(ToString(role));
      reading.value = active;
      break;
  }
  return reading;
}

bool ValidateGpioLine(const GpioLineConfig& cfg, std::string* error) {
  if (cfg.chip.empty()) {
    *error = "gpio.chip must name a chip (\"gpiochip0\", \"/dev/gpiochip0\", \"sim0\")";
    return false;
  }
  if (const int* offset = std::get_if<int>(&cfg.line); offset && *offset < 0) {
    *error = LineLabel(cfg) + ": line offset must not be negative";
    return false;
  }
  if (const auto* name = std::get_if<std::string>(&cfg.line); name && name->empty()) {
    *error = cfg.chip + ": line name must not be empty";
    return false;
  }
  std::string why;
  if (!ValidateDebounce(cfg.debounce, &why)) {
    *error = LineLabel(cfg) + ": " + why;
    return false;
  }
  return true;
}

GpioInputs::GpioInputs(std::string consumer, BackendFactory factory)
    : consumer_(std::move(consumer)), factory_(std::move(factory)) {}

GpioInputs::~GpioInputs() = default;

LineBackend* GpioInputs::BackendFor(const std::string& chip, std::string* error) {
  auto it = backends_.find(chip);
  if (it == backends_.end()) {
    std::unique_ptr<LineBackend> backend = factory_(chip);
    if (!backend) {
      *error = chip + ": no backend for this chip";
      return nullptr;
    }
    it = backends_.emplace(chip, std::move(backend)).first;
  }
  return it->second.get();
}

bool GpioInputs::Open(const std::vector<std::pair<std::string, GpioLineConfig>>& lines, Now now,
                      std::vector<Reading>* initial, std::vector<std::string>* errors) {
  (void)now;  // levels at start need no time; kept so the signature matches the other sources
  bool all_ok = true;
  for (const auto& [device, cfg] : lines) {
    std::string error;
    if (!ValidateGpioLine(cfg, &error)) {
      errors->push_back(device + ": " + error);
      all_ok = false;
      continue;
    }
    LineBackend* backend = BackendFor(cfg.chip, &error);
    int fd = -1;
    bool active = false;
    if (backend == nullptr || !backend->RequestInput(cfg, consumer_, &fd, &active, &error)) {
      errors->push_back(device + ": " + error);
      all_ok = false;
      continue;
    }
    lines_.emplace(fd, Line{device, cfg, backend, Debouncer(cfg.debounce, active)});
    initial->push_back(LineReading(device, cfg.role, active, /*initial=*/true));
  }
  return all_ok;
}

std::vector<int> GpioInputs::Fds() const {
  std::vector<int> fds;
  fds.reserve(lines_.size());
  for (const auto& [fd, line] : lines_) fds.push_back(fd);
  return fds;
}

std::vector<Reading> GpioInputs::OnReadable(int fd, Now now, std::vector<std::string>* errors) {
  std::vector<Reading> readings;
  auto it = lines_.find(fd);
  if (it == lines_.end()) return readings;
  Line& line = it->second;
  std::string error;
  std::vector<RawEdge> edges = line.backend->ReadEdges(fd, &error);
  if (!error.empty() && errors != nullptr) errors->push_back(line.device + ": " + error);
  for (const RawEdge& edge : edges) {
    // Never let a timestamp from the future (clock mismatch) hold a change back.
    const MonoTime time = std::min(edge.time, now.mono);
    if (std::optional<bool> settled = line.debouncer.OnEdge(edge.active, time)) {
      readings.push_back(LineReading(line.device, line.cfg.role, *settled, false));
    }
  }
  if (std::optional<bool> settled = line.debouncer.OnTick(now.mono)) {
    readings.push_back(LineReading(line.device, line.cfg.role, *settled, false));
  }
  return readings;
}

std::optional<MonoTime> GpioInputs::NextDeadline() const {
  std::optional<MonoTime> next;
  for (const auto& [fd, line] : lines_) {
    std::optional<MonoTime> deadline = line.debouncer.Deadline();
    if (deadline && (!next || *deadline < *next)) next = deadline;
  }
  return next;
}

std::vector<Reading> GpioInputs::OnTick(Now now) {
  std::vector<Reading> readings;
  for (auto& [fd, line] : lines_) {
    if (std::optional<bool> settled = line.debouncer.OnTick(now.mono)) {
      readings.push_back(LineReading(line.device, line.cfg.role, *settled, false));
    }
  }
  return readings;
}

}  // namespace homesec
