// Test support for the panel: a standard installation, a manual clock and a harness that feeds
// inputs and collects actions, plus small finders over the returned actions.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rules/codes.hpp"
#include "rules/contact_id_codes.hpp"
#include "rules/panel.hpp"

namespace homesec::test {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// Low iteration count: the tests check behaviour, not the work factor.
inline constexpr int kTestIterations = 1000;
inline constexpr std::array<std::uint8_t, 8> kSalt{7, 1, 7, 2, 7, 3, 7, 4};

inline const Now kEpoch{MonoTime{} + hours(5), WallTime{} + hours(24 * 365 * 56)};  // ~2026

inline User MakeUser(int number, std::string name, Role role, std::string_view pin,
                     int iterations = kTestIterations) {
  User user;
  user.number = number;
  user.name = std::move(name);
  user.role = role;
  user.pin_hash = HashPin(pin, kSalt, iterations);
  return user;
}

inline ZoneConfig MakeZone(std::string id, int number, ZoneType type, std::string device,
                           std::string property) {
  ZoneConfig zone;
  zone.id = std::move(id);
  zone.number = number;
  zone.name = zone.id;
  zone.type = type;
  zone.device = std::move(device);
  zone.property = std::move(property);
  return zone;
}

// PINs: anna 1234 (master), ben 2345 (user), cleaner 3456 (arm_only), keyholder 5555 (window
// set per test), anna-duress 9999.
inline PanelConfig StandardConfig() {
  PanelConfig config;
  config.hub_id = "hub-test";
  config.zones = {
      MakeZone("front_door", 1, ZoneType::kEntryExit, "front_door", "contact"),
      MakeZone("hall_motion", 2, ZoneType::kEntryFollower, "hall_pir", "occupancy"),
      MakeZone("kitchen_window", 3, ZoneType::kPerimeter, "kitchen_window", "latch"),
      MakeZone("living_motion", 4, ZoneType::kInterior, "living_pir", "occupancy"),
      MakeZone("smoke", 5, ZoneType::kFire24h, "smoke_detector", "smoke"),
      MakeZone("leak", 6, ZoneType::kWater24h, "leak_sensor", "water_leak"),
      MakeZone("gas", 7, ZoneType::kGas24h, "gas_sensor", "gas"),
      MakeZone("door_tamper", 8, ZoneType::kTamper24h, "front_door", "tamper"),
      MakeZone("panic_button", 9, ZoneType::kPanic24h, "panic_button", "contact"),
      MakeZone("front_lock", 10, ZoneType::kLock, "front_lock", "lock_state"),
  };
  // The config loader fills the interior default: bypassed in home and night.
  config.zones[3].bypass_in = {Mode::kArmedHome, Mode::kArmedNight};
  config.users = {MakeUser(1, "anna", Role::kMaster, "1234"),
                  MakeUser(2, "ben", Role::kUser, "2345"),
                  MakeUser(3, "cleaner", Role::kArmOnly, "3456"),
                  MakeUser(4, "keyholder", Role::kKeyholder, "5555"),
                  MakeUser(9, "anna-duress", Role::kDuress, "9999")};
  return config;
}

template <typename T>
std::vector<T> All(const std::vector<Action>& actions) {
  std::vector<T> found;
  for (const Action& a : actions) {
    if (const T* t = std::get_if<T>(&a)) found.push_back(*t);
  }
  return found;
}

inline std::vector<Event> Events(const std::vector<Action>& actions) {
  std::vector<Event> events;
  for (const RecordEvent& r : All<RecordEvent>(actions)) events.push_back(r.event);
  return events;
}

inline std::optional<Event> FindEvent(const std::vector<Action>& actions, const std::string& type) {
  for (const Event& e : Events(actions)) {
    if (e.type == type) return e;
  }
  return std::nullopt;
}

inline int CountEvents(const std::vector<Action>& actions, const std::string& type) {
  int n = 0;
  for (const Event& e : Events(actions)) n += e.type == type ? 1 : 0;
  return n;
}

inline std::optional<CommandResult> Result(const std::vector<Action>& actions) {
  const auto results = All<CommandResult>(actions);
  if (results.size() != 1) return std::nullopt;
  return results.front();
}

inline std::optional<SetOutput> Siren(const std::vector<Action>& actions) {
  std::optional<SetOutput> last;
  for (const SetOutput& o : All<SetOutput>(actions)) {
    if (o.kind == OutputKind::kSiren) last = o;
  }
  return last;
}

// Every SetOutput of one kind, in order.
inline std::vector<SetOutput> Outputs(const std::vector<Action>& actions, OutputKind kind) {
  std::vector<SetOutput> found;
  for (const SetOutput& o : All<SetOutput>(actions)) {
    if (o.kind == kind) found.push_back(o);
  }
  return found;
}

// The last pattern an output of `kind` was told in these actions, if any.
inline std::optional<OutputPattern> LastPattern(const std::vector<Action>& actions,
                                                OutputKind kind) {
  const auto found = Outputs(actions, kind);
  if (found.empty()) return std::nullopt;
  return found.back().pattern;
}

inline bool SirenTurnedOn(const std::vector<Action>& actions) {
  const auto siren = Siren(actions);
  return siren && siren->pattern != OutputPattern::kOff;
}

inline bool SirenTurnedOff(const std::vector<Action>& actions) {
  const auto siren = Siren(actions);
  return siren && siren->pattern == OutputPattern::kOff;
}

// The standard zones and a unit door (door_held) that may stand open for 120 s.
inline PanelConfig DoorHeldConfig() {
  PanelConfig config = StandardConfig();
  ZoneConfig door = MakeZone("unit_door", 20, ZoneType::kDoorHeld, "unit_door", "contact");
  door.door_held_limit = std::chrono::seconds(120);
  config.zones.push_back(door);
  return config;
}

// Drives a Panel with a manual clock. Every zone starts known and normal.
class Harness {
 public:
  explicit Harness(PanelConfig config = StandardConfig(), bool zones_closed = true)
      : panel(std::move(config)) {
    panel.Start(now);
    if (zones_closed) CloseAll();
  }

  std::vector<Action> Read(const std::string& device, const std::string& property, Value value,
                           bool initial = false) {
    return panel.Handle(Reading{device, property, std::move(value), initial}, now);
  }
  std::vector<Action> Open(const std::string& device) { return Read(device, "contact", "open"); }
  std::vector<Action> Close(const std::string& device) { return Read(device, "contact", "closed"); }
  std::vector<Action> Motion(const std::string& device, bool active) {
    return Read(device, "occupancy", active);
  }

  std::vector<Action> Send(CommandAction action, std::optional<std::string> code,
                           bool force = false) {
    Command command;
    command.action = action;
    command.code = std::move(code);
    command.force = force;
    command.source = "test";
    command.request_id = "req-" + std::to_string(++requests_);
    return panel.Handle(command, now);
  }
  std::vector<Action> Disarm(const std::string& code = "1234") {
    return Send(CommandAction::kDisarm, code);
  }

  // Advances the clock like the shell: a Tick at every deadline on the way, then one at the end.
  std::vector<Action> Advance(Millis d) {
    const MonoTime target = now.mono + d;
    std::vector<Action> out;
    for (int guard = 0; guard < 100000; ++guard) {
      const auto next = panel.NextDeadline(now);
      if (!next || *next > target) break;
      if (*next > now.mono) now = now + (*next - now.mono);
      Append(out, panel.Handle(Tick{}, now));
    }
    now = now + (target - now.mono);
    Append(out, panel.Handle(Tick{}, now));
    return out;
  }

  // Arms `action` with anna's code and lets the exit delay run out.
  std::vector<Action> ArmAndWait(CommandAction action = CommandAction::kArmAway) {
    std::vector<Action> out = Send(action, "1234");
    Append(out, Advance(panel.config().TimingFor(ArmTarget(action)).exit_delay));
    return out;
  }

  void CloseAll() {
    for (const ZoneConfig& zone : panel.config().zones) {
      if (zone.type == ZoneType::kLock) {
        Read(zone.device, zone.property, "locked", true);
      } else if (zone.property == "contact" || zone.property == "latch") {
        Read(zone.device, zone.property, "closed", true);
      } else {
        Read(zone.device, zone.property, false, true);
      }
    }
  }

  static Mode ArmTarget(CommandAction action) {
    switch (action) {
      case CommandAction::kArmHome:
        return Mode::kArmedHome;
      case CommandAction::kArmNight:
        return Mode::kArmedNight;
      case CommandAction::kArmVacation:
        return Mode::kArmedVacation;
      default:
        return Mode::kArmedAway;
    }
  }

  static void Append(std::vector<Action>& into, std::vector<Action> more) {
    for (Action& a : more) into.push_back(std::move(a));
  }

  Now now = kEpoch;
  Panel panel;

 private:
  int requests_ = 0;
};

}  // namespace homesec::test
