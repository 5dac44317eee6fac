// What the panel needs to know about the installation: zones, devices it supervises, per-mode
// timings, code policy and users. Built by daemon/config from etc/homesec.json (and the users
// from the store); plain data so tests can build it inline.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rules/local_time.hpp"
#include "rules/time.hpp"
#include "rules/types.hpp"

namespace homesec {

struct ModeTiming {
  Seconds exit_delay{60};
  Seconds entry_delay{30};
  Seconds siren{180};
};

struct ZoneConfig {
  std::string id;
  int number = 0;  // Contact ID zone number (CCC), 1..999
  std::string name;
  ZoneType type = ZoneType::kPerimeter;
  std::string device;
  std::string property;      // e.g. "contact", "latch", "smoke", "lock_state"
  std::set<Mode> bypass_in;  // armed modes in which the zone is bypassed
  bool chime = false;        // chime while disarmed when it opens
  bool allow_open_at_arming = false;
  bool silent = false;                  // panic_24h: silent panic (122) instead of audible (123)
  int swinger_limit = 2;                // alarms per armed period before shutdown; 0 = unlimited
  std::string cross_zone_group;         // empty = no cross-zone confirmation
  Seconds door_held_limit{120};         // door_held zones
  int lock_wrong_code_burst = 5;        // lock zones: wrong codes ...
  Seconds lock_wrong_code_window{300};  // ... within this window raise an alarm
};

struct DeviceSupervision {
  std::string device;
  Seconds checkin_window{0};      // 0 = not supervised for silence
  Seconds unavailable_grace{60};  // availability blips shorter than this cause nothing
};

enum class Role { kMaster, kUser, kArmOnly, kKeyholder, kDuress };
std::string_view ToString(Role role);
std::optional<Role> ParseRole(std::string_view text);

struct User {
  int number = 0;  // Contact ID user number (CCC)
  std::string name;
  Role role = Role::kUser;
  std::string pin_hash;  // "pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>", see codes.hpp
  std::optional<WallTime> valid_from;  // keyholder window
  std::optional<WallTime> valid_until;
  bool operator==(const User&) const = default;
};

struct CodePolicy {
  int min_length = 4;
  int max_wrong = 5;             // wrong codes from one source ...
  Seconds wrong_window{600};     // ... within this window ...
  Seconds lockout{90};           // ... lock that source out for this long (Contact ID 461), ...
  Seconds lockout_max{3600};     // ... doubling with each lockout in a row up to this, ...
  Seconds lockout_reset{86400};  // ... until a valid code, or this long without a wrong code.
  bool code_required_to_arm = true;
  // BYPASS and UNBYPASS need a valid code (BYPASS one that may disarm: it takes protection
  // away), as DSC and Vista ask for one in their bypass menus. Wrong codes count towards the
  // source's lockout like any other.
  bool code_required_to_bypass = true;
  // The user a duress code imitates locally (name); empty = the lowest-numbered master.
  std::string duress_imitates;
};

// Vacant-house watch settings (the config's "watch" section), not part of one watch.
struct WatchConfig {
  int report_hour = 20;  // daily status report, local time
  int report_minute = 0;
  TimeZoneRule time_zone = UtcRule();
  Seconds arm_retry{60};  // re-ask the panel while arming or blocked
};

struct PanelConfig {
  std::string hub_id;
  std::map<Mode, ModeTiming> timing;    // per armed mode; missing = defaults
  bool allow_long_entry_delay = false;  // EN 50131-1: entry delay <= 45 s unless allowed
  std::vector<ZoneConfig> zones;
  std::vector<DeviceSupervision> devices;
  std::vector<User> users;
  CodePolicy codes;
  Seconds cross_zone_window{600};
  Seconds recent_closing_window{120};
  int uplink_zone_number = 0;  // CCC for communication troubles (350/354)
  // The door chime when a chime zone opens while disarmed: a short "ding-dong", as keypads and
  // chime outputs of DSC / Vista panels give. Also the shortest a water leak chime sounds.
  Seconds chime{2};
  WatchConfig watch;

  ModeTiming TimingFor(Mode armed_mode) const;
};

// Validates the panel-level rules (entry delay <= 45 s unless allowed, unique zone ids and
// numbers, ...). Returns one message per problem; empty when valid.
std::vector<std::string> Validate(const PanelConfig& config);

// The property a zone of `type` watches when the config names none (panel_zones.cpp).
std::string DefaultProperty(ZoneType type);

// Why a zone of this type may never be bypassed by hand (panel_bypass.cpp), or empty when it
// may: burglary zones and held doors may, 24-hour zones and locks never.
std::string BypassRefusal(ZoneType type);

}  // namespace homesec
