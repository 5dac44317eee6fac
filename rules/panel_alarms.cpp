// Raising alarms: the event, the siren and the triggered state; swinger shutdown, cross-zone
// confirmation, recent closing, the end of the entry delay and of the siren time, restores.
#include <string>

#include "rules/contact_id_codes.hpp"
#include "rules/panel_engine.hpp"

namespace homesec {

bool PanelEngine::CountsForSwinger(const ZoneConfig& zone) {
  switch (zone.type) {
    case ZoneType::kFire24h:
    case ZoneType::kGas24h:
    case ZoneType::kWater24h:
    case ZoneType::kPanic24h:
      return false;  // life safety: never shut down
    default:
      return true;
  }
}

void PanelEngine::RaiseAlarm(const AlarmSpec& spec) {
  ZoneRuntime* rt = spec.zone ? &state_.zones[spec.zone->id] : nullptr;
  const bool swinger = spec.zone && CountsForSwinger(*spec.zone);
  if (rt && swinger && rt->swinger_bypassed) return;

  Event event = spec.zone ? MakeZoneEvent(*spec.zone, EventCategory::kAlarm, spec.priority,
                                          spec.type, cid::kNew, spec.code, spec.text)
                          : MakeEvent(EventCategory::kAlarm, spec.priority, spec.type, cid::kNew,
                                      spec.code, spec.text);
  event.silent = spec.silent;
  event.user = spec.user;
  if (spec.user_number != 0) event.cid.number = spec.user_number;
  if (rt && spec.restorable) {
    rt->alarmed = true;
    rt->alarm_code = spec.code;
  }
  Emit(std::move(event));
  if (spec.zone && !spec.silent) RememberAlarm(*spec.zone, spec.type, spec.code);

  // An alarm soon after arming suggests the person who armed left something open (or is the
  // intruder's way in): reported once as recent closing (459) with the arming user.
  if (!spec.silent && state_.recent_closing_until && now_.mono <= *state_.recent_closing_until) {
    state_.recent_closing_until.reset();
    Event closing = MakeEvent(
        EventCategory::kAlarm, Priority::kCritical, "recent_closing", cid::kNew,
        cid::kRecentClosing,
        "alarm within " + std::to_string(config_.recent_closing_window.count()) + " s of arming");
    if (spec.zone) closing.zone = spec.zone->id;
    closing.user = state_.armed_by;
    closing.cid.group = cid::kGroupBurglary;
    closing.cid.number = state_.armed_by_number;
    Emit(std::move(closing));
  }

  if (spec.siren && !spec.silent) {
    const Mode timing_mode = state_.armed_mode;
    if (state_.mode == Mode::kArming) CompleteArming();
    state_.exit_deadline.reset();
    state_.entry_deadline.reset();
    state_.entry_zone.clear();
    SirenOn(*spec.siren, config_.TimingFor(timing_mode).siren);
    StrobeOn();
    SetMode(Mode::kTriggered, state_.armed_mode);
  }

  if (rt && swinger) {
    ++rt->alarm_count;
    const int limit = spec.zone->swinger_limit;
    if (limit > 0 && rt->alarm_count >= limit && !rt->swinger_bypassed) {
      rt->swinger_bypassed = true;
      Event shutdown = MakeZoneEvent(
          *spec.zone, EventCategory::kBypass, Priority::kNormal, "swinger_shutdown", cid::kNew,
          cid::kBypass,
          "zone " + spec.zone->id + " bypassed after " + std::to_string(limit) + " alarms");
      shutdown.cid.group = cid::kGroupNone;
      Emit(std::move(shutdown));
    }
  }
}

void PanelEngine::RaiseBurglary(const ZoneConfig& zone, int code, std::string type) {
  if (!zone.cross_zone_group.empty()) {
    // Cross-zone: one detector alone may be a false alarm (a spider on a PIR). The first alarm
    // sounds the siren and is reported unconfirmed (130); a second, different zone of the group
    // inside the window confirms the intrusion (139) — as DSC / PD 6662 panels do.
    auto& memory = state_.cross_zone;
    const auto it = memory.find(zone.cross_zone_group);
    const bool confirms =
        it != memory.end() && it->second.zone != zone.id && now_.mono <= it->second.expires;
    const std::string first = it != memory.end() ? it->second.zone : std::string();
    memory[zone.cross_zone_group] = CrossZoneMemory{zone.id, now_.mono + config_.cross_zone_window};
    if (confirms) {
      RaiseAlarm({"intrusion_confirmed", cid::kIntrusionVerified, &zone, SirenReason::kBurglar,
                  false,
                  "intrusion confirmed: " + zone.id + " after " + first + " (group " +
                      zone.cross_zone_group + ")"});
    } else {
      RaiseAlarm({"burglary_unconfirmed", cid::kBurglary, &zone, SirenReason::kBurglar, false,
                  "unconfirmed burglary: " + zone.id + " (group " + zone.cross_zone_group + ")"});
    }
    return;
  }
  RaiseAlarm({std::move(type), code, &zone, SirenReason::kBurglar, false, "burglary: " + zone.id});
}

void PanelEngine::EntryDelayEnded() {
  state_.entry_deadline.reset();
  const ZoneConfig* zone = FindZone(state_.entry_zone);
  if (zone != nullptr) {
    RaiseBurglary(*zone, cid::kEntryExit, "burglary");
  } else {
    // The zone vanished in a reload during the delay: still an intrusion.
    RaiseAlarm({"burglary", cid::kEntryExit, nullptr, SirenReason::kBurglar, false,
                "burglary: entry delay expired"});
  }
  state_.entry_zone.clear();
  // A swinger-bypassed entry zone raised nothing: back to the armed mode.
  if (state_.mode == Mode::kPending) SetMode(state_.armed_mode, state_.armed_mode);
}

void PanelEngine::SirenEnded() {
  SirenOff();
  if (state_.mode == Mode::kTriggered) {
    // Never silently disarm: back to the armed mode the alarm interrupted (disarmed for a
    // 24-hour alarm raised while disarmed).
    SetMode(state_.armed_mode, state_.armed_mode);
  }
  RestoreNormalZones();
}

void PanelEngine::RestoreNormalZones() {
  for (const ZoneConfig& zone : config_.zones) {
    if (state_.zones[zone.id].active == false) ZoneNormal(zone);
  }
}

}  // namespace homesec
