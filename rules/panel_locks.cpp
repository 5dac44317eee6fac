// Lock cylinders and held doors. A lock reports lock_state: forced and picked are attacks
// (alarms in every mode, also disarmed), jammed is a trouble, and a burst of wrong codes typed on
// the lock is an alarm. A door_held zone alarms when its door stays open past its limit.
#include <algorithm>
#include <string>

#include "rules/contact_id_codes.hpp"
#include "rules/panel_engine.hpp"

namespace homesec {

void PanelEngine::HandleLockReading(const ZoneConfig& zone, const std::string& lock_state) {
  ZoneRuntime& rt = state_.zones[zone.id];
  if (lock_state == "wrong_code") {
    // A burst of wrong codes on the lock's own keypad: someone is guessing.
    std::erase_if(rt.lock_wrong_codes,
                  [&](WallTime t) { return now_.wall - t >= zone.lock_wrong_code_window; });
    rt.lock_wrong_codes.push_back(now_.wall);
    if (static_cast<int>(rt.lock_wrong_codes.size()) >= zone.lock_wrong_code_burst) {
      rt.lock_wrong_codes.clear();
      AlarmSpec spec{"lock_wrong_code_burst",
                     cid::kWrongCode,
                     &zone,
                     std::nullopt,
                     false,
                     std::to_string(zone.lock_wrong_code_burst) + " wrong codes on lock " +
                         zone.id + " within " +
                         std::to_string(zone.lock_wrong_code_window.count()) + " s"};
      spec.restorable = false;  // a burst has no "normal" to return to
      RaiseAlarm(spec);
    }
    return;
  }
  const std::string before = rt.lock_state;
  rt.lock_state = lock_state;
  if (lock_state == before) return;

  if (lock_state == "forced") {
    // Forcing a lock is an attack whoever is home: it sounds in every mode.
    rt.active = true;
    RaiseAlarm({"lock_forced", cid::kBurglary, &zone, SirenReason::kBurglar, false,
                "lock forced: " + zone.id});
  } else if (lock_state == "picked") {
    // Picking is quiet and slow: reported in every mode, sounding only when armed (as tamper).
    rt.active = true;
    const bool armed = state_.armed_mode != Mode::kDisarmed;
    RaiseAlarm({"lock_picked", cid::kTamper, &zone,
                armed ? std::optional(SirenReason::kBurglar) : std::nullopt, false,
                "lock picked: " + zone.id});
  } else if (lock_state == "jammed") {
    if (!rt.lock_jammed) {
      rt.lock_jammed = true;
      Emit(MakeZoneEvent(zone, EventCategory::kTrouble, Priority::kNormal, "lock_jammed", cid::kNew,
                         cid::kLockJammed, "lock jammed: " + zone.id));
    }
  } else if (lock_state == "locked" || lock_state == "unlocked") {
    if (rt.lock_jammed) {
      rt.lock_jammed = false;
      Emit(MakeZoneEvent(zone, EventCategory::kTroubleRestore, Priority::kNormal, "trouble_restore",
                         cid::kRestore, cid::kLockJammed, "lock working again: " + zone.id));
    }
    rt.active = false;
    ZoneNormal(zone);
  }
}

void PanelEngine::DoorHeldExpired(const ZoneConfig& zone) {
  state_.zones[zone.id].door_held_deadline.reset();
  AlarmSpec spec{"door_held",
                 cid::kDoorPropped,
                 &zone,
                 std::nullopt,
                 false,
                 "door " + zone.id + " held open longer than " +
                     std::to_string(zone.door_held_limit.count()) + " s"};
  spec.priority = Priority::kHigh;
  RaiseAlarm(spec);
}

}  // namespace homesec
