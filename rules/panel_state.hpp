// The panel's mutable state: everything Snapshot() persists and Restore() brings back. Plain
// data; the rules that change it live in the panel_*.cpp files (see panel_engine.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rules/codes.hpp"
#include "rules/event_json.hpp"
#include "rules/panel_config.hpp"
#include "rules/time.hpp"
#include "rules/types.hpp"
#include "rules/vacant_watch.hpp"

namespace homesec {

// What the panel knows about one zone.
struct ZoneRuntime {
  std::optional<bool> active;     // nullopt = unknown (never treated as closed)
  bool alarmed = false;           // an alarm was raised and its restore is not sent yet
  int alarm_code = 0;             // Contact ID code of that alarm, repeated in the restore
  int alarm_count = 0;            // alarms in this armed period (swinger shutdown)
  bool force_bypassed = false;    // bypassed by a forced arm, until disarm
  bool swinger_bypassed = false;  // shut down by the swinger limit, until disarm
  // Bypassed by hand (BYPASS, panel_bypass.cpp), in every mode until UNBYPASS, or with
  // bypass_until_disarm until the next disarm. Only zones BypassRefusal() allows.
  bool manual_bypassed = false;
  bool bypass_until_disarm = false;
  // Lock zones.
  std::string lock_state;  // last lock_state reading
  bool lock_jammed = false;
  std::vector<WallTime> lock_wrong_codes;  // inside lock_wrong_code_window
  // door_held zones.
  std::optional<MonoTime> door_held_deadline;
  // Its device reports, but never this zone's property (a trouble until a reading of it comes).
  bool unbound = false;

  bool operator==(const ZoneRuntime&) const = default;
};

// Supervision of one device.
struct DeviceRuntime {
  std::optional<MonoTime> unavailable_deadline;  // grace running after available=false
  bool unavailable_trouble = false;
  std::optional<MonoTime> checkin_deadline;  // silent past this = trouble
  bool silent_trouble = false;
  bool battery_low = false;
};

// When an active trouble began and whether it was acknowledged (ActiveTrouble), by TroubleId.
struct TroubleMark {
  WallTime since{};
  bool acknowledged = false;
};

// The first alarm of a cross-zone group, waiting for a second zone to confirm it.
struct CrossZoneMemory {
  std::string zone;
  MonoTime expires{};
};

// A walk test in progress (WALK_TEST, panel_walk_test.cpp).
struct WalkTestState {
  MonoTime deadline{};
  // The zones under test, in config order, and what was seen of each (WalkTestZone.zone).
  std::vector<WalkTestZone> zones;
  std::string user;  // who started it
  int user_number = 0;
  bool operator==(const WalkTestState&) const = default;
};

struct PanelState {
  Mode mode = Mode::kDisarmed;
  // The armed mode being armed (arming), in force (armed, pending) or to return to (triggered);
  // kDisarmed when none.
  Mode armed_mode = Mode::kDisarmed;
  std::optional<MonoTime> exit_deadline;
  std::optional<MonoTime> entry_deadline;
  std::string entry_zone;  // the zone that started the entry delay
  std::optional<MonoTime> siren_deadline;
  SirenReason siren_reason = SirenReason::kBurglar;
  // The strobe latched by an audible alarm: it stays on after the siren time until disarm, so
  // that a patrol arriving later finds the house (DSC PGM "strobe" / Vista "strobe until
  // disarm").
  bool strobe_on = false;
  // A water leak's pulsed chime, until the zone restores, silence, disarm or this deadline.
  std::optional<MonoTime> leak_chime_deadline;
  // What the deterrent was last told (it follows mode and siren: panel_outputs.cpp). Not in the
  // snapshot: Start() tells it again from the restored mode and siren.
  OutputPattern deterrent_shown = OutputPattern::kOff;
  std::optional<MonoTime> recent_closing_until;
  // Who armed (for the closing event sent when the exit delay ends).
  std::string armed_by;
  int armed_by_number = 0;
  std::map<std::string, ZoneRuntime> zones;
  std::map<std::string, DeviceRuntime> devices;
  std::map<std::string, CrossZoneMemory> cross_zone;  // by group
  bool uplink_trouble = false;
  // Every active trouble's since and acknowledgement (SyncTroubleMarks keeps exactly one entry
  // per active trouble). In the snapshot; one from before it restores the troubles as begun at
  // the restart, unacknowledged.
  std::map<std::string, TroubleMark> trouble_marks;
  // Not in the snapshot: a store that cannot be written cannot save it, and a restarted daemon
  // finds out afresh.
  bool store_trouble = false;
  CodeCheckerState codes;
  // The silent events recorded so far (duress, silent panic), by which the local event stream
  // is numbered without them (event_json.hpp).
  SilentHistory silent;
  std::uint64_t next_seq = 1;
  // The registered vacant-house watch; reset once it has ended or been cancelled.
  std::optional<VacantWatch> watch;
  // The Zigbee network is open to joins until this deadline (PAIR, panel_pairing.cpp). Not in
  // the snapshot: after a restart Zigbee2MQTT's own timer closes its window, and a panel that
  // came back must not believe a window is open that it can no longer vouch for.
  std::optional<MonoTime> pairing_deadline;
  std::string pairing_device;  // the friendly name expected, if any
  // The walk test running now; in the snapshot (its deadline as time left), so that a restart
  // in the middle of one resumes it rather than arming-ready zones that raise nothing.
  std::optional<WalkTestState> walk_test;
  // The alarm memory (panel_memory.cpp): one entry per zone that alarmed, oldest first, until
  // acknowledged. In the snapshot: the resident must be told after a restart too.
  std::vector<AlarmMemoryEntry> alarm_memory;

  bool siren_on() const { return siren_deadline.has_value(); }
};

// Serialises the state; monotonic deadlines become remaining milliseconds relative to `now`,
// stored with now.wall so a restart can subtract the time spent down. Without `with_zones` the
// zones are left out (the store keeps them as rows of their own: ZoneToJson).
nlohmann::json StateToJson(const PanelState& state, Now now, bool with_zones = true);
// One zone's state, only its non-default fields; its deadline as a wall time, so the row stays
// valid however much later the rest of the snapshot is saved.
nlohmann::json ZoneToJson(const ZoneRuntime& zone, Now now);
// Inverse of StateToJson; nullopt (and `error`) when the JSON is unreadable. The watch is not
// restored here (it needs the installation's WatchConfig): see Panel::Restore.
std::optional<PanelState> StateFromJson(const nlohmann::json& json, Now now, std::string* error);

}  // namespace homesec
