// The core's vocabulary: modes, zone types, readings, commands, events and the actions the panel
// asks the shell to carry out. Everything here is plain data; the decisions live in panel.hpp.
// Strings for modes are Home Assistant's alarm_control_panel states.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "rules/time.hpp"

namespace homesec {

// ---- modes ---------------------------------------------------------------------------------
enum class Mode {
  kDisarmed,
  kArmedHome,
  kArmedNight,
  kArmedAway,
  kArmedVacation,  // the vacant-house watch
  kArming,         // exit delay running
  kPending,        // entry delay running
  kTriggered,
};
std::string_view ToString(Mode mode);
std::optional<Mode> ParseMode(std::string_view text);
// True for the four armed modes (not the transitional ones).
bool IsArmedMode(Mode mode);

// ---- zones ---------------------------------------------------------------------------------
enum class ZoneType {
  kEntryExit,      // delayed
  kEntryFollower,  // interior, delayed only while an entry delay runs
  kPerimeter,      // instant
  kInterior,       // instant, bypassed in home/night by default
  kTamper24h,
  kFire24h,
  kWater24h,
  kGas24h,
  kPanic24h,  // audible or silent (ZoneConfig::silent)
  kLock,      // lock cylinder: forced / picked / jammed / wrong-code bursts
  kDoorHeld,  // unit/intercom door left open past its limit
};
std::string_view ToString(ZoneType type);
std::optional<ZoneType> ParseZoneType(std::string_view text);
bool Is24Hour(ZoneType type);

// ---- readings (sensors -> core) ------------------------------------------------------------
// Normalised property values, whatever the source (see docs/devices.md):
//   contact:    "open" | "closed"
//   latch:      "closed" | "open" | "tilted" | "forced"          (window latch / handle)
//   lock_state: "locked" | "unlocked" | "jammed" | "forced" | "picked" | "wrong_code"
//   tamper, smoke, water_leak, gas, co, occupancy, vibration, battery_low, test: bool (true =
//               active / alarm)
//   battery:    number, percent
//   available:  bool (false = device unreachable)
// std::monostate means unknown (Zigbee2MQTT null, bridge offline): never closed, never OK.
using Value = std::variant<std::monostate, bool, double, std::string>;

struct Reading {
  std::string device;    // DeviceId from the config
  std::string property;  // one of the names above
  Value value;
  // A retained replay or an initial line read at start-up: sets state, never starts an alarm
  // for a state the panel already knew.
  bool initial = false;
};

// ---- commands (residents, keypads, platform -> core) --------------------------------------
enum class CommandAction {
  kArmHome,
  kArmNight,
  kArmAway,
  kArmVacation,
  kDisarm,
  kTrigger,        // manual alarm (Home Assistant TRIGGER)
  kPanic,          // keypad panic / emergency: audible panic
  kFire,           // keypad fire button
  kMedical,        // keypad medical button
  kSilenceSiren,   // stop the siren, stay armed (remote siren silence from the platform)
  kWatchStart,     // register a vacant-house watch (Command::watch holds the request)
  kWatchExtend,    // move the expected return (Command::watch->expected_return)
  kWatchCancel,    // end the watch without disarming
  kPatrolCheckIn,  // the platform's patrol visited the house (Command::note); platform only
  kBypass,         // bypass Command::zone by hand while disarmed (until UNBYPASS or disarm)
  kUnbypass,       // end a manual bypass of Command::zone
  kPair,           // open the Zigbee network to joins for Command::pair_time (master code)
  kPairStop,       // close it early
  kWalkTest,       // walk test of Command::walk_zones (all when empty) for Command::walk_time
  kWalkTestStop,   // end the walk test early
  kMemoryClear,    // acknowledge the alarm memory (what alarmed while armed)
  kTroubleAck,     // acknowledge the active troubles (Command::trouble: one of them) with a code
};
std::string_view ToString(CommandAction action);
std::optional<CommandAction> ParseCommandAction(std::string_view text);  // "ARM_AWAY", "arm_away"

// A keyholder as a resident asks for it: the PIN is clear text here only until the panel hashes
// it (WATCH_START); it is never stored, logged or published.
struct WatchKeyholderSpec {
  std::string name;
  std::string pin;
  WallTime valid_from{};
  WallTime valid_until{};
  std::string hours;  // "08:00-20:00" (local time) or empty for all day
};

// The vacant-house watch details of a WATCH_START / WATCH_EXTEND command.
struct WatchSpec {
  std::optional<WallTime> departure;  // nullopt: now
  std::optional<WallTime> expected_return;
  std::string contact_phone;
  std::string notes;
  std::optional<WatchKeyholderSpec> keyholder;
  std::optional<Seconds> rearm_after_keyholder;
  // Salt for the keyholder's PIN hash, drawn by the shell from the OS random source (the core
  // never reads one itself).
  std::vector<std::uint8_t> salt;
};

struct Command {
  CommandAction action = CommandAction::kDisarm;
  std::optional<std::string> code;  // PIN as typed; never logged
  bool force = false;               // arm with open zones: bypass them
  std::string source;               // "mqtt", "keypad:<device>", "homesecctl", "platform"
  std::string request_id;           // echoed in CommandResult
  std::optional<WatchSpec> watch;   // WATCH_START / WATCH_EXTEND
  std::string note;                 // PATROL_CHECK_IN: the patrol's note
  std::string officer;              // PATROL_CHECK_IN: who checked in
  std::string zone;                 // BYPASS / UNBYPASS: the zone id
  // BYPASS: the bypass ends at the next disarm (as a forced arm's does) instead of lasting
  // until UNBYPASS.
  bool until_disarm = false;
  // PAIR: how long the Zigbee network stays open to joins (1..kMaxPairTime) and, optionally,
  // the friendly name of the device the installer expects to join (shown in the summary; it is
  // not Zigbee2MQTT's "join through this router" parameter).
  Seconds pair_time{0};
  std::string pair_device;
  // WALK_TEST: the zones to test (empty: every zone but the 24-hour ones, see
  // rules/panel_walk_test.cpp) and how long the test lasts (1..kMaxWalkTestTime).
  std::vector<std::string> walk_zones;
  Seconds walk_time{0};
  // TROUBLE_ACK: the id of the one trouble to acknowledge (TroubleId); empty: all of them.
  std::string trouble;
};

// Zigbee2MQTT's permit_join accepts at most 254 s (0 closes, 255 would mean "forever" in the
// Zigbee spec, which Zigbee2MQTT refuses); homesecctl pair asks for 120 s unless told.
inline constexpr Seconds kMaxPairTime{254};
inline constexpr Seconds kDefaultPairTime{120};

// A walk test ends by itself after 15 minutes unless asked for another length, and never lasts
// longer than 4 hours (Honeywell Vista's test mode ends itself after 4 hours): a panel left in
// test by a forgetful installer protects again the same day. At most kMaxWalkTestZones zones
// may be named.
inline constexpr Seconds kDefaultWalkTestTime{15 * 60};
inline constexpr Seconds kMaxWalkTestTime{4 * 60 * 60};
inline constexpr std::size_t kMaxWalkTestZones = 256;

// Zigbee2MQTT refused the panel's permit_join request (bridge/response/permit_join with
// status "error"): the pairing window the panel opened is closed again, saying why.
struct PairingRefused {
  std::string error;
};

// The uplink (district broker) link state, reported by the shell.
struct UplinkLink {
  bool connected = false;
};

// Whether the shell's event store accepts writes (a full disk, an I/O error), reported by the
// shell on every change. While it does not, events live in memory and are retried.
struct StoreHealth {
  bool ok = true;
  std::string detail;  // why not, for the trouble's text
};

// Nothing happened except time passing (the shell's timerfd fired).
struct Tick {};

// The platform acknowledged the vacant-house watch registration ({"watch_id", "status"} on the
// uplink's ack topic).
struct WatchAck {
  std::string watch_id;
  std::string status;  // "registered", "received", ...
};

using Input =
    std::variant<Reading, Command, UplinkLink, Tick, WatchAck, StoreHealth, PairingRefused>;

// ---- events ----------------------------------------------------------------------------------
enum class EventCategory {
  kAlarm,
  kRestore,  // alarm condition cleared
  kTrouble,
  kTroubleRestore,
  kArming,
  kDisarming,
  kBypass,
  kAccess,  // wrong code, lockout, keyholder visit
  kWatch,   // vacant-house watch registered / ended / overdue / report
  kDispatch,
  kSystem,
  kTest,
};
std::string_view ToString(EventCategory category);
std::optional<EventCategory> ParseEventCategory(std::string_view text);

// Lower number = more urgent. Alarms never wait behind kLow traffic (heartbeats, reports).
enum class Priority { kCritical = 0, kHigh = 1, kNormal = 2, kLow = 3 };
std::string_view ToString(Priority priority);
std::optional<Priority> ParsePriority(std::string_view text);

// Ademco Contact ID: Q XYZ GG CCC (see docs/alarm-codes-reference.md).
struct ContactId {
  int qualifier = 1;  // 1 new event / opening, 3 restore / closing, 6 still present
  int code = 0;       // XYZ, e.g. 130 burglary
  int group = 0;      // GG, 00 = none
  int number = 0;     // CCC zone or user, 000 = none
  bool operator==(const ContactId&) const = default;
};
// "1130 01 003"-style DC-09 ADM-CID data ("QXYZ GG CCC").
std::string ToString(const ContactId& cid);

struct Event {
  std::uint64_t seq = 0;  // per-hub monotonic, assigned by the panel
  WallTime time{};
  EventCategory category = EventCategory::kSystem;
  Priority priority = Priority::kNormal;
  std::string type;  // stable machine name: "burglary", "fire", "exit_error", "wrong_code" ...
  std::string zone;  // ZoneId or empty
  std::string device;
  std::string user;             // user name or empty
  Mode mode = Mode::kDisarmed;  // the panel's (armed) mode when it happened
  ContactId cid;
  bool silent = false;  // never shown locally (duress, silent panic)
  bool report = true;   // goes to the district platform
  bool vacant_watch = false;
  std::string watch_id;
  std::string text;  // one human-readable line
  // Type-specific details as a JSON object text (the daily report's house condition, a patrol
  // check-in's officer and note); empty for none. On the wire as "details".
  std::string details;
  bool operator==(const Event&) const = default;
};

// ---- outputs and actions (core -> shell) ----------------------------------------------------
enum class OutputKind { kSiren, kStrobe, kDeterrent, kChime };
enum class OutputPattern { kOff, kSteady, kPulsed };
enum class SirenReason { kBurglar, kFire, kEmergency };
std::string_view ToString(OutputKind kind);
std::string_view ToString(OutputPattern pattern);
std::string_view ToString(SirenReason reason);

struct RecordEvent {
  Event event;
};

// Drive every output of `kind` (docs/devices.md has the patterns and a timeline):
//   siren     kSteady with the mode's siren time when an audible alarm starts, kOff at its end,
//             at silence and at disarm;
//   strobe    kSteady when an audible alarm starts, kept after the siren time, kOff at disarm;
//   deterrent kPulsed during the entry delay, kSteady while a burglar or emergency siren sounds,
//             kOff otherwise;
//   chime     kPulsed for the door chime (PanelConfig::chime) or a water leak (until it restores,
//             is silenced or disarmed, at most the siren time), kOff when it ends early.
// Silent alarms (duress, silent panic) drive nothing.
struct SetOutput {
  OutputKind kind = OutputKind::kSiren;
  OutputPattern pattern = OutputPattern::kOff;
  SirenReason reason = SirenReason::kBurglar;  // sirens only
  Seconds duration{0};                         // 0 = until told otherwise
  bool operator==(const SetOutput&) const = default;
};

// One zone in the alarm memory: it alarmed while armed, or in a 24-hour alarm (a silent
// panic never: it is not shown locally). Kept from the alarm until the memory is acknowledged
// (the next arming, or MEMORY_CLEAR): rules/panel_memory.cpp.
struct AlarmMemoryEntry {
  std::string zone;
  std::string type;  // the first alarm's event type: "burglary", "fire", "tamper" ...
  int code = 0;      // its Contact ID event code
  WallTime time{};   // the first alarm
  std::optional<WallTime> restored;  // the zone's restore after its last alarm, if any
  int count = 1;                     // alarms of the zone in the memory
  bool operator==(const AlarmMemoryEntry&) const = default;
};

struct CommandResult {
  std::string request_id;
  std::string source;
  CommandAction action = CommandAction::kDisarm;
  bool accepted = false;
  // "ok", "invalid_code", "locked_out", "zones_open", "not_allowed", "already_disarmed",
  // "already_armed", "invalid_request", "unknown_zone" (BYPASS / UNBYPASS of a zone id the
  // installation does not have)
  std::string reason = "ok";
  std::string message;  // human-readable, names open zones
  std::vector<std::string> open_zones;
  std::string user;
  std::string watch_id;  // WATCH_* commands: the watch concerned
  // DISARM: what alarmed since the panel was last armed (the alarm memory), oldest first.
  std::vector<AlarmMemoryEntry> alarm_memory;
  bool operator==(const CommandResult&) const = default;
};

// The panel's visible state changed; the shell publishes it (retained) and updates keypads.
struct StateChanged {
  Mode mode = Mode::kDisarmed;
  Mode armed_mode = Mode::kDisarmed;  // target/underlying armed mode, kDisarmed when none
  Seconds delay_remaining{0};         // exit or entry delay left, for keypads
};

enum class ZoneStatus { kClosed, kOpen, kUnknown, kBypassed, kAlarm, kTrouble };
std::string_view ToString(ZoneStatus status);

// A zone as residents and Home Assistant see it: its status (the one word that matters most)
// and the facts behind it, so that a zone in alarm or bypassed still says whether it is open.
struct ZoneChanged {
  std::string zone;
  ZoneStatus status = ZoneStatus::kUnknown;
  bool open = false;   // raw open/active state, for binary sensors
  bool known = false;  // a reading of its state came: false = unknown, never "closed"
  // Its device is reachable: not reported offline (Zigbee2MQTT availability, a bridge that is
  // down) and not silent past its check-in window. False at once, before the grace period after
  // which it becomes a trouble.
  bool available = true;
  bool bypassed = false;
  bool alarm = false;        // in alarm, its restore not sent yet (never for a silent panic)
  bool trouble = false;      // the zone's or its device's trouble (unavailable, silent, jammed...)
  bool battery_low = false;  // its device's
  std::string lock_state{};  // lock zones: the cylinder's last lock_state ("locked" ...)
  bool operator==(const ZoneChanged&) const = default;
};

// A trouble active now (the panel's own state, restored after a restart): for diagnostics.
struct ActiveTrouble {
  // device_unavailable, device_silent, battery_low, lock_jammed, zone_unbound, uplink_lost,
  // store_failure (the names of the events that raised them)
  std::string type;
  std::string zone;
  std::string device;
  // When it began (the wall time of the input that raised it; for a trouble restored from a
  // snapshot that did not record it, the restart) and whether a user acknowledged it since
  // (TROUBLE_ACK, as a keypad's trouble view does). A trouble that clears and comes back is a
  // new one: unacknowledged, with a new since.
  WallTime since{};
  bool acknowledged = false;
  bool operator==(const ActiveTrouble&) const = default;
};
// "battery_low:front_door", "lock_jammed:front_lock" (the zone when there is one, else the
// device), "uplink_lost": how a trouble is named to TROUBLE_ACK and in the snapshot.
std::string TroubleId(const ActiveTrouble& trouble);

// The arm/disarm confirmation chirp ("squawk"): armed when arming starts (the exit delay, or
// armed at once), not armed at every disarm, a duress disarm included (it must look exactly like
// a normal one). The drivers decide: only outputs configured with "squawk": true chirp.
struct Squawk {
  bool armed = true;
  bool operator==(const Squawk&) const = default;
};

// The vacant-house watch registration changed: the shell publishes it (retained) on the local
// watch topic and the uplink's .../watch. `cleared`: the watch is over; after publishing this
// final document the retained topics are cleared (empty retained message).
struct WatchChanged {
  std::string registration;  // JSON object text (never the keyholder's PIN); empty when none
  bool cleared = false;
};

// Open (time > 0) or close (time 0) the Zigbee network to joins: the shell sends Zigbee2MQTT's
// bridge/request/permit_join and relays what joins on <prefix>/pairing (docs/devices.md,
// "Pairing"). The panel's own deadline closes the window too, so a bridge that never answered
// leaves no window the panel thinks is open.
struct PermitJoinRequest {
  Seconds time{0};
  std::string device;  // the friendly name the installer expects, or empty
  std::string user;    // who opened or closed it
  // Closing: "stopped" (PAIR_STOP), "timeout" (the window ended), "armed" (arming closed it),
  // "refused" (Zigbee2MQTT refused the request). Opening: "opened".
  std::string reason;
  bool operator==(const PermitJoinRequest&) const = default;
};

// What a walk test has seen of one zone under test (local only, never reported).
struct WalkTestZone {
  std::string zone;
  bool opened = false;  // faulted: opened, motion, wet, smoke, unlocked ...
  bool closed = false;  // restored: closed, clear, dry, locked ...
  bool tamper = false;  // its device reported tamper
  bool operator==(const WalkTestZone&) const = default;
};

// The walk test's progress, for <prefix>/walk_test (the shell publishes it, not retained):
// "started" (or "resumed" after a restart), "seen" (`zone` showed `direction`: "opened",
// "closed" or "tamper"), "ended" (`reason`: "stopped", "timeout", "restarted"), each with every
// zone under test and what was seen of it.
struct WalkTestChanged {
  std::string type;
  std::string zone;
  std::string direction;
  std::string reason;
  std::string user;
  WallTime ends{};  // when it ends by itself
  std::vector<WalkTestZone> zones;
  bool operator==(const WalkTestChanged&) const = default;
};

// The alarm memory changed (an alarm, a restore, acknowledged): the shell shows it in the
// <prefix>/panel attributes. Sent by Start() too.
struct AlarmMemoryChanged {
  std::vector<AlarmMemoryEntry> entries;
  bool operator==(const AlarmMemoryChanged&) const = default;
};

using Action =
    std::variant<RecordEvent, SetOutput, CommandResult, StateChanged, ZoneChanged, Squawk,
                 WatchChanged, PermitJoinRequest, WalkTestChanged, AlarmMemoryChanged>;

}  // namespace homesec
