// The panel state as JSON for restart restore. Monotonic deadlines do not survive a reboot, so
// each is stored as the milliseconds it had left plus the wall time of the snapshot; on restore
// the wall time spent down is subtracted (a deadline that passed while down is due at once).
#include "rules/panel_state.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "rules/json_limits.hpp"
#include "rules/text.hpp"

namespace homesec {
namespace {

using nlohmann::json;

constexpr int kSnapshotVersion = 1;

// One entry per zone; a snapshot with more than any installation has zones is not one of ours.
constexpr std::size_t kMaxAlarmMemory = 1000;

json Remaining(const std::optional<MonoTime>& deadline, Now now) {
  if (!deadline) return nullptr;
  return std::max<std::int64_t>(0, (*deadline - now.mono).count());
}

json WallMs(WallTime t) {
  return t.time_since_epoch().count();
}

// The widest an int field of the snapshot may be: the bound keeps the conversion defined, it
// judges nothing (a tight bound would make a legitimate snapshot unreadable, and the hub would
// come back disarmed).
constexpr std::int64_t kMaxInt = std::numeric_limits<int>::max();

// Wall times from year 0 to 9999 (what FormatRfc3339 writes), in ms since the epoch.
constexpr std::int64_t kEarliestWallMs = -62167219200000;
constexpr std::int64_t kLatestWallMs = 253402300799999;
// No deadline of the panel lies further ahead than this (the longest is a vacant-house watch).
constexpr std::int64_t kLongestRemainingMs = 400LL * 24 * 3600 * 1000;

WallTime WallFrom(const json& j) {
  return WallTime{Millis{IntegerIn(j, kEarliestWallMs, kLatestWallMs, "wall time")}};
}

// Rebuilds a deadline from its remaining time, less the time the process was down.
std::optional<MonoTime> Deadline(const json& j, Now now, Millis down) {
  if (j.is_null()) return std::nullopt;
  const Millis remaining{IntegerIn(j, 0, kLongestRemainingMs, "remaining time")};
  return now.mono + (remaining - std::min(down, remaining));
}

Mode ModeFrom(const json& j) {
  const auto mode = ParseMode(j.get<std::string>());
  if (!mode) throw std::invalid_argument("unknown mode '" + j.get<std::string>() + "'");
  return *mode;
}

SirenReason SirenReasonFrom(const std::string& text) {
  for (SirenReason r : {SirenReason::kBurglar, SirenReason::kFire, SirenReason::kEmergency}) {
    if (ToString(r) == text) return r;
  }
  return SirenReason::kBurglar;
}

json AttemptsToJson(const CodeAttempts& attempts) {
  json wrong = json::array();
  for (WallTime t : attempts.recent_wrong) wrong.push_back(WallMs(t));
  json out{{"recent_wrong", std::move(wrong)},
           {"locked_until", attempts.locked_until ? WallMs(*attempts.locked_until) : json()}};
  if (attempts.lockouts != 0) out["lockouts"] = attempts.lockouts;
  if (attempts.last_wrong) out["last_wrong"] = WallMs(*attempts.last_wrong);
  return out;
}

json CodesToJson(const CodeCheckerState& codes) {
  json out = AttemptsToJson(codes);
  if (!codes.sources.empty()) {
    json sources = json::object();
    for (const auto& [source, attempts] : codes.sources) sources[source] = AttemptsToJson(attempts);
    out["sources"] = std::move(sources);
  }
  return out;
}

void AttemptsFrom(const json& j, CodeAttempts& out) {
  for (const json& t : j.at("recent_wrong")) out.recent_wrong.push_back(WallFrom(t));
  if (!j.at("locked_until").is_null()) out.locked_until = WallFrom(j.at("locked_until"));
  out.lockouts = static_cast<int>(IntegerIn(j, "lockouts", 0, 0, kMaxInt));
  if (const auto it = j.find("last_wrong"); it != j.end() && !it->is_null()) {
    out.last_wrong = WallFrom(*it);
  }
}

}  // namespace

json ZoneToJson(const ZoneRuntime& z, Now now) {
  json zone = json::object();
  if (z.active) zone["active"] = *z.active;
  if (z.alarmed) zone["alarmed"] = true;
  if (z.alarm_code != 0) zone["alarm_code"] = z.alarm_code;
  if (z.alarm_count != 0) zone["alarm_count"] = z.alarm_count;
  if (z.force_bypassed) zone["force_bypassed"] = true;
  if (z.swinger_bypassed) zone["swinger_bypassed"] = true;
  if (z.manual_bypassed) zone["manual_bypassed"] = true;
  if (z.bypass_until_disarm) zone["bypass_until_disarm"] = true;
  if (!z.lock_state.empty()) zone["lock_state"] = z.lock_state;
  if (z.lock_jammed) zone["lock_jammed"] = true;
  if (z.unbound) zone["unbound"] = true;
  if (!z.lock_wrong_codes.empty()) {
    json wrong = json::array();
    for (WallTime t : z.lock_wrong_codes) wrong.push_back(WallMs(t));
    zone["lock_wrong_codes"] = std::move(wrong);
  }
  // As a wall time, not as time left: a zone row is written only when the zone changes, so it
  // must not depend on when the rest of the snapshot was saved.
  if (z.door_held_deadline) {
    zone["door_held_until_ms"] =
        WallMs(now.wall + std::chrono::duration_cast<Millis>(*z.door_held_deadline - now.mono));
  }
  return zone;
}

// Zones and devices are written with only the fields that differ from a fresh runtime (and left
// out when nothing does), and a zone that is merely closed or open only as an id in
// "closed_zones" / "open_zones": in a home with hundreds of zones nearly all of them are simply
// closed. Reading takes a missing field as its default.
json StateToJson(const PanelState& state, Now now, bool with_zones) {
  json zones = json::object();
  json closed = json::array();
  json open = json::array();
  if (with_zones) {
    for (const auto& [id, z] : state.zones) {
      // The common case, a zone that is just closed (or open), goes in a list of ids.
      const bool plain = !z.alarmed && z.alarm_code == 0 && z.alarm_count == 0 &&
                         !z.force_bypassed && !z.swinger_bypassed && !z.manual_bypassed &&
                         !z.bypass_until_disarm && z.lock_state.empty() && !z.lock_jammed &&
                         z.lock_wrong_codes.empty() && !z.door_held_deadline && !z.unbound;
      if (plain) {
        if (z.active) (*z.active ? open : closed).push_back(id);
        continue;
      }
      zones[id] = ZoneToJson(z, now);
    }
  }
  json devices = json::object();
  for (const auto& [id, d] : state.devices) {
    // Check-in windows restart after a restart (devices could not be heard while down).
    if (!d.unavailable_deadline && !d.unavailable_trouble && !d.silent_trouble && !d.battery_low) {
      continue;
    }
    json device = json::object();
    if (d.unavailable_deadline) {
      device["unavailable_remaining_ms"] = Remaining(d.unavailable_deadline, now);
    }
    if (d.unavailable_trouble) device["unavailable_trouble"] = true;
    if (d.silent_trouble) device["silent_trouble"] = true;
    if (d.battery_low) device["battery_low"] = true;
    if (!device.empty()) devices[id] = std::move(device);
  }
  json cross = json::object();
  for (const auto& [group, m] : state.cross_zone) {
    cross[group] = {{"zone", m.zone}, {"remaining_ms", Remaining(m.expires, now)}};
  }
  json snapshot = {{"version", kSnapshotVersion},
                   {"wall_ms", WallMs(now.wall)},
                   {"mode", ToString(state.mode)},
                   {"armed_mode", ToString(state.armed_mode)},
                   {"exit_remaining_ms", Remaining(state.exit_deadline, now)},
                   {"entry_remaining_ms", Remaining(state.entry_deadline, now)},
                   {"entry_zone", state.entry_zone},
                   {"siren_remaining_ms", Remaining(state.siren_deadline, now)},
                   {"siren_reason", ToString(state.siren_reason)},
                   {"recent_closing_remaining_ms", Remaining(state.recent_closing_until, now)},
                   {"armed_by", state.armed_by},
                   {"armed_by_number", state.armed_by_number},
                   {"devices", devices},
                   {"cross_zone", cross},
                   {"uplink_trouble", state.uplink_trouble},
                   {"codes", CodesToJson(state.codes)},
                   {"next_seq", state.next_seq},
                   {"watch", state.watch ? state.watch->Snapshot() : json(nullptr)}};
  if (!state.trouble_marks.empty()) {
    json marks = json::object();
    for (const auto& [id, mark] : state.trouble_marks) {
      marks[id] = {{"since_ms", WallMs(mark.since)}, {"acknowledged", mark.acknowledged}};
    }
    snapshot["trouble_marks"] = std::move(marks);
  }
  // Only once there is one: most hubs never see a silent event.
  if (state.silent.total > 0) snapshot["silent"] = SilentHistoryToJson(state.silent);
  // Likewise the outputs an alarm leaves latched (missing = off).
  if (state.strobe_on) snapshot["strobe_on"] = true;
  if (state.leak_chime_deadline) {
    snapshot["leak_chime_remaining_ms"] = Remaining(state.leak_chime_deadline, now);
  }
  // Likewise a walk test and the alarm memory (missing = none: snapshots from before them).
  if (state.walk_test) {
    json tested = json::array();
    for (const WalkTestZone& z : state.walk_test->zones) {
      json entry{{"zone", z.zone}};
      if (z.opened) entry["opened"] = true;
      if (z.closed) entry["closed"] = true;
      if (z.tamper) entry["tamper"] = true;
      tested.push_back(std::move(entry));
    }
    snapshot["walk_test"] = {
        {"remaining_ms", Remaining(std::optional<MonoTime>(state.walk_test->deadline), now)},
        {"zones", std::move(tested)},
        {"user", state.walk_test->user},
        {"user_number", state.walk_test->user_number}};
  }
  if (!state.alarm_memory.empty()) {
    json memory = json::array();
    for (const AlarmMemoryEntry& e : state.alarm_memory) {
      json entry{{"zone", e.zone},
                 {"type", e.type},
                 {"code", e.code},
                 {"time_ms", WallMs(e.time)},
                 {"count", e.count}};
      if (e.restored) entry["restored_ms"] = WallMs(*e.restored);
      memory.push_back(std::move(entry));
    }
    snapshot["alarm_memory"] = std::move(memory);
  }
  if (with_zones) {
    snapshot["zones"] = std::move(zones);
    snapshot["closed_zones"] = std::move(closed);
    snapshot["open_zones"] = std::move(open);
  }
  return snapshot;
}

std::optional<PanelState> StateFromJson(const json& j, Now now, std::string* error) {
  try {
    if (IntegerIn(j.at("version"), 0, kMaxInt, "version") != kSnapshotVersion) {
      if (error)
        *error = "unsupported snapshot version " + PrintableText(DumpJson(j.at("version")), 40);
      return std::nullopt;
    }
    const Millis down = std::max(Millis{0}, now.wall - WallFrom(j.at("wall_ms")));
    PanelState s;
    s.mode = ModeFrom(j.at("mode"));
    s.armed_mode = ModeFrom(j.at("armed_mode"));
    s.exit_deadline = Deadline(j.at("exit_remaining_ms"), now, down);
    s.entry_deadline = Deadline(j.at("entry_remaining_ms"), now, down);
    s.entry_zone = j.at("entry_zone").get<std::string>();
    s.siren_deadline = Deadline(j.at("siren_remaining_ms"), now, down);
    s.siren_reason = SirenReasonFrom(j.at("siren_reason").get<std::string>());
    s.recent_closing_until = Deadline(j.at("recent_closing_remaining_ms"), now, down);
    s.armed_by = j.at("armed_by").get<std::string>();
    s.armed_by_number =
        static_cast<int>(IntegerIn(j.at("armed_by_number"), 0, kMaxInt, "armed_by_number"));
    // Missing fields are defaults (written that way since the compact form; snapshots from
    // before it have every field).
    const json null_value;
    const auto field = [&](const json& object, const char* key) -> const json& {
      if (!object.is_object()) throw std::invalid_argument(std::string(key) + ": not an object");
      const auto it = object.find(key);
      return it == object.end() ? null_value : *it;
    };
    // Absent in a snapshot whose zones were saved as rows of their own and none were found.
    static const json kNoZones = json::object();
    const json& zones = field(j, "zones").is_null() ? kNoZones : j.at("zones");
    for (const auto& [id, z] : zones.items()) {
      ZoneRuntime& rt = s.zones[id];
      if (!field(z, "active").is_null()) rt.active = z.at("active").get<bool>();
      rt.alarmed = z.value("alarmed", false);
      rt.alarm_code = static_cast<int>(IntegerIn(z, "alarm_code", 0, 0, kMaxInt));
      rt.alarm_count = static_cast<int>(IntegerIn(z, "alarm_count", 0, 0, kMaxInt));
      rt.force_bypassed = z.value("force_bypassed", false);
      rt.swinger_bypassed = z.value("swinger_bypassed", false);
      rt.manual_bypassed = z.value("manual_bypassed", false);
      // Only a manual bypass has a lifetime (a stray flag alone means nothing).
      rt.bypass_until_disarm = rt.manual_bypassed && z.value("bypass_until_disarm", false);
      rt.lock_state = z.value("lock_state", std::string());
      rt.lock_jammed = z.value("lock_jammed", false);
      rt.unbound = z.value("unbound", false);
      const json& wrong = field(z, "lock_wrong_codes");
      if (!wrong.is_null()) {
        for (const json& t : wrong) rt.lock_wrong_codes.push_back(WallFrom(t));
      }
      if (const json& until = field(z, "door_held_until_ms"); !until.is_null()) {
        rt.door_held_deadline = now.mono + std::max(Millis{0}, WallFrom(until) - now.wall);
      } else {  // snapshots from before zone rows: the time it had left
        rt.door_held_deadline = Deadline(field(z, "door_held_remaining_ms"), now, down);
      }
    }
    for (const char* list : {"closed_zones", "open_zones"}) {
      const json& ids = field(j, list);
      if (ids.is_null()) continue;
      for (const json& id : ids) s.zones[id.get<std::string>()].active = list[0] == 'o';
    }
    for (const auto& [id, d] : j.at("devices").items()) {
      DeviceRuntime& rt = s.devices[id];
      rt.unavailable_deadline = Deadline(field(d, "unavailable_remaining_ms"), now, down);
      rt.unavailable_trouble = d.value("unavailable_trouble", false);
      rt.silent_trouble = d.value("silent_trouble", false);
      rt.battery_low = d.value("battery_low", false);
    }
    for (const auto& [group, m] : j.at("cross_zone").items()) {
      const auto expires = Deadline(m.at("remaining_ms"), now, down);
      if (!expires) throw std::invalid_argument("cross_zone." + group + ": no remaining_ms");
      s.cross_zone[group] = CrossZoneMemory{m.at("zone").get<std::string>(), *expires};
    }
    s.uplink_trouble = j.at("uplink_trouble").get<bool>();
    // Snapshots from before per-source lockouts hold only the shared source's fields.
    const json& codes = j.at("codes");
    AttemptsFrom(codes, s.codes);
    if (const json& sources = field(codes, "sources"); !sources.is_null()) {
      for (const auto& [source, attempts] : sources.items()) {
        if (source.empty() || s.codes.sources.size() >= kMaxCodeSources) continue;
        AttemptsFrom(attempts, s.codes.sources[source]);
      }
    }
    if (const json& silent = field(j, "silent"); !silent.is_null()) {
      const auto history = SilentHistoryFromJson(silent);
      if (!history) throw std::invalid_argument("silent: not a silent event history");
      s.silent = *history;
    }
    // Lenient: a mark that cannot be read is dropped, and the trouble (if still active) counts
    // as begun at the restart, unacknowledged; the rest of the state is not lost for it.
    if (const json& marks = field(j, "trouble_marks"); marks.is_object()) {
      for (const auto& [id, mark] : marks.items()) {
        const auto since = mark.is_object() ? mark.find("since_ms") : mark.end();
        if (!mark.is_object() || since == mark.end() || !since->is_number_integer()) continue;
        const std::int64_t ms = since->get<std::int64_t>();
        if (ms < kEarliestWallMs || ms > kLatestWallMs || s.trouble_marks.size() >= 4096) continue;
        const auto ack = mark.find("acknowledged");
        s.trouble_marks[id] = TroubleMark{
            WallTime(Millis(ms)), ack != mark.end() && ack->is_boolean() && ack->get<bool>()};
      }
    }
    if (const json& strobe = field(j, "strobe_on"); !strobe.is_null()) {
      s.strobe_on = strobe.get<bool>();
    }
    s.leak_chime_deadline = Deadline(field(j, "leak_chime_remaining_ms"), now, down);
    if (const json& walk = field(j, "walk_test"); !walk.is_null()) {
      // The test goes on for the time it had left (ended at the first Tick if it ran out).
      const auto deadline = Deadline(walk.at("remaining_ms"), now, down);
      if (!deadline) throw std::invalid_argument("walk_test: no remaining_ms");
      WalkTestState test;
      test.deadline = *deadline;
      test.user = walk.value("user", std::string());
      test.user_number = static_cast<int>(IntegerIn(walk, "user_number", 0, 0, kMaxInt));
      for (const json& z : walk.at("zones")) {
        if (test.zones.size() >= kMaxWalkTestZones) break;
        test.zones.push_back(WalkTestZone{z.at("zone").get<std::string>(), z.value("opened", false),
                                          z.value("closed", false), z.value("tamper", false)});
      }
      s.walk_test = std::move(test);
    }
    if (const json& memory = field(j, "alarm_memory"); !memory.is_null()) {
      for (const json& e : memory) {
        if (s.alarm_memory.size() >= kMaxAlarmMemory) break;
        AlarmMemoryEntry entry;
        entry.zone = e.at("zone").get<std::string>();
        entry.type = e.at("type").get<std::string>();
        entry.code = static_cast<int>(IntegerIn(e, "code", 0, 0, kMaxInt));
        entry.time = WallFrom(e.at("time_ms"));
        if (const json& restored = field(e, "restored_ms"); !restored.is_null()) {
          entry.restored = WallFrom(restored);
        }
        entry.count = static_cast<int>(IntegerIn(e, "count", 1, 1, kMaxInt));
        s.alarm_memory.push_back(std::move(entry));
      }
    }
    s.next_seq = static_cast<std::uint64_t>(
        IntegerIn(j.at("next_seq"), 1, std::numeric_limits<std::int64_t>::max(), "next_seq"));
    if (s.next_seq < 1) throw std::invalid_argument("next_seq must be at least 1");
    // A transitional mode without its timer cannot be resumed as it was: let the timer be due
    // now, so the first Tick completes it (arming -> armed, pending -> alarm, siren -> off).
    if (s.mode == Mode::kArming && !s.exit_deadline) s.exit_deadline = now.mono;
    if (s.mode == Mode::kPending && !s.entry_deadline) s.entry_deadline = now.mono;
    if (s.mode == Mode::kTriggered && !s.siren_deadline) s.siren_deadline = now.mono;
    return s;
  } catch (const std::exception& e) {
    if (error) *error = "unreadable panel snapshot: " + PrintableText(e.what(), 300);
    return std::nullopt;
  }
}

}  // namespace homesec
