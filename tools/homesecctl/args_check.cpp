// homesecctl's arguments checked and turned into CtlArgs: what CLI11 collected for the verb
// (args.cpp) is read here the way each command needs it, and every misuse is one line saying what
// is wrong (the ranges, the ids, the options that need or exclude one another).
#include <algorithm>
#include <charconv>
#include <string_view>

#include "daemon/config_reader.hpp"
#include "daemon/local_command.hpp"
#include "rules/text.hpp"
#include "tools/homesecctl/args_check.hpp"

namespace homesec {
namespace {
// Every event type the panel records (docs/events.md), silent ones left out: they are never
// shown locally, so a filter for them could only ever print nothing.
const std::vector<std::string> kEventTypes{
    "burglary", "burglary_unconfirmed", "intrusion_confirmed", "exit_error", "recent_closing",
    "fire", "gas", "water_leak", "tamper", "panic", "manual_trigger", "medical", "lock_forced",
    "lock_picked", "lock_wrong_code_burst", "door_held", "alarm_restore", "armed", "disarmed",
    "alarm_cancel", "arming_refused", "arming_cancelled", "zone_bypassed", "swinger_shutdown",
    "manual_bypass", "bypass_restore", "wrong_code", "code_lockout", "device_unavailable",
    "device_silent", "battery_low", "zone_unbound", "lock_jammed", "uplink_lost", "store_failure",
    "trouble_restore", "trouble_ack", "siren_silenced", "pairing_opened", "pairing_closed",
    "walk_test_started", "walk_test_ended", "walk_test_zone", "alarm_memory_cleared",
    "system_start",
    // The vacant-house watch's (docs/vacant-house-watch.md).
    "watch_registered", "watch_started", "watch_start_blocked", "watch_rearmed",
    "watch_rearm_blocked", "watch_extended", "watch_cancelled", "watch_ended", "watch_overdue",
    "watch_daily_report", "watch_acknowledged", "keyholder_visit", "patrol_check_in"};
const std::vector<std::string> kEventCategories{"alarm",  "restore",   "trouble", "trouble_restore",
                                                "arming", "disarming", "bypass",  "access",
                                                "watch",  "system",    "test"};

CtlParseResult Fail(std::string error) {
  return CtlParseResult{std::nullopt, std::move(error), ""};
}

std::optional<CommandAction> ArmActionFor(const std::string& mode) {
  if (mode == "home") return CommandAction::kArmHome;
  if (mode == "night") return CommandAction::kArmNight;
  if (mode == "away") return CommandAction::kArmAway;
  if (mode == "vacation") return CommandAction::kArmVacation;
  return std::nullopt;
}

// "a,b,c" as its parts; an empty text is one empty part (a missing list item is an error to
// report, not something to skip).
std::vector<std::string> SplitCommas(std::string_view text) {
  std::vector<std::string> parts;
  while (true) {
    const std::size_t comma = text.find(',');
    parts.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) return parts;
    text = text.substr(comma + 1);
  }
}

}  // namespace

const std::vector<std::string>& KnownEventTypes() {
  return kEventTypes;
}

const std::vector<std::string>& KnownEventCategories() {
  return kEventCategories;
}

std::optional<Seconds> ParseAge(const std::string& text) {
  if (text.size() < 2) return std::nullopt;
  long long n = 0;
  const char* end = text.data() + text.size() - 1;
  const auto [stop, ec] = std::from_chars(text.data(), end, n);
  if (ec != std::errc() || stop != end || n <= 0) return std::nullopt;
  long long unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      return std::nullopt;
  }
  constexpr long long kTenYears = 10LL * 366 * 86400;
  if (n > kTenYears / unit) return std::nullopt;
  return Seconds(n * unit);
}

bool IsValidUserName(const std::string& name) {
  if (name.empty() || name.size() > 32) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

CtlParseResult CheckCtlWords(const CtlWords& words) {
  CtlArgs args;
  args.command = words.command;
  const std::vector<std::string>& operands = words.operands;
  const auto option = [&](const std::string& name) -> const std::string* {
    const auto it = words.options.find(name);
    return it == words.options.end() ? nullptr : &it->second;
  };
  if (const std::string* path = option("--config")) {
    if (path->empty()) return Fail("--config needs a path");
    args.config_path = *path;
  }
  args.json = option("--json") != nullptr;
  args.pin_stdin = option("--pin-stdin") != nullptr;
  args.force = option("--force") != nullptr;
  args.replace = option("--replace") != nullptr;
  args.until_disarm = option("--until-disarm") != nullptr;
  args.walk_stop = option("--stop") != nullptr;
  args.memory_clear = option("--clear") != nullptr;

  switch (args.command) {
    case CtlCommand::kArm: {
      if (operands.size() != 1) return Fail("arm: give one mode: home, night, away or vacation");
      const std::optional<CommandAction> action = ArmActionFor(operands[0]);
      if (!action) {
        return Fail("arm: unknown mode '" + operands[0] + "' (home, night, away or vacation)");
      }
      args.arm_action = *action;
      break;
    }
    case CtlCommand::kBypass:
    case CtlCommand::kUnbypass: {
      const char* what = args.command == CtlCommand::kBypass ? "bypass" : "unbypass";
      if (operands.size() != 1) return Fail(std::string(what) + ": give one zone id");
      args.zone = operands[0];
      if (!IsCommandZoneId(args.zone)) {
        return Fail(std::string(what) + ": invalid zone id '" + PrintableText(args.zone, 40) +
                    "' (letters, digits, '_' and '-', as in the config)");
      }
      break;
    }
    case CtlCommand::kPair: {
      if (!operands.empty()) return Fail("pair: unexpected argument '" + operands[0] + "'");
      if (const std::string* text = option("--seconds")) {
        int s = 0;
        const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), s);
        if (ec != std::errc() || end != text->data() + text->size() || s < 1 ||
            s > kMaxPairTime.count()) {
          return Fail("--seconds: expected 1 to " + std::to_string(kMaxPairTime.count()) +
                      " (Zigbee2MQTT's limit), got '" + PrintableText(*text, 40) + "'");
        }
        args.pair_seconds = s;
      }
      if (const std::string* device = option("--device")) {
        if (!IsPairDeviceName(*device)) {
          return Fail("--device: expected a Zigbee friendly name (printable text, at most " +
                      std::to_string(kMaxPairDeviceBytes) + " bytes, no '+' or '#')");
        }
        args.pair_device = *device;
      }
      break;
    }
    case CtlCommand::kWalkTest: {
      if (!operands.empty()) return Fail("walk-test: unexpected argument '" + operands[0] + "'");
      const std::string* minutes = option("--minutes");
      const std::string* seconds = option("--seconds");
      if (args.walk_stop && (minutes || seconds || option("--zones"))) {
        return Fail("walk-test: --stop takes no --zones, --minutes or --seconds");
      }
      if (minutes && seconds) return Fail("walk-test: give --minutes or --seconds, not both");
      if (minutes || seconds) {
        const std::string& text = minutes ? *minutes : *seconds;
        const int unit = minutes ? 60 : 1;
        const int max = static_cast<int>(kMaxWalkTestTime.count()) / unit;
        int n = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec != std::errc() || end != text.data() + text.size() || n < 1 || n > max) {
          return Fail(std::string(minutes ? "--minutes" : "--seconds") + ": expected 1 to " +
                      std::to_string(max) + " (4 hours), got '" + PrintableText(text, 40) + "'");
        }
        args.walk_seconds = n * unit;
      }
      if (const std::string* zones = option("--zones")) {
        for (const std::string& zone : SplitCommas(*zones)) {
          if (!IsCommandZoneId(zone)) {
            return Fail("--zones: invalid zone id '" + PrintableText(zone, 40) +
                        "' (a comma-separated list of zone ids as in the config)");
          }
          if (args.walk_zones.size() >= kMaxWalkTestZones) {
            return Fail("--zones: at most " + std::to_string(kMaxWalkTestZones) + " zones");
          }
          args.walk_zones.push_back(zone);
        }
      }
      break;
    }
    case CtlCommand::kEvents:
      if (!operands.empty()) return Fail("events: unexpected argument '" + operands[0] + "'");
      if (const std::string* last = option("--last")) {
        std::size_t n = 0;
        const auto [end, ec] = std::from_chars(last->data(), last->data() + last->size(), n);
        if (ec != std::errc() || end != last->data() + last->size() || n == 0 || n > 100000) {
          return Fail("--last: expected a count from 1 to 100000, got '" + *last + "'");
        }
        args.last = n;
        args.last_given = true;
      }
      args.follow = option("--follow") != nullptr;
      if (const std::string* types = option("--type")) {
        for (const std::string& type : SplitCommas(*types)) {
          if (type.empty())
            return Fail("--type: an empty type in '" + PrintableText(*types, 60) + "'");
          if (std::find(kEventTypes.begin(), kEventTypes.end(), type) == kEventTypes.end() &&
              std::find(kEventCategories.begin(), kEventCategories.end(), type) ==
                  kEventCategories.end()) {
            std::vector<std::string> candidates = kEventTypes;
            candidates.insert(candidates.end(), kEventCategories.begin(), kEventCategories.end());
            const std::string hint = ClosestMatch(type, candidates);
            return Fail("--type: unknown event type '" + PrintableText(type, 40) + "'" +
                        (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                        "; the types are listed in docs/events.md, or give a category: alarm, "
                        "restore, trouble, trouble_restore, arming, disarming, bypass, access, "
                        "watch, system");
          }
          if (std::find(args.event_types.begin(), args.event_types.end(), type) ==
              args.event_types.end()) {
            args.event_types.push_back(type);
          }
        }
      }
      if (const std::string* zone = option("--zone")) {
        if (!IsCommandZoneId(*zone)) {
          return Fail("--zone: invalid zone id '" + PrintableText(*zone, 40) +
                      "' (letters, digits, '_' and '-', as in the config)");
        }
        args.event_zone = *zone;
      }
      if (const std::string* since = option("--since")) {
        if (const std::optional<Seconds> age = ParseAge(*since)) {
          args.since_age = age;
        } else if (const std::optional<WallTime> time = ParseRfc3339(*since)) {
          args.since = time;
        } else {
          return Fail(
              "--since: expected an RFC 3339 time such as 2026-12-01T08:00:00+08:00 or an "
              "age such as 30m, 2h or 1d, got '" +
              PrintableText(*since, 40) + "'");
        }
      }
      break;
    case CtlCommand::kTroubles:
      if (!operands.empty()) return Fail("unexpected argument '" + operands[0] + "'");
      args.ack = option("--ack") != nullptr;
      if (const std::string* id = option("--trouble")) {
        if (!args.ack) return Fail("--trouble ID applies only with --ack");
        if (!IsTroubleId(*id)) {
          return Fail(
              "--trouble: expected a trouble id as `homesecctl troubles` shows it (such "
              "as battery_low:front_door), got '" +
              PrintableText(*id, 40) + "'");
        }
        args.trouble_id = *id;
      }
      if (args.pin_stdin && !args.ack) return Fail("--pin-stdin applies only with --ack");
      break;
    case CtlCommand::kExplain:
      if (operands.size() != 1) {
        return Fail("explain: give one event: its SEQ as homesecctl events shows it");
      }
      args.event_ref = operands[0];
      break;
    case CtlCommand::kDryRun:
      if (!operands.empty()) {
        return Fail("dry-run: unexpected argument '" + PrintableText(operands[0], 40) +
                    "' (the config to try is --config NEW.json)");
      }
      if (const std::string* text = option("--since")) {
        args.since = ParseRfc3339(*text);
        if (!args.since) {
          return Fail(
              "--since: expected an RFC 3339 time such as 2026-12-01T08:00:00+01:00, "
              "got '" +
              PrintableText(*text, 40) + "'");
        }
      }
      break;
    case CtlCommand::kUserAdd:
    case CtlCommand::kUserRemove: {
      const char* what = args.command == CtlCommand::kUserAdd ? "user add" : "user remove";
      if (operands.size() != 1) return Fail(std::string(what) + ": give one user name");
      args.user_name = operands[0];
      if (!IsValidUserName(args.user_name)) {
        return Fail(std::string(what) + ": invalid name '" + args.user_name +
                    "' (letters, digits, '.', '_' and '-', at most 32)");
      }
      if (args.command == CtlCommand::kUserRemove) break;
      const std::string* role = option("--role");
      if (role == nullptr) {
        return Fail("user add: --role is required (master, user, arm_only, keyholder, duress)");
      }
      const std::optional<Role> parsed = ParseRole(*role);
      if (!parsed) {
        return Fail("user add: unknown role '" + *role +
                    "' (master, user, arm_only, keyholder or duress)");
      }
      args.role = *parsed;
      for (const char* name : {"--from", "--until"}) {
        const std::string* text = option(name);
        if (text == nullptr) continue;
        const std::optional<WallTime> time = ParseRfc3339(*text);
        if (!time) {
          return Fail(std::string(name) + ": expected an RFC 3339 time such as " +
                      "2026-12-01T08:00:00+08:00, got '" + *text + "'");
        }
        (std::string(name) == "--from" ? args.valid_from : args.valid_until) = time;
      }
      // A keyholder's PIN is valid only inside its window (the neighbour who waters the plants
      // while the family travels); other roles have none.
      const bool has_window = args.valid_from || args.valid_until;
      if (args.role == Role::kKeyholder && !(args.valid_from && args.valid_until)) {
        return Fail("user add: a keyholder needs --from and --until");
      }
      if (args.role != Role::kKeyholder && has_window) {
        return Fail("user add: --from/--until apply only to --role keyholder");
      }
      if (args.valid_from && args.valid_until && *args.valid_until <= *args.valid_from) {
        return Fail("user add: --until must be after --from");
      }
      break;
    }
    case CtlCommand::kWatchStart:
    case CtlCommand::kWatchExtend: {
      if (!operands.empty()) return Fail("unexpected argument '" + operands[0] + "'");
      const char* what = args.command == CtlCommand::kWatchStart ? "watch start" : "watch extend";
      // RFC 3339, and "now" for the departure.
      const auto time_option = [&](const char* name, std::optional<WallTime>& out,
                                   bool allow_now) -> std::string {
        const std::string* text = option(name);
        if (text == nullptr) return {};
        if (allow_now && *text == "now") return {};
        out = ParseRfc3339(*text);
        if (!out) {
          return std::string(name) + ": expected an RFC 3339 time such as " +
                 "2026-10-28T18:00:00+01:00" + (allow_now ? " or 'now'" : "") + ", got '" + *text +
                 "'";
        }
        return {};
      };
      for (const std::string& e : {time_option("--return", args.watch_return, false),
                                   time_option("--depart", args.watch_departure, true),
                                   time_option("--keyholder-from", args.keyholder_from, false),
                                   time_option("--keyholder-until", args.keyholder_until, false)}) {
        if (!e.empty()) return Fail(e);
      }
      if (!args.watch_return) return Fail(std::string(what) + ": --return TIME is required");
      if (args.command == CtlCommand::kWatchExtend) break;
      if (const std::string* phone = option("--phone")) args.watch_phone = *phone;
      if (args.watch_phone.empty()) {
        return Fail("watch start: --phone is required (the patrol calls it)");
      }
      if (const std::string* notes = option("--notes")) args.watch_notes = *notes;
      if (const std::string* name = option("--keyholder")) args.keyholder = *name;
      if (const std::string* hours = option("--keyholder-hours")) args.keyholder_hours = *hours;
      if (const std::string* rearm = option("--rearm-after")) {
        int s = 0;
        const auto [end, ec] = std::from_chars(rearm->data(), rearm->data() + rearm->size(), s);
        if (ec != std::errc() || end != rearm->data() + rearm->size() || s <= 0) {
          return Fail("--rearm-after: expected seconds, got '" + *rearm + "'");
        }
        args.rearm_after_s = s;
      }
      const bool keyholder_details = args.keyholder_from || args.keyholder_until ||
                                     !args.keyholder_hours.empty() || args.rearm_after_s;
      if (args.keyholder.empty() && keyholder_details) {
        return Fail(
            "watch start: --keyholder-from/--keyholder-until/--keyholder-hours/"
            "--rearm-after need --keyholder NAME");
      }
      if (!args.keyholder.empty() && !(args.keyholder_from && args.keyholder_until)) {
        return Fail("watch start: a keyholder needs --keyholder-from and --keyholder-until");
      }
      break;
    }
    case CtlCommand::kMemory:
    case CtlCommand::kWatchShow:
    case CtlCommand::kWatchCancel:
    case CtlCommand::kStatus:
    case CtlCommand::kZones:
    case CtlCommand::kDevices:
    case CtlCommand::kDisarm:
    case CtlCommand::kUserList:
    case CtlCommand::kHelp:
      if (!operands.empty()) return Fail("unexpected argument '" + operands[0] + "'");
      break;
  }
  return CtlParseResult{args, "", ""};
}

}  // namespace homesec
