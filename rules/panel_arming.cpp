// Arming and disarming: the open-zone check (refuse, or force-bypass with 570 per zone), the
// exit delay, the closing/opening events, the exit error (374) and the start of the entry delay.
#include <string>

#include "rules/contact_id_codes.hpp"
#include "rules/panel_engine.hpp"

namespace homesec {
namespace {

bool IsBurglaryZone(ZoneType type) {
  return type == ZoneType::kEntryExit || type == ZoneType::kEntryFollower ||
         type == ZoneType::kPerimeter || type == ZoneType::kInterior;
}

std::string JoinIds(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) {
    if (!out.empty()) out += ", ";
    out += id;
  }
  return out;
}

}  // namespace

std::vector<const ZoneConfig*> PanelEngine::OpenZonesBlockingArm(Mode target) const {
  std::vector<const ZoneConfig*> open;
  for (const ZoneConfig& zone : config_.zones) {
    // The exit route (entry_exit) may be open while leaving; a zone still open when the exit
    // delay ends is an exit error instead.
    if (!IsBurglaryZone(zone.type) || zone.type == ZoneType::kEntryExit) continue;
    if (zone.allow_open_at_arming || IsBypassed(zone, target)) continue;
    const auto it = state_.zones.find(zone.id);
    // Unknown is never closed: a zone the panel has not heard from blocks arming too.
    if (it == state_.zones.end() || it->second.active != false) open.push_back(&zone);
  }
  return open;
}

void PanelEngine::Arm(const Command& command, Mode target, const std::string& user,
                      int user_number) {
  const std::vector<const ZoneConfig*> open = OpenZonesBlockingArm(target);
  std::vector<std::string> ids;
  for (const ZoneConfig* zone : open) ids.push_back(zone->id);
  if (!open.empty() && !command.force) {
    const std::string message =
        "cannot arm " + std::string(ToString(target)) + ": zones open or unknown: " + JoinIds(ids);
    Event event =
        MakeEvent(EventCategory::kArming, Priority::kLow, "arming_refused", cid::kNew, 0, message);
    event.user = user;
    event.report = false;
    Emit(std::move(event));
    Reply(command, false, "zones_open", message, user, ids);
    return;
  }
  // A user arming acknowledges the alarm memory (DSC: "cleared each time the system is armed").
  // Only a user: the vacant-house watch arming by itself (departure, re-arm after a visit) goes
  // through BeginArming alone and keeps what the resident is to be told at the disarm.
  ClearAlarmMemory();
  BeginArming(target, open, user, user_number);
  std::string message = "arming " + std::string(ToString(target));
  if (!ids.empty()) message += " with bypassed zones: " + JoinIds(ids);
  Reply(command, true, "ok", message, user, ids);
}

void PanelEngine::BeginArming(Mode target, const std::vector<const ZoneConfig*>& bypass,
                              const std::string& user, int user_number) {
  // No device joins an armed panel: arming closes a pairing window still open.
  ClosePairing("armed", user, "Zigbee pairing closed: the panel is arming");
  // A new armed period counts swinger alarms afresh (24-hour zones may have counted while
  // disarmed; a zone shut down then must not stay blind while armed).
  for (auto& [id, zone] : state_.zones) {
    zone.alarm_count = 0;
    zone.swinger_bypassed = false;
  }
  for (const ZoneConfig* zone : bypass) {
    state_.zones[zone->id].force_bypassed = true;
    Event event =
        MakeZoneEvent(*zone, EventCategory::kBypass, Priority::kNormal, "zone_bypassed", cid::kNew,
                      cid::kBypass, "zone " + zone->id + " bypassed by forced arming");
    event.cid.group = cid::kGroupNone;
    event.user = user;
    Emit(std::move(event));
  }
  state_.armed_by = user;
  state_.armed_by_number = user_number;
  const ModeTiming timing = config_.TimingFor(target);
  if (timing.exit_delay <= Seconds{0}) {
    state_.armed_mode = target;  // the closing event reports the target mode
    CompleteArming();
  } else {
    state_.exit_deadline = now_.mono + timing.exit_delay;
    SetMode(Mode::kArming, target);
  }
  // One chirp as arming starts, as DSC's "bell squawk on arm/disarm" and Ajax's "beep when
  // arming" give: the resident outside hears that the panel took the command.
  EmitSquawk(/*armed=*/true);
}

void PanelEngine::CompleteArming() {
  const Mode target = state_.armed_mode;
  state_.exit_deadline.reset();
  state_.recent_closing_until = now_.mono + config_.recent_closing_window;
  SetMode(target, target);
  const bool stay = target == Mode::kArmedHome || target == Mode::kArmedNight;
  Event event = MakeEvent(
      EventCategory::kArming, Priority::kNormal, "armed", cid::kRestore,
      stay ? cid::kArmedStay : cid::kOpenCloseByUser,
      std::string(ToString(target)) + (state_.armed_by.empty() ? "" : " by " + state_.armed_by));
  event.user = state_.armed_by;
  event.cid.group = cid::kGroupBurglary;
  event.cid.number = state_.armed_by_number;
  Emit(std::move(event));
  // However the panel got there (the watch's own request, the keyholder arming when leaving),
  // armed_vacation is what the watch waits for.
  if (target == Mode::kArmedVacation) WatchArmed();
}

void PanelEngine::ExitDelayEnded() {
  CompleteArming();
  for (const ZoneConfig& zone : config_.zones) {
    if (zone.type != ZoneType::kEntryExit || IsBypassed(zone, state_.armed_mode)) continue;
    if (state_.zones[zone.id].active != true) continue;
    // Exit error: the door was left open. Report it, then give the resident the entry delay to
    // come back and disarm; burglary follows otherwise.
    Emit(MakeZoneEvent(zone, EventCategory::kAlarm, Priority::kCritical, "exit_error", cid::kNew,
                       cid::kExitError,
                       "exit error: " + zone.id + " open when the exit delay ended"));
    StartEntryDelay(zone);
    return;
  }
}

void PanelEngine::StartEntryDelay(const ZoneConfig& zone) {
  const ModeTiming timing = config_.TimingFor(state_.armed_mode);
  state_.entry_zone = zone.id;
  state_.entry_deadline = now_.mono + timing.entry_delay;
  if (timing.entry_delay <= Seconds{0}) {
    EntryDelayEnded();
    return;
  }
  SetMode(Mode::kPending, state_.armed_mode);
}

void PanelEngine::Disarm(const Command& command, const std::string& user, int user_number) {
  const Mode before = state_.mode;
  if (before == Mode::kTriggered) {
    SirenOff();
    Event cancel = MakeEvent(EventCategory::kDisarming, Priority::kHigh, "alarm_cancel", cid::kNew,
                             cid::kCancel, "alarm cancelled by " + user);
    cancel.user = user;
    cancel.cid.number = user_number;
    Emit(std::move(cancel));
  }
  if (before == Mode::kArming) {
    Event event = MakeEvent(EventCategory::kArming, Priority::kLow, "arming_cancelled", cid::kNew,
                            0, "arming cancelled by " + user);
    event.user = user;
    event.report = false;  // the closing was never reported
    Emit(std::move(event));
  } else if (state_.armed_mode != Mode::kDisarmed) {
    Event event = MakeEvent(EventCategory::kDisarming, Priority::kNormal, "disarmed", cid::kNew,
                            cid::kOpenCloseByUser, "disarmed by " + user);
    event.user = user;
    event.cid.group = cid::kGroupBurglary;
    event.cid.number = user_number;
    Emit(std::move(event));
  }
  state_.exit_deadline.reset();
  state_.entry_deadline.reset();
  state_.entry_zone.clear();
  state_.recent_closing_until.reset();
  state_.armed_by.clear();
  state_.armed_by_number = 0;
  state_.cross_zone.clear();
  // A new armed period starts clean: swinger counts and bypasses end with the disarm (a manual
  // bypass only when it was made until_disarm, with its restore 3 570).
  for (auto& [id, zone] : state_.zones) {
    zone.alarm_count = 0;
    zone.force_bypassed = false;
    zone.swinger_bypassed = false;
  }
  SetMode(Mode::kDisarmed, Mode::kDisarmed);
  EndBypassesAtDisarm(user);
  StopLatchedOutputs();
  SyncDeterrent();
  // Two chirps, after every output is off. A duress disarm gets them too: locally it must look
  // exactly like the disarm it imitates (docs/security.md).
  EmitSquawk(/*armed=*/false);
  RestoreNormalZones();
  Reply(command, true, "ok", "disarmed", user);
  // What alarmed while armed, told at the disarm (the keypad's "alarm memory").
  std::get<CommandResult>(AddedLast()).alarm_memory = state_.alarm_memory;
}

}  // namespace homesec
