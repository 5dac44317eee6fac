// Manual zone bypass (BYPASS / UNBYPASS): a resident takes one zone out of the system by hand,
// as on a DSC, Vista or Ajax panel — a window left open for the cat, a sensor waiting for
// repair. The zone then raises nothing and does not stand in the way of arming, until UNBYPASS
// or, with `until_disarm`, until the next disarm. Contact ID 570: E when bypassed, R when the
// bypass ends.
//
// The policy, after the pro panels:
// - Only while disarmed (mode disarmed). Vista: "the system must be disarmed before you can
//   bypass zones"; Lyric: "zones cannot be bypassed once the system is armed". UNBYPASS too: a
//   zone coming back while armed and open would alarm or start the entry delay out of nowhere.
// - Never the 24-hour zones (fire, gas, water, tamper, panic) nor lock cylinders, see
//   BypassRefusal().
// - BYPASS of a zone already bypassed and UNBYPASS of one not bypassed are accepted and change
//   nothing (no event): the keypad of a Vista shows the zone bypassed either way, and a client
//   that repeats itself gets the same answer. A repeated BYPASS takes the lifetime it asks for.
#include <string>

#include "rules/contact_id_codes.hpp"
#include "rules/panel_engine.hpp"
#include "rules/text.hpp"

namespace homesec {
namespace {

std::string Lifetime(bool until_disarm) {
  return until_disarm ? "until the next disarm" : "until unbypassed";
}

}  // namespace

void PanelEngine::EmitBypassEvent(const ZoneConfig& zone, bool restore, const std::string& user,
                                  std::string text) {
  Event event = MakeZoneEvent(zone, EventCategory::kBypass, Priority::kNormal,
                              restore ? "bypass_restore" : "manual_bypass",
                              restore ? cid::kRestore : cid::kNew, cid::kBypass, std::move(text));
  event.cid.group = cid::kGroupNone;
  event.user = user;
  Emit(std::move(event));
}

std::string BypassRefusal(ZoneType type) {
  switch (type) {
    case ZoneType::kFire24h:
      // Vista: "the system will not allow fire zones to be bypassed"; DSC fire zones have no
      // bypass attribute; EN 54 and NFPA 72 want a fire detector disabled only by the installer.
      return "fire zones are never bypassed";
    case ZoneType::kGas24h:
      // Life safety as fire: Lyric refuses CO zones (and a gas leak gives no second chance).
      return "gas zones are life safety and never bypassed";
    case ZoneType::kWater24h:
      // The panel treats a leak as life safety (it never shuts down under the swinger limit)
      // and the config refuses bypass_in on every 24-hour zone: a leak while the family is away
      // is the very case nobody else notices. A faulty probe is for the installer to remove.
      return "water zones are 24-hour zones and never bypassed";
    case ZoneType::kPanic24h:
      // Vista: "will not allow fire or emergency zones to be bypassed"; Lyric: panic neither.
      return "panic zones are never bypassed";
    case ZoneType::kTamper24h:
      // Tamper watches the equipment itself: sabotage must reach the platform in every mode,
      // as EN 50131-1 treats tamper detection as always active.
      return "tamper zones are 24-hour zones and never bypassed";
    case ZoneType::kLock:
      // A forced or picked cylinder is an attack in every mode, disarmed too (panel_locks.cpp),
      // like a 24-hour zone; a jammed lock is a trouble, which a bypass would not quiet anyway.
      return "lock zones report attacks in every mode and are never bypassed";
    default:
      return {};  // burglary zones and held doors
  }
}

void PanelEngine::HandleBypassCommand(const Command& command) {
  const bool bypass = command.action == CommandAction::kBypass;
  const std::string verb = bypass ? "bypass" : "unbypass";
  if (command.zone.empty()) {
    Reply(command, false, "invalid_request", verb + " needs a zone");
    return;
  }
  const ZoneConfig* zone = FindZone(command.zone);
  if (zone == nullptr) {
    Reply(command, false, "unknown_zone",
          "no zone '" + PrintableText(command.zone, 64) + "' in this installation");
    return;
  }
  // Checked before the code, as arming while pending is: a request that cannot be carried out
  // costs the resident no lockout attempt.
  if (state_.mode != Mode::kDisarmed) {
    Reply(command, false, "not_allowed",
          "cannot " + verb + " while " + std::string(ToString(state_.mode)) + ": disarm first");
    return;
  }
  const std::string why = BypassRefusal(zone->type);
  if (bypass && !why.empty()) {
    Reply(command, false, "not_allowed",
          "zone " + zone->id + " (" + std::string(ToString(zone->type)) +
              ") cannot be bypassed: " + why);
    return;
  }
  Authorised who;
  if (config_.codes.code_required_to_bypass) {
    // A bypass takes protection away: it needs a code that may disarm (an arm-only code may
    // not). Ending one gives it back, which any code that may arm can do.
    const auto checked = CheckCode(command, /*for_disarm=*/bypass);
    if (!checked) return;
    who = *checked;
  }
  ZoneRuntime& rt = state_.zones[zone->id];
  if (bypass) {
    if (rt.manual_bypassed) {
      const bool changed = rt.bypass_until_disarm != command.until_disarm;
      rt.bypass_until_disarm = command.until_disarm;
      Reply(command, true, "ok",
            "zone " + zone->id +
                (changed ? " was already bypassed; now " : " is already bypassed ") +
                Lifetime(command.until_disarm),
            who.user);
      return;
    }
    rt.manual_bypassed = true;
    rt.bypass_until_disarm = command.until_disarm;
    // A held door's timer stops with it: the door is not watched while bypassed.
    rt.door_held_deadline.reset();
    EmitBypassEvent(*zone, /*restore=*/false, who.user,
                    "zone " + zone->id + " bypassed" + (who.user.empty() ? "" : " by " + who.user) +
                        " " + Lifetime(command.until_disarm));
    Reply(command, true, "ok", "zone " + zone->id + " bypassed " + Lifetime(command.until_disarm),
          who.user);
    return;
  }
  if (!rt.manual_bypassed) {
    Reply(command, true, "ok", "zone " + zone->id + " is not bypassed", who.user);
    return;
  }
  EndManualBypass(*zone, who.user,
                  "zone " + zone->id + " no longer bypassed" +
                      (who.user.empty() ? "" : ": unbypassed by " + who.user));
  Reply(command, true, "ok", "zone " + zone->id + " no longer bypassed", who.user);
}

void PanelEngine::EndManualBypass(const ZoneConfig& zone, const std::string& user,
                                  std::string text) {
  ZoneRuntime& rt = state_.zones[zone.id];
  rt.manual_bypassed = false;
  rt.bypass_until_disarm = false;
  EmitBypassEvent(zone, /*restore=*/true, user, std::move(text));
  // Watched again from now on: a held door still open starts its limit afresh (the panel is
  // disarmed here, so a burglary zone's state needs nothing more).
  if (zone.type == ZoneType::kDoorHeld && rt.active == true) {
    rt.door_held_deadline = now_.mono + zone.door_held_limit;
  }
}

void PanelEngine::EndBypassesAtDisarm(const std::string& user) {
  for (const ZoneConfig& zone : config_.zones) {
    const ZoneRuntime& rt = state_.zones[zone.id];
    if (!rt.manual_bypassed || !rt.bypass_until_disarm) continue;
    EndManualBypass(
        zone, user,
        "zone " + zone.id + " no longer bypassed: disarmed" + (user.empty() ? "" : " by " + user));
  }
}

void PanelEngine::EndUnbypassableBypasses() {
  // A reload (or a restart with a new config) may have turned a bypassed zone into one that is
  // never bypassed: it is watched again at once.
  for (const ZoneConfig& zone : config_.zones) {
    if (!state_.zones[zone.id].manual_bypassed || BypassRefusal(zone.type).empty()) continue;
    EndManualBypass(zone, "",
                    "zone " + zone.id + " no longer bypassed: it is " +
                        std::string(ToString(zone.type)) + " now, which is never bypassed");
  }
}

}  // namespace homesec
