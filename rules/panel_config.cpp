// PanelConfig's per-mode timings and the panel-level validation rules the config loader relies
// on (EN 50131-1 entry delay, unique zone ids and numbers, zones bound to a device).
#include "rules/panel_config.hpp"

#include <set>

namespace homesec {
namespace {

// EN 50131-1: the entry timer must not exceed 45 s unless the installer explicitly allows it.
constexpr Seconds kMaxEntryDelay{45};

std::string ModeName(Mode mode) {
  return std::string(ToString(mode));
}

}  // namespace

ModeTiming PanelConfig::TimingFor(Mode armed_mode) const {
  const auto it = timing.find(armed_mode);
  if (it != timing.end()) return it->second;
  // armed_vacation is armed_away with a registered absence: it inherits away's timing unless
  // it has its own.
  if (armed_mode == Mode::kArmedVacation) {
    const auto away = timing.find(Mode::kArmedAway);
    if (away != timing.end()) return away->second;
  }
  return ModeTiming{};
}

std::vector<std::string> Validate(const PanelConfig& config) {
  std::vector<std::string> errors;
  for (const auto& [mode, timing] : config.timing) {
    const std::string where = "timing." + ModeName(mode);
    if (!IsArmedMode(mode) && mode != Mode::kDisarmed) {
      errors.push_back(where + ": timing applies only to disarmed and the armed modes");
    }
    if (timing.exit_delay < Seconds{0} || timing.entry_delay < Seconds{0} ||
        timing.siren < Seconds{0}) {
      errors.push_back(where + ": delays must not be negative");
    }
    if (timing.entry_delay > kMaxEntryDelay && !config.allow_long_entry_delay) {
      errors.push_back(where + ".entry_delay: " + std::to_string(timing.entry_delay.count()) +
                       " s exceeds the 45 s EN 50131-1 allows (set allow_long_entry_delay to "
                       "accept it)");
    }
  }
  std::set<std::string> ids;
  std::set<int> numbers;
  for (std::size_t i = 0; i < config.zones.size(); ++i) {
    const ZoneConfig& zone = config.zones[i];
    const std::string where = "zones[" + std::to_string(i) + "]";
    if (zone.id.empty()) {
      errors.push_back(where + ".id: must not be empty");
    } else if (!ids.insert(zone.id).second) {
      errors.push_back(where + ".id: duplicate zone id '" + zone.id + "'");
    }
    if (zone.number < 1 || zone.number > 999) {
      errors.push_back(where + ".number: must be 1..999 (Contact ID zone number)");
    } else if (!numbers.insert(zone.number).second) {
      errors.push_back(where + ".number: duplicate zone number " + std::to_string(zone.number) +
                       " (zone '" + zone.id + "')");
    }
    if (zone.device.empty()) {
      errors.push_back(where + ".device: zone '" + zone.id + "' has no device");
    }
    if (zone.swinger_limit < 0) {
      errors.push_back(where + ".swinger_limit: must not be negative");
    }
    if (zone.type == ZoneType::kLock && zone.lock_wrong_code_burst < 1) {
      errors.push_back(where + ".lock_wrong_code_burst: must be at least 1");
    }
  }
  return errors;
}

}  // namespace homesec
