// Zone logic: what a reading means for a zone (active / normal / unknown), what an activation
// edge does for each zone type and mode, bypass rules and the zone's visible status. Manual
// bypass commands are in panel_bypass.cpp.
#include <string>

#include "rules/contact_id_codes.hpp"
#include "rules/panel_engine.hpp"

namespace homesec {

std::string DefaultProperty(ZoneType type) {
  switch (type) {
    case ZoneType::kInterior:
      return "occupancy";
    case ZoneType::kTamper24h:
      return "tamper";
    case ZoneType::kFire24h:
      return "smoke";
    case ZoneType::kWater24h:
      return "water_leak";
    case ZoneType::kGas24h:
      return "gas";
    case ZoneType::kLock:
      return "lock_state";
    default:
      return "contact";
  }
}

bool ZoneListensTo(const ZoneConfig& zone, const std::string& property) {
  return property == (zone.property.empty() ? DefaultProperty(zone.type) : zone.property);
}

std::optional<bool> ActivityOf(const std::string& property, const Value& value) {
  if (const bool* b = std::get_if<bool>(&value)) return *b;
  if (const double* d = std::get_if<double>(&value)) return *d != 0.0;
  const std::string* s = std::get_if<std::string>(&value);
  if (s == nullptr) return std::nullopt;           // monostate: unknown, never closed
  if (property == "latch") return *s != "closed";  // tilted, open, forced are all open
  if (*s == "open" || *s == "on" || *s == "true" || *s == "detected") return true;
  if (*s == "closed" || *s == "off" || *s == "false" || *s == "clear") return false;
  return std::nullopt;
}

bool PanelEngine::IsBypassed(const ZoneConfig& zone, Mode armed_mode) const {
  const auto it = state_.zones.find(zone.id);
  if (it != state_.zones.end() &&
      (it->second.force_bypassed || it->second.swinger_bypassed || it->second.manual_bypassed)) {
    return true;
  }
  return zone.bypass_in.contains(armed_mode);
}

bool PanelEngine::IsManuallyBypassed(const ZoneConfig& zone) const {
  const auto it = state_.zones.find(zone.id);
  return it != state_.zones.end() && it->second.manual_bypassed;
}

ZoneChanged ComputeZoneView(const ZoneConfig& zone, const ZoneRuntime& rt,
                            const DeviceRuntime& device, Mode armed_mode) {
  ZoneChanged view;  // the id is the caller's to add (Panel), not worth a copy per input
  const bool device_trouble = device.unavailable_trouble || device.silent_trouble;
  view.open = rt.active == true;
  view.known = rt.active.has_value() || !rt.lock_state.empty();
  view.available = !device.unavailable_deadline && !device_trouble;
  // A manual bypass shows in every mode: it is made while disarmed, for the arming to come.
  view.bypassed = rt.manual_bypassed ||
                  (armed_mode != Mode::kDisarmed && (rt.force_bypassed || rt.swinger_bypassed ||
                                                     zone.bypass_in.contains(armed_mode)));
  // A silent panic must never show locally (the attacker may be watching the keypad).
  view.alarm = rt.alarmed && !(zone.type == ZoneType::kPanic24h && zone.silent);
  view.trouble = device_trouble || rt.lock_jammed || rt.unbound;
  view.battery_low = device.battery_low;
  view.lock_state = rt.lock_state;
  // The one word that matters most, from the facts above.
  if (device_trouble) {
    view.status = ZoneStatus::kTrouble;
  } else if (view.alarm) {
    view.status = ZoneStatus::kAlarm;
  } else if (rt.lock_jammed) {
    view.status = ZoneStatus::kTrouble;
  } else if (view.bypassed) {
    view.status = ZoneStatus::kBypassed;
  } else if (!rt.active) {
    view.status = ZoneStatus::kUnknown;
  } else {
    view.status = *rt.active ? ZoneStatus::kOpen : ZoneStatus::kClosed;
  }
  return view;
}

void PanelEngine::HandleReading(const Reading& reading) {
  if (reading.property == "available") {
    if (const bool* available = std::get_if<bool>(&reading.value)) {
      HandleAvailability(reading.device, *available);
      // A retained replay is what the bridge said some time ago, not a check-in: it must not
      // clear a device_silent trouble that the device itself never answered (issue 10).
      if (*available && !reading.initial) DeviceSeen(reading.device);
    } else if (std::holds_alternative<std::monostate>(reading.value)) {
      // Unknown (the Zigbee2MQTT bridge went offline): nothing the device says can be trusted,
      // so it counts as unavailable — a trouble after the same grace period, never an alarm.
      HandleAvailability(reading.device, false);
    }
    return;
  }
  if (reading.property == "unbound") {
    if (const std::string* property = std::get_if<std::string>(&reading.value)) {
      HandleUnbound(reading.device, *property);
    }
    return;
  }
  if (!reading.initial) DeviceSeen(reading.device);
  if (reading.property == "tamper" && !reading.initial && state_.walk_test &&
      ActivityOf(reading.property, reading.value) == true) {
    WalkTestTamper(reading.device);
  }
  if (reading.property == "battery_low") {
    if (const bool* low = std::get_if<bool>(&reading.value)) HandleBattery(reading.device, *low);
    return;
  }
  for (const ZoneConfig& zone : config_.zones) {
    if (zone.device != reading.device || !ZoneListensTo(zone, reading.property)) continue;
    if (ZoneRuntime& bound = state_.zones[zone.id]; bound.unbound) {  // it came after all
      bound.unbound = false;
      EmitDeviceTrouble(
          zone.device, false, "zone_unbound", cid::kSensorTrouble,
          "zone " + zone.id + ": device " + zone.device + " reports " + reading.property + " now",
          &zone);
    }
    if (zone.type == ZoneType::kLock) {
      if (const std::string* s = std::get_if<std::string>(&reading.value)) {
        ZoneRuntime& rt = state_.zones[zone.id];
        if (reading.initial && rt.lock_state.empty()) {
          rt.lock_state = *s;  // learnt at start-up: never an alarm
        } else {
          // Locking and unlocking is how a lock zone is walk-tested (an attack still alarms).
          if ((*s == "locked" || *s == "unlocked") && *s != rt.lock_state && UnderWalkTest(zone)) {
            WalkTestSeen(zone, *s == "unlocked" ? "opened" : "closed");
          }
          HandleLockReading(zone, *s);
        }
      }
      continue;
    }
    ZoneRuntime& rt = state_.zones[zone.id];
    const std::optional<bool> before = rt.active;
    const std::optional<bool> after = ActivityOf(reading.property, reading.value);
    rt.active = after;
    // A start-up or retained reading only tells the panel a state it did not know yet: it sets
    // the state but never starts an alarm (a restart never raises an alarm).
    if (reading.initial && !before) continue;
    if (UnderWalkTest(zone)) {
      // Recorded, not acted on: no alarm, chime or held-door timer (panel_walk_test.cpp). A
      // restore still goes out for an alarm from before the test.
      if (after == true && before != true) {
        WalkTestSeen(zone, "opened");
      } else if (after == false && before != false) {
        ZoneNormal(zone);
        WalkTestSeen(zone, "closed");
      }
      continue;
    }
    if (after == true && before != true) {
      ZoneActivated(zone);
    } else if (after == false && before != false) {
      ZoneNormal(zone);
    }
  }
}

void PanelEngine::HandleUnbound(const std::string& device, const std::string& property) {
  for (const ZoneConfig& zone : config_.zones) {
    if (zone.device != device || !ZoneListensTo(zone, property)) continue;
    ZoneRuntime& rt = state_.zones[zone.id];
    if (rt.unbound || rt.active || !rt.lock_state.empty()) continue;  // said, or it did report
    rt.unbound = true;
    EmitDeviceTrouble(device, true, "zone_unbound", cid::kSensorTrouble,
                      "zone " + zone.id + ": device " + device + " reports, but never " + property,
                      &zone);
  }
}

void PanelEngine::ZoneActivated(const ZoneConfig& zone) {
  const std::string opened = zone.id + " (" + std::string(ToString(zone.type)) + ")";
  switch (zone.type) {
    case ZoneType::kFire24h:
      RaiseAlarm({"fire", cid::kFire, &zone, SirenReason::kFire, false, "fire: " + opened});
      return;
    case ZoneType::kGas24h:
      RaiseAlarm({"gas", cid::kGas, &zone, SirenReason::kEmergency, false, "gas: " + opened});
      return;
    case ZoneType::kWater24h:
      // A leak needs someone to look, not a siren: the report plus a chime that keeps sounding
      // in every mode, disarmed too, so that whoever is at home hears it.
      RaiseAlarm(
          {"water_leak", cid::kWaterLeak, &zone, std::nullopt, false, "water leak: " + opened});
      LeakChimeOn();
      return;
    case ZoneType::kTamper24h: {
      // Tamper is always reported, but sounds only when armed: opening a sensor for a battery
      // change at home must not wake the street.
      const bool armed = state_.armed_mode != Mode::kDisarmed;
      RaiseAlarm({"tamper", cid::kTamper, &zone,
                  armed ? std::optional(SirenReason::kBurglar) : std::nullopt, false,
                  "tamper: " + opened});
      return;
    }
    case ZoneType::kPanic24h:
      if (zone.silent) {
        RaiseAlarm({"silent_panic", cid::kSilentPanic, &zone, std::nullopt, true,
                    "silent panic: " + zone.id});
      } else {
        RaiseAlarm({"panic", cid::kAudiblePanic, &zone, SirenReason::kEmergency, false,
                    "panic: " + zone.id});
      }
      return;
    case ZoneType::kDoorHeld:
      // A bypassed door may stand open (furniture being moved in): no limit runs.
      if (!IsManuallyBypassed(zone)) {
        state_.zones[zone.id].door_held_deadline = now_.mono + zone.door_held_limit;
      }
      return;
    case ZoneType::kLock:
      return;  // handled from lock_state readings
    default:
      break;
  }

  // Burglary zones.
  if (state_.mode == Mode::kDisarmed) {
    // A bypassed zone is ignored altogether, its chime too (the window left open on purpose).
    if (zone.chime && !IsManuallyBypassed(zone)) DoorChime();
    return;
  }
  if (state_.armed_mode == Mode::kDisarmed || IsBypassed(zone, state_.armed_mode)) return;
  const bool perimeter = zone.type == ZoneType::kPerimeter;
  const int instant_code = perimeter ? cid::kPerimeter : cid::kInterior;
  switch (state_.mode) {
    case Mode::kArming:
      // The exit route (entry_exit, followers, interior) may be walked while leaving; a window
      // opened during the exit delay is not on it.
      if (perimeter) RaiseBurglary(zone, cid::kPerimeter, "burglary");
      return;
    case Mode::kPending:
      if (zone.type == ZoneType::kEntryExit || zone.type == ZoneType::kEntryFollower) return;
      RaiseBurglary(zone, instant_code, "burglary");
      return;
    case Mode::kTriggered:
      RaiseBurglary(zone, zone.type == ZoneType::kEntryExit ? cid::kEntryExit : instant_code,
                    "burglary");
      return;
    default:  // an armed mode
      if (zone.type == ZoneType::kEntryExit) {
        StartEntryDelay(zone);
      } else {
        RaiseBurglary(zone, instant_code, "burglary");
      }
      return;
  }
}

void PanelEngine::ZoneNormal(const ZoneConfig& zone) {
  ZoneRuntime& rt = state_.zones[zone.id];
  rt.door_held_deadline.reset();
  if (zone.type == ZoneType::kWater24h) LeakZoneNormal();
  if (!rt.alarmed) return;
  rt.alarmed = false;
  Event event = MakeZoneEvent(zone, EventCategory::kRestore, Priority::kNormal, "alarm_restore",
                              cid::kRestore, rt.alarm_code, "restore: " + zone.id);
  event.silent = zone.type == ZoneType::kPanic24h && zone.silent;
  Emit(std::move(event));
  RememberRestore(zone);
}

}  // namespace homesec
