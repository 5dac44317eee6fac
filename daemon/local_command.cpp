// Parsing of local commands and the JSON shape of their results (docs/protocol.md).
#include "daemon/local_command.hpp"

#include <initializer_list>

#include "rules/json_limits.hpp"
#include "rules/text.hpp"

namespace homesec {
namespace {

LocalCommandParse Refuse(std::string message, std::string request_id = "",
                         std::optional<CommandAction> action = std::nullopt) {
  CommandResult result;
  result.request_id = std::move(request_id);
  result.source = "mqtt";
  if (action) result.action = *action;
  result.accepted = false;
  result.reason = "invalid_request";
  result.message = std::move(message);
  return LocalCommandParse{std::nullopt, result, std::nullopt};
}

std::string Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// Why a JSON value is not what a watch field needs, or empty.
std::string ReadTime(const nlohmann::json& value, const std::string& path, WallTime& out) {
  if (!value.is_string()) return path + " must be an RFC 3339 time string";
  const auto parsed = ParseRfc3339(value.get<std::string>());
  if (!parsed) {
    return path + ": '" + PrintableText(value.get<std::string>(), 60) +
           "' is not an RFC 3339 time (e.g. 2026-10-28T18:00:00+01:00)";
  }
  out = *parsed;
  return {};
}

std::string ReadString(const nlohmann::json& object, const char* key, const std::string& path,
                       std::string& out) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  if (!it->is_string()) return path + key + " must be a string";
  out = it->get<std::string>();
  return {};
}

// Unknown keys are refused: a misspelt "expected_retrun" must not silently become "missing".
std::string UnknownKey(const nlohmann::json& object, const std::string& path,
                       std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : object.items()) {
    bool found = false;
    for (const std::string_view k : known) found = found || key == k;
    if (!found) return "unknown field " + path + key;
  }
  return {};
}

// {"departure": "now" | time, "expected_return", "contact_phone", "notes", "keyholder": {"name",
//  "pin", "valid_from", "valid_until", "hours"}, "rearm_after_keyholder_s"}. Empty on success.
std::string ParseWatchSpec(const nlohmann::json& json, WatchSpec& spec) {
  if (!json.is_object()) return "\"watch\" must be an object";
  if (auto e = UnknownKey(json, "watch.",
                          {"departure", "expected_return", "contact_phone", "notes", "keyholder",
                           "rearm_after_keyholder_s"});
      !e.empty()) {
    return e;
  }
  if (const auto it = json.find("departure"); it != json.end() && !it->is_null()) {
    if (!(it->is_string() && it->get<std::string>() == "now")) {
      WallTime t{};
      if (auto e = ReadTime(*it, "watch.departure", t); !e.empty()) return e + " or \"now\"";
      spec.departure = t;
    }
  }
  if (const auto it = json.find("expected_return"); it != json.end() && !it->is_null()) {
    WallTime t{};
    if (auto e = ReadTime(*it, "watch.expected_return", t); !e.empty()) return e;
    spec.expected_return = t;
  }
  if (auto e = ReadString(json, "contact_phone", "watch.", spec.contact_phone); !e.empty()) {
    return e;
  }
  if (auto e = ReadString(json, "notes", "watch.", spec.notes); !e.empty()) return e;
  if (const auto it = json.find("rearm_after_keyholder_s"); it != json.end() && !it->is_null()) {
    if (!it->is_number_integer()) return "watch.rearm_after_keyholder_s must be whole seconds";
    spec.rearm_after_keyholder = Seconds{it->get<std::int64_t>()};
  }
  if (const auto it = json.find("keyholder"); it != json.end() && !it->is_null()) {
    if (!it->is_object()) return "watch.keyholder must be an object";
    if (auto e = UnknownKey(*it, "watch.keyholder.",
                            {"name", "pin", "valid_from", "valid_until", "hours"});
        !e.empty()) {
      return e;
    }
    WatchKeyholderSpec keyholder;
    for (const char* key : {"valid_from", "valid_until"}) {
      const auto t = it->find(key);
      if (t == it->end()) return std::string("watch.keyholder.") + key + " is required";
      WallTime& out =
          std::string(key) == "valid_from" ? keyholder.valid_from : keyholder.valid_until;
      if (auto e = ReadTime(*t, std::string("watch.keyholder.") + key, out); !e.empty()) {
        return e;
      }
    }
    if (auto e = ReadString(*it, "name", "watch.keyholder.", keyholder.name); !e.empty()) return e;
    // A number would have lost its leading zeros on the way: PINs are strings.
    if (auto e = ReadString(*it, "pin", "watch.keyholder.", keyholder.pin); !e.empty()) return e;
    if (auto e = ReadString(*it, "hours", "watch.keyholder.", keyholder.hours); !e.empty()) {
      return e;
    }
    spec.keyholder = std::move(keyholder);
  }
  return {};
}

LocalCommandParse ParseJsonCommand(const nlohmann::json& json) {
  std::string request_id;
  if (const auto it = json.find("request_id"); it != json.end()) {
    if (!it->is_string()) return Refuse("\"request_id\" must be a string");
    // Echoed in the result: short and printable, or refused without being echoed.
    if (!IsValidRequestId(it->get<std::string>())) {
      return Refuse("\"request_id\" must be printable text of at most " +
                    std::to_string(kMaxRequestIdBytes) + " bytes");
    }
    request_id = it->get<std::string>();
  }
  const auto action_it = json.find("action");
  if (action_it == json.end() || !action_it->is_string()) {
    return Refuse("\"action\" is missing or not a string", request_id);
  }
  const std::string action_text = action_it->get<std::string>();
  const std::optional<CommandAction> action = ParseCommandAction(action_text);
  if (!action) {
    return Refuse("unknown action '" + PrintableText(action_text, 40) + "'", request_id);
  }
  if (*action == CommandAction::kPatrolCheckIn) {
    return Refuse("PATROL_CHECK_IN comes only from the platform", request_id, action);
  }
  Command command;
  command.action = *action;
  command.source = "mqtt";
  command.request_id = request_id;
  if (const auto it = json.find("watch"); it != json.end()) {
    if (*action != CommandAction::kWatchStart && *action != CommandAction::kWatchExtend) {
      return Refuse("\"watch\" applies only to WATCH_START and WATCH_EXTEND", request_id, action);
    }
    WatchSpec spec;
    if (std::string error = ParseWatchSpec(*it, spec); !error.empty()) {
      return Refuse(error, request_id, action);
    }
    command.watch = std::move(spec);
  }
  if (const auto it = json.find("code"); it != json.end() && !it->is_null()) {
    // A number would have lost its leading zeros on the way: PINs are strings.
    if (!it->is_string()) return Refuse("\"code\" must be a string", request_id, action);
    if (!it->get<std::string>().empty()) command.code = it->get<std::string>();
  }
  if (const auto it = json.find("force"); it != json.end()) {
    if (!it->is_boolean()) return Refuse("\"force\" must be true or false", request_id, action);
    command.force = it->get<bool>();
  }
  const bool bypass = *action == CommandAction::kBypass || *action == CommandAction::kUnbypass;
  if (const auto it = json.find("zone"); it != json.end() && !it->is_null()) {
    if (!bypass) return Refuse("\"zone\" applies only to BYPASS and UNBYPASS", request_id, action);
    if (!it->is_string() || !IsCommandZoneId(it->get<std::string>())) {
      return Refuse("\"zone\" must be a zone id: 1 to " + std::to_string(kMaxZoneIdBytes) +
                        " letters, digits, '_' or '-'",
                    request_id, action);
    }
    command.zone = it->get<std::string>();
  }
  if (bypass && command.zone.empty()) {
    return Refuse("\"zone\" is required for " + std::string(ToString(*action)), request_id, action);
  }
  if (const auto it = json.find("until_disarm"); it != json.end() && !it->is_null()) {
    if (*action != CommandAction::kBypass) {
      return Refuse("\"until_disarm\" applies only to BYPASS", request_id, action);
    }
    if (!it->is_boolean()) {
      return Refuse("\"until_disarm\" must be true or false", request_id, action);
    }
    command.until_disarm = it->get<bool>();
  }
  const bool pair = *action == CommandAction::kPair;
  const bool walk = *action == CommandAction::kWalkTest;
  if (pair) command.pair_time = kDefaultPairTime;
  if (walk) command.walk_time = kDefaultWalkTestTime;
  if (const auto it = json.find("seconds"); it != json.end() && !it->is_null()) {
    if (!pair && !walk) {
      return Refuse("\"seconds\" applies only to PAIR and WALK_TEST", request_id, action);
    }
    const long long max = (pair ? kMaxPairTime : kMaxWalkTestTime).count();
    if (!it->is_number_integer() || it->get<long long>() < 1 || it->get<long long>() > max) {
      return Refuse("\"seconds\" must be whole seconds from 1 to " + std::to_string(max) +
                        (pair ? " (Zigbee2MQTT's limit)" : " (4 hours)"),
                    request_id, action);
    }
    (pair ? command.pair_time : command.walk_time) = Seconds(it->get<long long>());
  }
  if (const auto it = json.find("zones"); it != json.end() && !it->is_null()) {
    if (!walk) return Refuse("\"zones\" applies only to WALK_TEST", request_id, action);
    const std::string shape = "\"zones\" must be a list of at most " +
                              std::to_string(kMaxWalkTestZones) + " zone ids (1 to " +
                              std::to_string(kMaxZoneIdBytes) + " letters, digits, '_' or '-')";
    if (!it->is_array() || it->size() > kMaxWalkTestZones) {
      return Refuse(shape, request_id, action);
    }
    for (const nlohmann::json& zone : *it) {
      if (!zone.is_string() || !IsCommandZoneId(zone.get<std::string>())) {
        return Refuse(shape, request_id, action);
      }
      command.walk_zones.push_back(zone.get<std::string>());
    }
  }
  if (const auto it = json.find("device"); it != json.end() && !it->is_null()) {
    if (!pair) return Refuse("\"device\" applies only to PAIR", request_id, action);
    if (!it->is_string() || !IsPairDeviceName(it->get<std::string>())) {
      return Refuse("\"device\" must be a Zigbee friendly name: 1 to " +
                        std::to_string(kMaxPairDeviceBytes) +
                        " bytes of printable UTF-8 text, no MQTT wildcards",
                    request_id, action);
    }
    command.pair_device = it->get<std::string>();
  }
  if (const auto it = json.find("trouble"); it != json.end() && !it->is_null()) {
    if (*action != CommandAction::kTroubleAck) {
      return Refuse("\"trouble\" applies only to TROUBLE_ACK", request_id, action);
    }
    if (!it->is_string() || !IsTroubleId(it->get<std::string>())) {
      return Refuse("\"trouble\" must be a trouble id such as \"battery_low:front_door\" (1 to " +
                        std::to_string(kMaxTroubleIdBytes) + " bytes of printable text)",
                    request_id, action);
    }
    command.trouble = it->get<std::string>();
  }
  std::optional<WallTime> sent;
  if (const auto it = json.find("time"); it != json.end() && !it->is_null()) {
    WallTime t{};
    if (auto e = ReadTime(*it, "\"time\"", t); !e.empty()) return Refuse(e, request_id, action);
    sent = t;
  }
  // A captured command with a code would otherwise work again whenever it is replayed: it must
  // carry an id that is never accepted twice (ReplayGuard).
  if (command.code && request_id.empty()) {
    return Refuse(
        "a command with a code needs a \"request_id\" used only once (and should carry its "
        "\"time\"), so that a captured command cannot be replayed",
        request_id, action);
  }
  return LocalCommandParse{command, std::nullopt, sent};
}

}  // namespace

bool IsPairDeviceName(std::string_view name) {
  if (name.empty() || name.size() > kMaxPairDeviceBytes || !IsValidUtf8(name)) return false;
  // Printable as it is (it is echoed in the summary) and usable as a topic level ('/' is
  // allowed: Zigbee2MQTT friendly names may hold it), never a wildcard.
  if (PrintableText(name, kMaxPairDeviceBytes) != name) return false;
  return name.find_first_of("+#") == std::string_view::npos;
}

bool IsTroubleId(std::string_view id) {
  if (id.empty() || id.size() > kMaxTroubleIdBytes || !IsValidUtf8(id)) return false;
  return PrintableText(id, kMaxTroubleIdBytes) == id;
}

bool IsCommandZoneId(std::string_view zone) {
  if (zone.empty() || zone.size() > kMaxZoneIdBytes) return false;
  for (const char c : zone) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

LocalCommandParse ParseLocalCommand(std::string_view payload, bool retained) {
  if (retained) {
    return Refuse("retained command ignored: commands must be published without retain");
  }
  if (payload.size() > kMaxCommandBytes) {
    return Refuse("command larger than " + std::to_string(kMaxCommandBytes) + " bytes");
  }
  const std::string text = Trim(payload);
  if (text.empty()) return Refuse("empty command");
  if (text.front() == '{') {
    std::string error;
    const std::optional<nlohmann::json> json =
        ParseJsonWithin(text, JsonLimits{kMaxCommandBytes, 8}, &error);
    if (!json) return Refuse("command is not valid JSON: " + error);
    if (!json->is_object()) return Refuse("command is not a JSON object");
    return ParseJsonCommand(*json);
  }
  const std::optional<CommandAction> action = ParseCommandAction(text);
  if (action == CommandAction::kPatrolCheckIn) {
    return Refuse("PATROL_CHECK_IN comes only from the platform");
  }
  if (action == CommandAction::kBypass || action == CommandAction::kUnbypass) {
    return Refuse(std::string(ToString(*action)) + " needs a zone: send JSON {\"action\": \"" +
                      std::string(ToString(*action)) + "\", \"zone\": ..., \"code\": ...}",
                  "", action);
  }
  if (!action) {
    // Quoted printable and cut on a character boundary: the reply is JSON, and a stranger's
    // bytes (ARM\xff) once made dumping it throw and end the daemon (issue 10).
    return Refuse("unknown command '" + PrintableText(text, 64) +
                  "' (expected ARM_AWAY, ARM_HOME, ARM_NIGHT, ARM_VACATION, DISARM, TRIGGER or "
                  "JSON {\"action\": ..., \"code\": ...})");
  }
  Command command;
  command.action = *action;
  command.source = "mqtt";
  if (command.action == CommandAction::kPair) command.pair_time = kDefaultPairTime;
  if (command.action == CommandAction::kWalkTest) command.walk_time = kDefaultWalkTestTime;
  return LocalCommandParse{command, std::nullopt, std::nullopt};
}

nlohmann::json AlarmMemoryToJson(const std::vector<AlarmMemoryEntry>& memory) {
  nlohmann::json out = nlohmann::json::array();
  for (const AlarmMemoryEntry& entry : memory) {
    nlohmann::json e{{"zone", entry.zone},
                     {"type", entry.type},
                     {"time", FormatRfc3339(entry.time)},
                     {"restored", entry.restored ? nlohmann::json(FormatRfc3339(*entry.restored))
                                                 : nlohmann::json()},
                     {"count", entry.count}};
    out.push_back(std::move(e));
  }
  return out;
}

nlohmann::json CommandResultToJson(const CommandResult& result) {
  nlohmann::json json{{"request_id", result.request_id},
                      {"action", std::string(ToString(result.action))},
                      {"accepted", result.accepted},
                      {"reason", result.reason},
                      {"message", result.message},
                      {"open_zones", result.open_zones},
                      {"user", result.user}};
  if (!result.watch_id.empty()) json["watch_id"] = result.watch_id;
  if (!result.alarm_memory.empty()) json["alarm_memory"] = AlarmMemoryToJson(result.alarm_memory);
  return json;
}

}  // namespace homesec
