// The input journal's serialiser and its reader (rules/input_json.hpp).
#include "rules/input_json.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdio>

#include "rules/codes.hpp"

namespace homesec {
namespace {

using nlohmann::json;

// The reader throws nothing: every field is checked before it is read, and the first problem is
// reported with the path of the field.
class Reader {
 public:
  Reader(const json& object, std::string path, std::string* error)
      : object_(object), path_(std::move(path)), error_(error) {}

  bool Ok() const { return ok_; }
  bool Fail(const std::string& key, const std::string& what) {
    if (ok_ && error_ != nullptr) *error_ = path_ + (key.empty() ? "" : "." + key) + ": " + what;
    ok_ = false;
    return false;
  }
  const json* Find(const std::string& key, bool required) {
    if (!ok_) return nullptr;
    if (!object_.is_object()) {
      Fail("", "not an object");
      return nullptr;
    }
    const auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) {
      if (required) Fail(key, "missing");
      return nullptr;
    }
    return &*it;
  }
  void String(const std::string& key, std::string& out, bool required = false) {
    const json* value = Find(key, required);
    if (value == nullptr) return;
    if (!value->is_string()) {
      Fail(key, "not a string");
      return;
    }
    out = value->get<std::string>();
  }
  void Bool(const std::string& key, bool& out) {
    const json* value = Find(key, false);
    if (value == nullptr) return;
    if (!value->is_boolean()) {
      Fail(key, "not a boolean");
      return;
    }
    out = value->get<bool>();
  }
  // Integers within +-2^53 (milliseconds for thousands of years; JSON numbers stay exact).
  bool Int(const std::string& key, std::int64_t& out, bool required = false) {
    const json* value = Find(key, required);
    if (value == nullptr) return false;
    if (!value->is_number_integer()) return Fail(key, "not an integer");
    const std::int64_t v = value->is_number_unsigned()
                               ? static_cast<std::int64_t>(std::min<std::uint64_t>(
                                     value->get<std::uint64_t>(), std::uint64_t{1} << 62))
                               : value->get<std::int64_t>();
    if (v > (std::int64_t{1} << 53) || v < -(std::int64_t{1} << 53)) {
      return Fail(key, "out of range");
    }
    out = v;
    return true;
  }
  void IntRange(const std::string& key, int& out, int lo, int hi) {
    std::int64_t v = 0;
    if (!Int(key, v)) return;
    if (v < lo || v > hi) {
      Fail(key, "must be " + std::to_string(lo) + ".." + std::to_string(hi));
      return;
    }
    out = static_cast<int>(v);
  }
  void Secs(const std::string& key, Seconds& out) {
    std::int64_t v = 0;
    if (!Int(key, v)) return;
    if (v < 0) {
      Fail(key, "negative");
      return;
    }
    out = Seconds{v};
  }
  void OptSecs(const std::string& key, std::optional<Seconds>& out) {
    std::int64_t v = 0;
    if (!Int(key, v)) return;
    if (v < 0) {
      Fail(key, "negative");
      return;
    }
    out = Seconds{v};
  }
  void Wall(const std::string& key, WallTime& out, bool required = false) {
    std::int64_t v = 0;
    if (Int(key, v, required)) out = WallTime{Millis{v}};
  }
  void OptWall(const std::string& key, std::optional<WallTime>& out) {
    std::int64_t v = 0;
    if (Int(key, v)) out = WallTime{Millis{v}};
  }
  template <typename Enum, typename Parse>
  void Enumerated(const std::string& key, Enum& out, Parse parse, bool required = false) {
    std::string text;
    String(key, text, required);
    if (!ok_ || text.empty()) return;
    const std::optional<Enum> parsed = parse(text);
    if (!parsed) {
      Fail(key, "unknown value \"" + text + "\"");
      return;
    }
    out = *parsed;
  }
  const json* Object(const std::string& key) {
    const json* value = Find(key, false);
    if (value != nullptr && !value->is_object()) {
      Fail(key, "not an object");
      return nullptr;
    }
    return value;
  }
  const json* Array(const std::string& key, std::size_t max) {
    const json* value = Find(key, false);
    if (value == nullptr) return nullptr;
    if (!value->is_array()) {
      Fail(key, "not an array");
      return nullptr;
    }
    if (value->size() > max) {
      Fail(key, "more than " + std::to_string(max) + " entries");
      return nullptr;
    }
    return value;
  }
  const std::string& path() const { return path_; }
  std::string* error() const { return error_; }
  bool Child(bool ok) {
    if (!ok) ok_ = false;
    return ok;
  }

 private:
  const json& object_;
  std::string path_;
  std::string* error_;
  bool ok_ = true;
};

std::int64_t Ms(WallTime t) {
  return t.time_since_epoch().count();
}

void PutOpt(json& out, const char* key, const std::optional<WallTime>& t) {
  if (t) out[key] = Ms(*t);
}

constexpr std::size_t kMaxListed = 4096;

std::string HexBytes(const std::vector<std::uint8_t>& bytes) {
  std::string out;
  for (const std::uint8_t b : bytes) {
    out += "0123456789abcdef"[b >> 4];
    out += "0123456789abcdef"[b & 15];
  }
  return out;
}

std::optional<std::vector<std::uint8_t>> ParseHex(const std::string& text) {
  if (text.size() % 2 != 0 || text.size() > 512) return std::nullopt;
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int v = 0;
    for (std::size_t k = i; k < i + 2; ++k) {
      const char c = text[k];
      const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0) return std::nullopt;
      v = v * 16 + d;
    }
    out.push_back(static_cast<std::uint8_t>(v));
  }
  return out;
}

json ValueToJson(const Value& value) {
  return std::visit(
      [](const auto& v) -> json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return nullptr;
        } else {
          return v;
        }
      },
      value);
}

// ---- Command ---------------------------------------------------------------------------------

json CommandToJson(const Command& command, const std::string& code_owner) {
  json out{{"t", "command"}, {"a", std::string(ToString(command.action))}};
  if (command.code) {
    out["code"] = code_owner.empty() ? json{{"wrong", true}} : json{{"user", code_owner}};
  }
  if (command.force) out["force"] = true;
  if (!command.source.empty()) out["source"] = command.source;
  if (!command.request_id.empty()) out["request_id"] = command.request_id;
  if (!command.note.empty()) out["note"] = command.note;
  if (!command.officer.empty()) out["officer"] = command.officer;
  if (!command.zone.empty()) out["zone"] = command.zone;
  if (command.until_disarm) out["until_disarm"] = true;
  if (command.pair_time.count() != 0) out["pair_time"] = command.pair_time.count();
  if (!command.pair_device.empty()) out["pair_device"] = command.pair_device;
  if (!command.walk_zones.empty()) out["walk_zones"] = command.walk_zones;
  if (command.walk_time.count() != 0) out["walk_time"] = command.walk_time.count();
  if (!command.trouble.empty()) out["trouble"] = command.trouble;
  if (command.watch) {
    const WatchSpec& spec = *command.watch;
    json watch = json::object();
    PutOpt(watch, "departure", spec.departure);
    PutOpt(watch, "return", spec.expected_return);
    if (!spec.contact_phone.empty()) watch["phone"] = spec.contact_phone;
    if (!spec.notes.empty()) watch["notes"] = spec.notes;
    if (spec.rearm_after_keyholder) watch["rearm"] = spec.rearm_after_keyholder->count();
    if (!spec.salt.empty()) watch["salt"] = HexBytes(spec.salt);
    if (spec.keyholder) {
      // The name only: the replay gives the keyholder SyntheticPin(name).
      const WatchKeyholderSpec& k = spec.keyholder.value();
      watch["keyholder"] = json{{"name", k.name},
                                {"from", Ms(k.valid_from)},
                                {"until", Ms(k.valid_until)},
                                {"hours", k.hours}};
    }
    out["watch"] = std::move(watch);
  }
  return out;
}

std::optional<Command> CommandFromJson(const json& in, std::string* error) {
  Reader r(in, "command", error);
  Command command;
  r.Enumerated("a", command.action, ParseCommandAction, true);
  if (const json* code = r.Object("code")) {
    Reader c(*code, "command.code", error);
    std::string user;
    bool wrong = false;
    c.String("user", user);
    c.Bool("wrong", wrong);
    if (!r.Child(c.Ok())) return std::nullopt;
    if (user.empty() == !wrong) {
      r.Fail("code", "must name a user or be wrong");
      return std::nullopt;
    }
    command.code = wrong ? WrongPin() : SyntheticPin(user);
  }
  r.Bool("force", command.force);
  r.String("source", command.source);
  r.String("request_id", command.request_id);
  r.String("note", command.note);
  r.String("officer", command.officer);
  r.String("zone", command.zone);
  r.Bool("until_disarm", command.until_disarm);
  r.Secs("pair_time", command.pair_time);
  r.String("pair_device", command.pair_device);
  if (const json* zones = r.Array("walk_zones", kMaxWalkTestZones)) {
    for (const json& zone : *zones) {
      if (!zone.is_string()) {
        r.Fail("walk_zones", "not a list of strings");
        return std::nullopt;
      }
      command.walk_zones.push_back(zone.get<std::string>());
    }
  }
  r.Secs("walk_time", command.walk_time);
  r.String("trouble", command.trouble);
  if (const json* watch = r.Object("watch")) {
    Reader w(*watch, "command.watch", error);
    WatchSpec spec;
    w.OptWall("departure", spec.departure);
    w.OptWall("return", spec.expected_return);
    w.String("phone", spec.contact_phone);
    w.String("notes", spec.notes);
    w.OptSecs("rearm", spec.rearm_after_keyholder);
    std::string salt;
    w.String("salt", salt);
    if (w.Ok() && !salt.empty()) {
      auto bytes = ParseHex(salt);
      if (!bytes) w.Fail("salt", "not hex");
      if (bytes) spec.salt = std::move(*bytes);
    }
    if (const json* keyholder = w.Object("keyholder")) {
      Reader k(*keyholder, "command.watch.keyholder", error);
      WatchKeyholderSpec spec_k;
      k.String("name", spec_k.name, true);
      k.Wall("from", spec_k.valid_from, true);
      k.Wall("until", spec_k.valid_until, true);
      k.String("hours", spec_k.hours);
      if (!w.Child(k.Ok())) return std::nullopt;
      spec_k.pin = SyntheticPin(spec_k.name);
      spec.keyholder = std::move(spec_k);
    }
    if (!r.Child(w.Ok())) return std::nullopt;
    command.watch = std::move(spec);
  }
  if (!r.Ok()) return std::nullopt;
  return command;
}

// ---- the other inputs --------------------------------------------------------------------------

std::optional<Reading> ReadingFromJson(const json& in, std::string* error) {
  Reader r(in, "reading", error);
  Reading reading;
  r.String("d", reading.device, true);
  r.String("p", reading.property, true);
  r.Bool("initial", reading.initial);
  if (!r.Ok()) return std::nullopt;
  const auto it = in.find("v");
  if (it == in.end()) {
    r.Fail("v", "missing");
    return std::nullopt;
  }
  if (it->is_null()) {
    reading.value = std::monostate{};
  } else if (it->is_boolean()) {
    reading.value = it->get<bool>();
  } else if (it->is_number()) {
    reading.value = it->get<double>();
  } else if (it->is_string()) {
    reading.value = it->get<std::string>();
  } else {
    r.Fail("v", "not null, a boolean, a number or a string");
    return std::nullopt;
  }
  return reading;
}

}  // namespace

std::string_view ToString(JournalKind kind) {
  switch (kind) {
    case JournalKind::kInput:
      return "input";
    case JournalKind::kStart:
      return "start";
    case JournalKind::kReconfigure:
      return "reconfigure";
    case JournalKind::kRestore:
      return "restore";
    case JournalKind::kCheckpoint:
      return "checkpoint";
  }
  return "input";
}

std::optional<JournalKind> ParseJournalKind(std::string_view text) {
  for (const JournalKind kind :
       {JournalKind::kInput, JournalKind::kStart, JournalKind::kReconfigure, JournalKind::kRestore,
        JournalKind::kCheckpoint}) {
    if (ToString(kind) == text) return kind;
  }
  return std::nullopt;
}

std::string CodeOwner(const Command& command, const std::vector<Action>& actions) {
  if (!command.code) return {};
  // A duress code passes itself off as another user in the result: its silent event names it.
  for (const Action& action : actions) {
    if (const auto* record = std::get_if<RecordEvent>(&action);
        record && record->event.type == "duress" && record->event.silent) {
      return record->event.user;
    }
  }
  for (const Action& action : actions) {
    if (const auto* result = std::get_if<CommandResult>(&action);
        result && result->request_id == command.request_id && result->source == command.source) {
      return result->reason == "invalid_code" || result->reason == "locked_out" ? std::string()
                                                                                : result->user;
    }
  }
  return {};
}

nlohmann::json InputToJson(const Input& input, const std::string& code_owner) {
  return std::visit(
      [&](const auto& in) -> json {
        using T = std::decay_t<decltype(in)>;
        if constexpr (std::is_same_v<T, Reading>) {
          json out{
              {"t", "reading"}, {"d", in.device}, {"p", in.property}, {"v", ValueToJson(in.value)}};
          if (in.initial) out["initial"] = true;
          return out;
        } else if constexpr (std::is_same_v<T, Command>) {
          return CommandToJson(in, code_owner);
        } else if constexpr (std::is_same_v<T, UplinkLink>) {
          return json{{"t", "uplink"}, {"connected", in.connected}};
        } else if constexpr (std::is_same_v<T, Tick>) {
          return json{{"t", "tick"}};
        } else if constexpr (std::is_same_v<T, WatchAck>) {
          return json{{"t", "watch_ack"}, {"watch_id", in.watch_id}, {"status", in.status}};
        } else if constexpr (std::is_same_v<T, StoreHealth>) {
          return json{{"t", "store"}, {"ok", in.ok}, {"detail", in.detail}};
        } else if constexpr (std::is_same_v<T, PairingRefused>) {
          return json{{"t", "pairing_refused"}, {"error", in.error}};
        } else {
          static_assert(sizeof(T) == 0, "InputToJson: an Input type without a case");
        }
      },
      input);
}

std::optional<Input> InputFromJson(const nlohmann::json& json_in, std::string* error) {
  Reader r(json_in, "input", error);
  std::string type;
  r.String("t", type, true);
  if (!r.Ok()) return std::nullopt;
  if (type == "reading") {
    if (auto reading = ReadingFromJson(json_in, error)) return Input{std::move(*reading)};
    return std::nullopt;
  }
  if (type == "command") {
    if (auto command = CommandFromJson(json_in, error)) return Input{std::move(*command)};
    return std::nullopt;
  }
  if (type == "tick") return Input{Tick{}};
  if (type == "uplink") {
    UplinkLink link;
    r.Bool("connected", link.connected);
    if (r.Ok()) return Input{link};
    return std::nullopt;
  }
  if (type == "watch_ack") {
    WatchAck ack;
    r.String("watch_id", ack.watch_id);
    r.String("status", ack.status);
    if (r.Ok()) return Input{ack};
    return std::nullopt;
  }
  if (type == "store") {
    StoreHealth health;
    r.Bool("ok", health.ok);
    r.String("detail", health.detail);
    if (r.Ok()) return Input{health};
    return std::nullopt;
  }
  if (type == "pairing_refused") {
    PairingRefused refused;
    r.String("error", refused.error);
    if (r.Ok()) return Input{refused};
    return std::nullopt;
  }
  r.Fail("t", "unknown input type \"" + type + "\"");
  return std::nullopt;
}

// ---- the config ----------------------------------------------------------------------------

namespace {

json TransitionToJson(const TransitionRule& t) {
  return json{{"kind", static_cast<int>(t.kind)},
              {"month", t.month},
              {"week", t.week},
              {"weekday", t.weekday},
              {"day", t.day},
              {"time_s", t.time_s}};
}

bool TransitionFromJson(const json& in, const std::string& path, std::string* error,
                        TransitionRule& out) {
  Reader r(in, path, error);
  int kind = 0;
  r.IntRange("kind", kind, 0, 2);
  out.kind = static_cast<TransitionRule::Kind>(kind);
  r.IntRange("month", out.month, 0, 12);
  r.IntRange("week", out.week, 0, 5);
  r.IntRange("weekday", out.weekday, 0, 6);
  r.IntRange("day", out.day, 0, 365);
  r.IntRange("time_s", out.time_s, -167 * 3600, 167 * 3600);
  return r.Ok();
}

}  // namespace

nlohmann::json PanelConfigToJson(const PanelConfig& config) {
  json timing = json::object();
  for (const auto& [mode, t] : config.timing) {
    timing[std::string(ToString(mode))] = json{{"exit", t.exit_delay.count()},
                                               {"entry", t.entry_delay.count()},
                                               {"siren", t.siren.count()}};
  }
  json zones = json::array();
  for (const ZoneConfig& z : config.zones) {
    json bypass = json::array();
    for (const Mode mode : z.bypass_in) bypass.push_back(std::string(ToString(mode)));
    zones.push_back(json{{"id", z.id},
                         {"number", z.number},
                         {"name", z.name},
                         {"type", std::string(ToString(z.type))},
                         {"device", z.device},
                         {"property", z.property},
                         {"bypass_in", std::move(bypass)},
                         {"chime", z.chime},
                         {"allow_open_at_arming", z.allow_open_at_arming},
                         {"silent", z.silent},
                         {"swinger_limit", z.swinger_limit},
                         {"cross_zone_group", z.cross_zone_group},
                         {"door_held_limit", z.door_held_limit.count()},
                         {"lock_wrong_code_burst", z.lock_wrong_code_burst},
                         {"lock_wrong_code_window", z.lock_wrong_code_window.count()}});
  }
  json devices = json::array();
  for (const DeviceSupervision& d : config.devices) {
    devices.push_back(json{{"device", d.device},
                           {"checkin_window", d.checkin_window.count()},
                           {"unavailable_grace", d.unavailable_grace.count()}});
  }
  json users = json::array();
  for (const User& u : config.users) {
    json user{{"number", u.number},
              {"name", u.name},
              {"role", std::string(ToString(u.role))},
              {"pin_hash", u.pin_hash}};
    PutOpt(user, "valid_from", u.valid_from);
    PutOpt(user, "valid_until", u.valid_until);
    users.push_back(std::move(user));
  }
  const CodePolicy& c = config.codes;
  json tz{{"std_name", config.watch.time_zone.std_name},
          {"std_offset_s", config.watch.time_zone.std_offset_s}};
  if (const auto& dst = config.watch.time_zone.dst) {
    tz["dst"] = json{{"name", dst->name},
                     {"utc_offset_s", dst->utc_offset_s},
                     {"start", TransitionToJson(dst->start)},
                     {"end", TransitionToJson(dst->end)}};
  }
  return json{
      {"hub_id", config.hub_id},
      {"timing", std::move(timing)},
      {"allow_long_entry_delay", config.allow_long_entry_delay},
      {"zones", std::move(zones)},
      {"devices", std::move(devices)},
      {"users", std::move(users)},
      {"codes", json{{"min_length", c.min_length},
                     {"max_wrong", c.max_wrong},
                     {"wrong_window", c.wrong_window.count()},
                     {"lockout", c.lockout.count()},
                     {"lockout_max", c.lockout_max.count()},
                     {"lockout_reset", c.lockout_reset.count()},
                     {"code_required_to_arm", c.code_required_to_arm},
                     {"code_required_to_bypass", c.code_required_to_bypass},
                     {"duress_imitates", c.duress_imitates}}},
      {"cross_zone_window", config.cross_zone_window.count()},
      {"recent_closing_window", config.recent_closing_window.count()},
      {"uplink_zone_number", config.uplink_zone_number},
      {"chime", config.chime.count()},
      {"watch", json{{"report_hour", config.watch.report_hour},
                     {"report_minute", config.watch.report_minute},
                     {"time_zone", std::move(tz)},
                     {"arm_retry", config.watch.arm_retry.count()}}},
  };
}

std::optional<PanelConfig> PanelConfigFromJson(const nlohmann::json& in, std::string* error) {
  Reader r(in, "config", error);
  PanelConfig config;
  r.String("hub_id", config.hub_id);
  r.Bool("allow_long_entry_delay", config.allow_long_entry_delay);
  if (const json* timing = r.Object("timing")) {
    for (const auto& [name, t] : timing->items()) {
      const std::optional<Mode> mode = ParseMode(name);
      if (!mode) {
        r.Fail("timing", "unknown mode \"" + name + "\"");
        return std::nullopt;
      }
      Reader tr(t, "config.timing." + name, error);
      ModeTiming timing_out;
      tr.Secs("exit", timing_out.exit_delay);
      tr.Secs("entry", timing_out.entry_delay);
      tr.Secs("siren", timing_out.siren);
      if (!r.Child(tr.Ok())) return std::nullopt;
      config.timing[*mode] = timing_out;
    }
  }
  if (const json* zones = r.Array("zones", kMaxListed)) {
    for (std::size_t i = 0; i < zones->size(); ++i) {
      Reader zr((*zones)[i], "config.zones[" + std::to_string(i) + "]", error);
      ZoneConfig z;
      zr.String("id", z.id, true);
      zr.IntRange("number", z.number, 0, 999);
      zr.String("name", z.name);
      zr.Enumerated("type", z.type, ParseZoneType, true);
      zr.String("device", z.device);
      zr.String("property", z.property);
      if (const json* bypass = zr.Array("bypass_in", 16)) {
        for (const json& mode : *bypass) {
          const std::optional<Mode> m =
              mode.is_string() ? ParseMode(mode.get<std::string>()) : std::nullopt;
          if (!m) {
            zr.Fail("bypass_in", "not a mode");
            break;
          }
          z.bypass_in.insert(*m);
        }
      }
      zr.Bool("chime", z.chime);
      zr.Bool("allow_open_at_arming", z.allow_open_at_arming);
      zr.Bool("silent", z.silent);
      zr.IntRange("swinger_limit", z.swinger_limit, 0, 1000000);
      zr.String("cross_zone_group", z.cross_zone_group);
      zr.Secs("door_held_limit", z.door_held_limit);
      zr.IntRange("lock_wrong_code_burst", z.lock_wrong_code_burst, 0, 1000000);
      zr.Secs("lock_wrong_code_window", z.lock_wrong_code_window);
      if (!r.Child(zr.Ok())) return std::nullopt;
      config.zones.push_back(std::move(z));
    }
  }
  if (const json* devices = r.Array("devices", kMaxListed)) {
    for (std::size_t i = 0; i < devices->size(); ++i) {
      Reader dr((*devices)[i], "config.devices[" + std::to_string(i) + "]", error);
      DeviceSupervision d;
      dr.String("device", d.device, true);
      dr.Secs("checkin_window", d.checkin_window);
      dr.Secs("unavailable_grace", d.unavailable_grace);
      if (!r.Child(dr.Ok())) return std::nullopt;
      config.devices.push_back(std::move(d));
    }
  }
  if (const json* users = r.Array("users", kMaxListed)) {
    for (std::size_t i = 0; i < users->size(); ++i) {
      Reader ur((*users)[i], "config.users[" + std::to_string(i) + "]", error);
      User u;
      ur.IntRange("number", u.number, 0, 999);
      ur.String("name", u.name, true);
      ur.Enumerated("role", u.role, ParseRole, true);
      ur.String("pin_hash", u.pin_hash);
      ur.OptWall("valid_from", u.valid_from);
      ur.OptWall("valid_until", u.valid_until);
      if (!r.Child(ur.Ok())) return std::nullopt;
      config.users.push_back(std::move(u));
    }
  }
  if (const json* codes = r.Object("codes")) {
    Reader cr(*codes, "config.codes", error);
    CodePolicy& c = config.codes;
    cr.IntRange("min_length", c.min_length, 0, 64);
    cr.IntRange("max_wrong", c.max_wrong, 0, 1000000);
    cr.Secs("wrong_window", c.wrong_window);
    cr.Secs("lockout", c.lockout);
    cr.Secs("lockout_max", c.lockout_max);
    cr.Secs("lockout_reset", c.lockout_reset);
    cr.Bool("code_required_to_arm", c.code_required_to_arm);
    cr.Bool("code_required_to_bypass", c.code_required_to_bypass);
    cr.String("duress_imitates", c.duress_imitates);
    if (!r.Child(cr.Ok())) return std::nullopt;
  }
  r.Secs("cross_zone_window", config.cross_zone_window);
  r.Secs("recent_closing_window", config.recent_closing_window);
  r.IntRange("uplink_zone_number", config.uplink_zone_number, 0, 999);
  r.Secs("chime", config.chime);
  if (const json* watch = r.Object("watch")) {
    Reader wr(*watch, "config.watch", error);
    wr.IntRange("report_hour", config.watch.report_hour, 0, 23);
    wr.IntRange("report_minute", config.watch.report_minute, 0, 59);
    wr.Secs("arm_retry", config.watch.arm_retry);
    if (const json* tz = wr.Object("time_zone")) {
      Reader tzr(*tz, "config.watch.time_zone", error);
      TimeZoneRule& rule = config.watch.time_zone;
      tzr.String("std_name", rule.std_name);
      tzr.IntRange("std_offset_s", rule.std_offset_s, -25 * 3600, 25 * 3600);
      if (const json* dst = tzr.Object("dst")) {
        Reader dr(*dst, "config.watch.time_zone.dst", error);
        DaylightSaving d;
        dr.String("name", d.name);
        dr.IntRange("utc_offset_s", d.utc_offset_s, -25 * 3600, 25 * 3600);
        const json* start = dr.Object("start");
        const json* end = dr.Object("end");
        if (dr.Ok() && (start == nullptr || end == nullptr)) dr.Fail("start", "missing");
        if (dr.Ok()) {
          dr.Child(TransitionFromJson(*start, "config.watch.time_zone.dst.start", error, d.start) &&
                   TransitionFromJson(*end, "config.watch.time_zone.dst.end", error, d.end));
        }
        if (tzr.Child(dr.Ok())) rule.dst = std::move(d);
      }
      wr.Child(tzr.Ok());
    }
    if (!r.Child(wr.Ok())) return std::nullopt;
  }
  if (!r.Ok()) return std::nullopt;
  return config;
}

std::string ConfigHash(const std::string& serialised_config) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(serialised_config.data(), serialised_config.size(), digest.data(), &length,
             EVP_sha256(), nullptr);
  return HexBytes(std::vector<std::uint8_t>(digest.begin(), digest.begin() + length));
}

std::string SyntheticPin(const std::string& user) {
  // FNV-1a, 64 bits, printed as 12 digits starting 1..9: never WrongPin().
  std::uint64_t h = 1469598103934665603ULL;
  for (const char c : user) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  char text[16];
  std::snprintf(text, sizeof text, "%d%011llu", static_cast<int>(1 + h % 9),
                static_cast<unsigned long long>((h / 9) % 100000000000ULL));
  return text;
}

std::string WrongPin() {
  return "000000000000";
}

PanelConfig ForReplay(PanelConfig config) {
  static constexpr std::array<std::uint8_t, 8> kSalt{'r', 'e', 'p', 'l', 'a', 'y', '0', '1'};
  for (User& user : config.users) user.pin_hash = HashPin(SyntheticPin(user.name), kSalt, 1);
  return config;
}

std::optional<JournalEntry> ParseJournalRow(const JournalRow& row, std::string* error) {
  std::string why;
  JournalEntry entry;
  entry.row = row;
  const std::string where =
      "journal row " + std::to_string(row.id) + " (" + std::string(ToString(row.kind)) + "): ";
  if (row.kind == JournalKind::kInput) {
    const json body = json::parse(row.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) {
      if (error != nullptr) *error = where + "not JSON";
      return std::nullopt;
    }
    entry.input = InputFromJson(body, &why);
    if (!entry.input) {
      if (error != nullptr) *error = where + why;
      return std::nullopt;
    }
  } else if (row.kind == JournalKind::kRestore || row.kind == JournalKind::kCheckpoint) {
    entry.snapshot = json::parse(row.body, nullptr, /*allow_exceptions=*/false);
    if (entry.snapshot.is_discarded() || !entry.snapshot.is_object()) {
      if (error != nullptr) *error = where + "the snapshot is not a JSON object";
      return std::nullopt;
    }
  }
  if (row.kind != JournalKind::kInput && row.kind != JournalKind::kStart &&
      row.config_hash.empty()) {
    if (error != nullptr) *error = where + "no config";
    return std::nullopt;
  }
  return entry;
}

}  // namespace homesec
