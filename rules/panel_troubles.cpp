// Troubles, which are never alarms (no siren, no triggered state): a device reported
// unavailable past its grace period or silent past its check-in window (381), low battery
// (384), the uplink to the district platform lost (350). Each has a restore when it clears.
// Each active trouble also carries when it began and whether a user acknowledged it
// (TROUBLE_ACK), as DSC's and Vista's trouble views do.
#include <set>
#include <string>

#include "rules/contact_id_codes.hpp"
#include "rules/panel_engine.hpp"
#include "rules/text.hpp"

namespace homesec {
namespace {

// Zigbee availability blips shorter than this cause nothing (the top false-alarm complaint of
// hub alarm software); used for devices without their own supervision entry.
constexpr Seconds kDefaultUnavailableGrace{60};

}  // namespace

std::vector<ActiveTrouble> ActiveTroubles(const PanelConfig& config, const PanelState& state) {
  std::vector<ActiveTrouble> out;
  const auto add = [&](std::string type, std::string zone, std::string device) {
    ActiveTrouble trouble{std::move(type), std::move(zone), std::move(device)};
    if (const auto it = state.trouble_marks.find(TroubleId(trouble));
        it != state.trouble_marks.end()) {
      trouble.since = it->second.since;
      trouble.acknowledged = it->second.acknowledged;
    }
    out.push_back(std::move(trouble));
  };
  for (const auto& [device, rt] : state.devices) {
    if (rt.unavailable_trouble) add("device_unavailable", "", device);
    if (rt.silent_trouble) add("device_silent", "", device);
    if (rt.battery_low) add("battery_low", "", device);
  }
  for (const ZoneConfig& zone : config.zones) {
    const auto it = state.zones.find(zone.id);
    if (it == state.zones.end()) continue;
    if (it->second.lock_jammed) add("lock_jammed", zone.id, zone.device);
    if (it->second.unbound) add("zone_unbound", zone.id, zone.device);
  }
  if (state.uplink_trouble) add("uplink_lost", "", "");
  if (state.store_trouble) add("store_failure", "", "");
  return out;
}

void SyncTroubleMarks(const PanelConfig& config, PanelState& state, WallTime now) {
  std::set<std::string> active;
  for (const ActiveTrouble& trouble : ActiveTroubles(config, state)) {
    const std::string id = TroubleId(trouble);
    active.insert(id);
    state.trouble_marks.try_emplace(id, TroubleMark{now, false});
  }
  std::erase_if(state.trouble_marks,
                [&](const auto& entry) { return !active.contains(entry.first); });
}

void PanelEngine::HandleTroubleAck(const Command& command) {
  // Troubles are acknowledged before the code is checked against them, so a request naming a
  // trouble that is not active costs no lockout attempt (as BYPASS of an unknown zone).
  if (!command.trouble.empty() && !state_.trouble_marks.contains(command.trouble)) {
    Reply(command, false, "unknown_trouble",
          "no active trouble '" + PrintableText(command.trouble, 64) + "'");
    return;
  }
  const auto who = CheckCode(command, /*for_disarm=*/false);
  if (!who) return;
  std::vector<std::string> acknowledged;
  for (auto& [id, mark] : state_.trouble_marks) {
    if (mark.acknowledged || (!command.trouble.empty() && id != command.trouble)) continue;
    mark.acknowledged = true;
    acknowledged.push_back(id);
  }
  if (acknowledged.empty()) {
    Reply(command, true, "ok",
          state_.trouble_marks.empty() ? "no active troubles"
                                       : "every active trouble was already acknowledged",
          who->user);
    return;
  }
  std::string list;
  for (const std::string& id : acknowledged) list += (list.empty() ? "" : ", ") + id;
  // Local only, as siren_silenced: the platform got the troubles themselves and their restores;
  // who looked at the keypad is the household's log.
  Event event = MakeEvent(EventCategory::kSystem, Priority::kLow, "trouble_ack", cid::kNew, 0,
                          "troubles acknowledged by " + who->user + ": " + list);
  event.user = who->user;
  event.report = false;
  Emit(std::move(event));
  Reply(command, true, "ok", "acknowledged: " + list, who->user);
}

void PanelEngine::EmitDeviceTrouble(const std::string& device, bool raised, std::string type,
                                    int code, std::string text, const ZoneConfig* zone) {
  Event event = MakeEvent(raised ? EventCategory::kTrouble : EventCategory::kTroubleRestore,
                          Priority::kNormal, raised ? std::move(type) : "trouble_restore",
                          raised ? cid::kNew : cid::kRestore, code, std::move(text));
  event.device = device;
  event.cid.number = zone != nullptr ? zone->number : ZoneNumberForDevice(device);
  if (zone != nullptr) event.zone = zone->id;
  Emit(std::move(event));
}

void PanelEngine::DeviceSeen(const std::string& device) {
  const DeviceSupervision* supervision = FindSupervision(device);
  if (supervision == nullptr) return;
  DeviceRuntime& rt = state_.devices[device];
  if (supervision->checkin_window > Seconds{0}) {
    rt.checkin_deadline = now_.mono + supervision->checkin_window;
  }
  if (rt.silent_trouble) {
    rt.silent_trouble = false;
    EmitDeviceTrouble(device, false, "device_silent", cid::kSupervisionLoss,
                      "device " + device + " reporting again");
  }
}

void PanelEngine::HandleAvailability(const std::string& device, bool available) {
  DeviceRuntime& rt = state_.devices[device];
  if (available) {
    rt.unavailable_deadline.reset();  // a blip inside the grace period: nothing at all
    if (rt.unavailable_trouble) {
      rt.unavailable_trouble = false;
      EmitDeviceTrouble(device, false, "device_unavailable", cid::kSupervisionLoss,
                        "device " + device + " available again");
    }
    return;
  }
  if (rt.unavailable_trouble || rt.unavailable_deadline) return;
  const DeviceSupervision* supervision = FindSupervision(device);
  const Seconds grace = supervision ? supervision->unavailable_grace : kDefaultUnavailableGrace;
  rt.unavailable_deadline = now_.mono + grace;
  if (grace <= Seconds{0}) SupervisionTick();
}

void PanelEngine::HandleBattery(const std::string& device, bool low) {
  DeviceRuntime& rt = state_.devices[device];
  if (rt.battery_low == low) return;
  rt.battery_low = low;
  EmitDeviceTrouble(device, low, "battery_low", cid::kLowBattery,
                    "device " + device + (low ? " battery low" : " battery ok"));
}

bool PanelEngine::SupervisionTick() {
  bool handled = false;
  for (auto& [device, rt] : state_.devices) {
    if (rt.unavailable_deadline && *rt.unavailable_deadline <= now_.mono) {
      rt.unavailable_deadline.reset();
      rt.unavailable_trouble = true;
      handled = true;
      EmitDeviceTrouble(device, true, "device_unavailable", cid::kSupervisionLoss,
                        "device " + device + " unavailable");
    }
    if (rt.checkin_deadline && *rt.checkin_deadline <= now_.mono) {
      rt.checkin_deadline.reset();  // re-armed by the next reading
      handled = true;
      if (!rt.silent_trouble) {
        rt.silent_trouble = true;
        EmitDeviceTrouble(device, true, "device_silent", cid::kSupervisionLoss,
                          "device " + device + " silent past its check-in window");
      }
    }
  }
  return handled;
}

void PanelEngine::HandleUplink(const UplinkLink& link) {
  if (link.connected == !state_.uplink_trouble) return;
  state_.uplink_trouble = !link.connected;
  Event event = MakeEvent(link.connected ? EventCategory::kTroubleRestore : EventCategory::kTrouble,
                          Priority::kNormal, link.connected ? "trouble_restore" : "uplink_lost",
                          link.connected ? cid::kRestore : cid::kNew, cid::kCommunicationTrouble,
                          link.connected ? "uplink to the district platform restored"
                                         : "uplink to the district platform lost");
  event.cid.number = config_.uplink_zone_number;
  Emit(std::move(event));
}

void PanelEngine::HandleStore(const StoreHealth& health) {
  if (health.ok == !state_.store_trouble) return;
  state_.store_trouble = !health.ok;
  Emit(MakeEvent(health.ok ? EventCategory::kTroubleRestore : EventCategory::kTrouble,
                 Priority::kHigh, health.ok ? "trouble_restore" : "store_failure",
                 health.ok ? cid::kRestore : cid::kNew, cid::kSystemTrouble,
                 health.ok ? "event store writing again"
                           : "event store cannot write (" + health.detail +
                                 "): events are kept in memory and sent from there"));
}

}  // namespace homesec
