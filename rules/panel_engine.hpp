// The panel's decision rules, split by concept over several files (panel_events.cpp,
// panel_arming.cpp, panel_commands.cpp, panel_bypass.cpp, panel_zones.cpp, panel_alarms.cpp,
// panel_locks.cpp, panel_troubles.cpp, panel_deadlines.cpp). A PanelEngine lives for one input: it
// holds the config, the state it changes, the time of the input and the actions it produces.
// Internal to rules/; the public face is Panel (panel.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/panel_config.hpp"
#include "rules/panel_state.hpp"
#include "rules/types.hpp"
#include "rules/vacant_watch.hpp"

namespace homesec {

// What an alarm raised by the panel looks like; RaiseAlarm() turns it into an event, a siren
// and a mode change.
struct AlarmSpec {
  AlarmSpec() = default;
  AlarmSpec(std::string alarm_type, int cid_code, const ZoneConfig* alarm_zone,
            std::optional<SirenReason> siren_reason, bool is_silent = false, std::string line = {})
      : type(std::move(alarm_type)),
        code(cid_code),
        zone(alarm_zone),
        siren(siren_reason),
        silent(is_silent),
        text(std::move(line)) {}

  std::string type;  // event type, e.g. "burglary", "fire"
  int code = 0;      // Contact ID event code
  const ZoneConfig* zone = nullptr;
  std::optional<SirenReason> siren;  // nullopt = no siren (silent, water, disarmed tamper)
  bool silent = false;               // never shown locally
  std::string text;
  std::string user;
  int user_number = 0;
  Priority priority = Priority::kCritical;
  bool restorable = true;  // a restore follows when the zone returns to normal
};

// The troubles active in `state`, in a stable order (devices, zones, uplink, store), with their
// marks (panel_troubles.cpp).
std::vector<ActiveTrouble> ActiveTroubles(const PanelConfig& config, const PanelState& state);
// Keeps exactly one mark per active trouble: a new one begins at `now` unacknowledged, a cleared
// one's mark is dropped (so it is unacknowledged again when it comes back). The one place the
// marks follow the trouble flags: Panel calls it at the end of Start and of Reconfigure, and of
// an input that changed a flag (PanelEngine::troubles_changed: every flag changes with its
// event), so that a reading on the sensor-to-alarm path does not walk every zone and device
// again for nothing. TROUBLE_ACK only sets `acknowledged`.
void SyncTroubleMarks(const PanelConfig& config, PanelState& state, WallTime now);

// Who a valid code belongs to (PanelEngine::CheckCode).
struct Authorised {
  std::string user;
  int number = 0;
  Role role = Role::kUser;
};

class PanelEngine {
 public:
  PanelEngine(const PanelConfig& config, PanelState& state, Now now, std::vector<Action>& out)
      : config_(config), state_(state), now_(now), out_(out) {}

  // Inputs (panel_commands.cpp, panel_zones.cpp, panel_troubles.cpp, panel_alarms.cpp).
  void HandleCommand(const Command& command);
  void HandleReading(const Reading& reading);
  void HandleUplink(const UplinkLink& link);
  void HandleStore(const StoreHealth& health);
  void HandleTick();
  void HandleWatchAck(const WatchAck& ack);

  // Checks the command's code (panel_commands.cpp). On success returns who it was (and has raised
  // the silent duress alarm when it was the duress code); otherwise replies, records why and
  // returns nullopt. The watch's keyholder counts as a user only inside its window.
  std::optional<Authorised> CheckCode(const Command& command, bool for_disarm);

  // ---- events and outputs (panel_events.cpp) ----
  Event MakeEvent(EventCategory category, Priority priority, std::string type, int qualifier,
                  int code, std::string text) const;
  Event MakeZoneEvent(const ZoneConfig& zone, EventCategory category, Priority priority,
                      std::string type, int qualifier, int code, std::string text) const;
  void Emit(Event event);
  void SetMode(Mode mode, Mode armed_mode);
  // The shell found a zone's device reporting for a while without ever sending the zone's
  // property (sensors: LocalInterface): a sensor trouble (380) until a reading of it comes.
  void HandleUnbound(const std::string& device, const std::string& property);
  void SirenOn(SirenReason reason, Seconds duration);
  void SirenOff();

  // ---- strobe, deterrent, chime, squawk (panel_outputs.cpp) ----
  // Latches the strobe on (an audible alarm started); nothing when it is on already.
  void StrobeOn();
  // The deterrent's pattern for the current state: steady while a burglar or emergency siren
  // sounds, pulsed during the entry delay, off otherwise.
  OutputPattern DeterrentWanted() const;
  // Tells the deterrent DeterrentWanted() when that differs from what it was last told.
  void SyncDeterrent();
  // The door chime (a chime zone opened while disarmed); none while a leak chime sounds.
  void DoorChime();
  // A water leak: the chime pulses until the zone restores, silence, disarm or the siren time.
  void LeakChimeOn();
  void LeakChimeOff();
  // A water zone restored: the leak chime stops once no water zone is wet any more.
  void LeakZoneNormal();
  // The outputs an alarm leaves latched after its siren: the strobe and a leak chime.
  bool AlarmOutputsLatched() const;
  // Disarm: switches off the strobe and a leak chime.
  void StopLatchedOutputs();
  // The arm / disarm confirmation chirp.
  void EmitSquawk(bool armed);
  // Start(): the outputs a restored state had on (strobe, leak chime, deterrent).
  void ResumeOutputs();
  void Reply(const Command& command, bool accepted, std::string reason, std::string message,
             std::string user = {}, std::vector<std::string> open_zones = {},
             std::string watch_id = {});
  Seconds DelayRemaining() const;

  // ---- arming and disarming (panel_arming.cpp) ----
  void Arm(const Command& command, Mode target, const std::string& user, int user_number);
  // Arms `target` with `bypass` force-bypassed (the caller checked the open zones): the exit
  // delay, or armed at once when the mode has none.
  void BeginArming(Mode target, const std::vector<const ZoneConfig*>& bypass,
                   const std::string& user, int user_number);
  void Disarm(const Command& command, const std::string& user, int user_number);
  void ExitDelayEnded();
  void CompleteArming();
  void StartEntryDelay(const ZoneConfig& zone);
  std::vector<const ZoneConfig*> OpenZonesBlockingArm(Mode target) const;

  // ---- manual bypass (panel_bypass.cpp) ----
  // BYPASS / UNBYPASS: only while disarmed, never a zone BypassRefusal() names, with a code
  // unless CodePolicy::code_required_to_bypass is false.
  void HandleBypassCommand(const Command& command);
  // 1 570 manual_bypass, or its restore 3 570 bypass_restore, with `user`.
  void EmitBypassEvent(const ZoneConfig& zone, bool restore, const std::string& user,
                       std::string text);
  // Ends the zone's manual bypass and records its restore (3 570) with `user`.
  void EndManualBypass(const ZoneConfig& zone, const std::string& user, std::string text);
  // Disarm: the bypasses made until_disarm end.
  void EndBypassesAtDisarm(const std::string& user);
  // Start and Reconfigure: bypasses of zones whose (new) type is never bypassed end.
  void EndUnbypassableBypasses();

  // ---- Zigbee pairing (panel_pairing.cpp) ----
  // PAIR: only while disarmed, with a master code, 1..kMaxPairTime s. PAIR_STOP: any valid code.
  void HandlePairCommand(const Command& command);
  // Zigbee2MQTT refused the permit_join request: the window closes (reason "refused").
  void HandlePairingRefused(const PairingRefused& refused);
  // Closes an open pairing window: records pairing_closed (628) and tells the shell
  // (PermitJoinRequest with time 0). Nothing when no window is open.
  void ClosePairing(const std::string& reason, const std::string& user, std::string text);
  void AddAction(Action action) { out_.push_back(std::move(action)); }
  // The action added last (Reply's result, to complete it).
  Action& AddedLast() { return out_.back(); }

  // ---- walk test (panel_walk_test.cpp) ----
  // WALK_TEST: only while disarmed, with a master code, 1..kMaxWalkTestTime. WALK_TEST_STOP:
  // any valid code.
  void HandleWalkTestCommand(const Command& command);
  // Whether a reading of `zone` is recorded by the running walk test instead of acted on (a
  // life-safety zone only until it was seen both ways).
  bool UnderWalkTest(const ZoneConfig& zone) const;
  // Records that `zone` under test showed `direction` ("opened", "closed", "tamper").
  void WalkTestSeen(const ZoneConfig& zone, const std::string& direction);
  // A tamper reading of `device`: recorded for its zones under test that do not watch tamper.
  void WalkTestTamper(const std::string& device);
  // Ends the walk test (3 607) and returns its zones to normal operation.
  void EndWalkTest(const std::string& reason, const std::string& user, int user_number);
  // The progress action for the running walk test.
  WalkTestChanged WalkTestProgress(std::string type) const;

  // ---- alarm memory (panel_memory.cpp) ----
  // A zone alarm shown locally (RaiseAlarm): remembered until acknowledged.
  void RememberAlarm(const ZoneConfig& zone, const std::string& type, int code);
  // The zone's alarm restore was recorded (ZoneNormal).
  void RememberRestore(const ZoneConfig& zone);
  // Acknowledges the memory (a user arming, MEMORY_CLEAR); false when it was empty.
  bool ClearAlarmMemory();
  // MEMORY_CLEAR: any valid code, while disarmed.
  void HandleMemoryCommand(const Command& command);

  // ---- zones (panel_zones.cpp) ----
  void ZoneActivated(const ZoneConfig& zone);
  void ZoneNormal(const ZoneConfig& zone);
  // Forced, swinger or manual bypass, or bypass_in `armed_mode`.
  bool IsBypassed(const ZoneConfig& zone, Mode armed_mode) const;
  bool IsManuallyBypassed(const ZoneConfig& zone) const;

  // ---- alarms (panel_alarms.cpp) ----
  void RaiseAlarm(const AlarmSpec& spec);
  void RaiseBurglary(const ZoneConfig& zone, int code, std::string type);
  void EntryDelayEnded();
  void SirenEnded();
  void RestoreNormalZones();
  // Whether a zone alarm of this kind counts towards the swinger limit (life-safety zones never
  // shut down).
  static bool CountsForSwinger(const ZoneConfig& zone);

  // ---- locks and held doors (panel_locks.cpp) ----
  void HandleLockReading(const ZoneConfig& zone, const std::string& lock_state);
  void DoorHeldExpired(const ZoneConfig& zone);

  // ---- troubles (panel_troubles.cpp) ----
  void DeviceSeen(const std::string& device);
  void HandleAvailability(const std::string& device, bool available);
  void HandleBattery(const std::string& device, bool low);
  // A trouble (or its restore) of a device, or of one zone of it (`zone`: numbered and named
  // by the zone instead of the device's first zone).
  void EmitDeviceTrouble(const std::string& device, bool raised, std::string type, int code,
                         std::string text, const ZoneConfig* zone = nullptr);
  bool SupervisionTick();  // true when a deadline was handled
  // TROUBLE_ACK: any valid code acknowledges every active trouble (or the one Command::trouble
  // names), in every mode, as a keypad's trouble view does; logged as trouble_ack.
  void HandleTroubleAck(const Command& command);

  // ---- the vacant-house watch (panel_watch.cpp, panel_watch_report.cpp) ----
  // WATCH_START / WATCH_EXTEND / WATCH_CANCEL (resident code) and PATROL_CHECK_IN (platform).
  void HandleWatchCommand(const Command& command);
  // Carries out what the watch asked for: records its events, answers its arm request, builds
  // a requested daily report, notes a registration change. Returns the answer to an arm request
  // when the panel could give it at once (armed, or refused with the open zones).
  std::optional<ArmResult> ApplyWatch(const WatchOutput& output);
  // The panel reached armed_vacation (CompleteArming).
  void WatchArmed();
  // A successful disarm (or a resident's disarm code while already disarmed during a watch).
  void WatchDisarmed(const Authorised& who);
  // After every input: the watch's tick (on Tick) and zone open/all-closed transitions.
  void WatchAfterInput(const std::vector<std::string>& open_before, bool tick);
  // The zones that must be closed for the watch to arm or a keyholder re-arm to start: burglary
  // zones not bypassed in armed_vacation nor by hand, open or unknown.
  std::vector<std::string> WatchOpenZones() const;
  // Emits one WatchChanged for everything this input changed in the registration.
  void FlushWatch();
  void EmitDailyReport(const ReportRequest& request);

  const ZoneConfig* FindZone(const std::string& id) const;
  const DeviceSupervision* FindSupervision(const std::string& device) const;
  int ZoneNumberForDevice(const std::string& device) const;

  const PanelConfig& config() const { return config_; }
  PanelState& state() { return state_; }
  Now now() const { return now_; }
  // A trouble or trouble-restore event was emitted during this input: a trouble flag changed.
  bool troubles_changed() const { return troubles_changed_; }

 private:
  const PanelConfig& config_;
  PanelState& state_;
  Now now_;
  std::vector<Action>& out_;
  // The watch's registration changed during this input / the watch ended (its final document).
  bool watch_changed_ = false;
  std::optional<std::string> watch_final_;
  bool troubles_changed_ = false;

  std::optional<ArmResult> ArmForWatch(const ArmVacationRequest& request);
  void StartWatch(const Command& command, const Authorised& who);
};

// The visible view of a zone from its runtime and its device's: the status and the facts
// behind it (types.hpp ZoneChanged), without the zone id. Computed after every input to diff
// before/after for ZoneChanged.
ZoneChanged ComputeZoneView(const ZoneConfig& zone, const ZoneRuntime& rt,
                            const DeviceRuntime& device, Mode armed_mode);
// True when `zone` listens to this reading's property (a zone without a property listens to
// its type's usual one).
bool ZoneListensTo(const ZoneConfig& zone, const std::string& property);
// Whether a reading value means active (open, tilted, detected), inactive, or unknown.
std::optional<bool> ActivityOf(const std::string& property, const Value& value);
// The earliest monotonic deadline in the state, if any.
std::optional<MonoTime> NextDeadlineOf(const PanelState& state);
// The Contact ID user number of the user named `name`; 0 when none (panel_watch.cpp).
int UserNumber(const std::vector<User>& users, const std::string& name);
// Contact ID group for a zone: 1 for burglary zones, 0 otherwise.
int GroupFor(const ZoneConfig& zone);

}  // namespace homesec
