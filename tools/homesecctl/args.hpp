// homesecctl's command line, parsed into plain data so it can be tested without a terminal, a
// broker or a database (tools/homesecctl/ carries it out).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "rules/panel_config.hpp"
#include "rules/types.hpp"

namespace homesec {

enum class CtlCommand {
  kHelp,
  kStatus,
  kZones,
  kDevices,
  kTroubles,
  kArm,
  kDisarm,
  kEvents,
  kUserAdd,
  kUserList,
  kUserRemove,
  kWatchStart,
  kWatchShow,
  kWatchExtend,
  kWatchCancel,
  kBypass,
  kUnbypass,
  kPair,
  kWalkTest,
  kMemory,
  kExplain,
  kDryRun,
};

inline constexpr const char* kDefaultConfigPath = "/etc/homesec/homesec.json";

struct CtlArgs {
  CtlCommand command = CtlCommand::kHelp;
  std::string config_path = kDefaultConfigPath;
  bool json = false;       // machine-readable output
  bool pin_stdin = false;  // read the PIN as one line from stdin instead of the terminal
  // arm
  CommandAction arm_action = CommandAction::kArmAway;
  bool force = false;
  // bypass / unbypass
  std::string zone;
  bool until_disarm = false;
  // pair: how long the Zigbee network stays open (1..254 s) and the device expected to join
  int pair_seconds = 120;
  std::string pair_device;
  // walk-test: the zones (empty: all but the life-safety ones), how long (1 s..4 h, default
  // 15 min), or --stop to end the one running
  std::vector<std::string> walk_zones;
  int walk_seconds = 15 * 60;
  bool walk_stop = false;
  // memory: --clear acknowledges the alarm memory (with a PIN)
  bool memory_clear = false;
  // explain EVENT: its SEQ as `events` shows it, or its id
  std::string event_ref;
  // events: the newest `last` of those that match every filter given (AND); --follow then
  // prints each new one live. Without --last, 20, or with --since every match since then.
  std::size_t last = 20;
  bool last_given = false;
  bool follow = false;
  std::vector<std::string> event_types;  // --type: event types (docs/events.md) or categories
  std::string event_zone;                // --zone
  // --since RFC 3339 (events; dry-run: replay from the first checkpoint at or after it)
  std::optional<WallTime> since;
  std::optional<Seconds> since_age;  // --since 30m / 2h / 1d: that long before now
  // troubles --ack [--trouble ID]: acknowledge every active trouble, or the one named.
  bool ack = false;
  std::string trouble_id;
  // user add / remove
  std::string user_name;
  Role role = Role::kUser;
  bool replace = false;  // user add over an existing user
  std::optional<WallTime> valid_from;
  std::optional<WallTime> valid_until;
  // watch start / extend
  std::optional<WallTime> watch_departure;  // nullopt: now
  std::optional<WallTime> watch_return;
  std::string watch_phone;
  std::string watch_notes;
  std::string keyholder;  // empty: no keyholder
  std::optional<WallTime> keyholder_from;
  std::optional<WallTime> keyholder_until;
  std::string keyholder_hours;  // "08:00-20:00" or empty
  std::optional<int> rearm_after_s;
};

struct CtlParseResult {
  std::optional<CtlArgs> args;
  std::string error;  // set when args is not: what is wrong, one line
  // The help to print: with kHelp the one asked for (a verb's, or the list of verbs), after an
  // error that of the verb it concerns, so the user sees what it takes.
  std::string usage;
};

// `argv` without the program name. Never throws: CLI11's errors become `error`.
CtlParseResult ParseCtlArgs(const std::vector<std::string>& argv);

// The verbs as typed ("status", "user add", "watch start", ...), in the order --help lists them,
// and the long options each accepts (its own and the global ones): for shell completion.
std::vector<std::string> CtlVerbs();
std::vector<std::string> CtlVerbOptions(const std::string& verb);

// The event types `homesecctl events --type` accepts (docs/events.md), and the categories.
const std::vector<std::string>& KnownEventTypes();
const std::vector<std::string>& KnownEventCategories();

// "30s", "30m", "2h", "1d": a positive age in seconds, minutes, hours or days (at most 10 years).
std::optional<Seconds> ParseAge(const std::string& text);

// User names are shown in events and on keypads: letters, digits, '.', '_' and '-', 1..32.
bool IsValidUserName(const std::string& name);

}  // namespace homesec
