// Deadlines: which timed thing is due next (exit and entry delays, siren time, held doors,
// leak chime, supervision grace and check-in windows) and processing every expired one on a Tick.
#include "rules/panel_engine.hpp"

namespace homesec {

void PanelEngine::HandleTick() {
  // Each handler clears its own deadline and new deadlines start from now, so this ends.
  for (int round = 0; round < 8; ++round) {
    bool handled = false;
    if (state_.exit_deadline && *state_.exit_deadline <= now_.mono) {
      handled = true;
      state_.exit_deadline.reset();
      ExitDelayEnded();
    }
    if (state_.entry_deadline && *state_.entry_deadline <= now_.mono) {
      handled = true;
      EntryDelayEnded();
    }
    if (state_.siren_deadline && *state_.siren_deadline <= now_.mono) {
      handled = true;
      SirenEnded();
    }
    if (state_.leak_chime_deadline && *state_.leak_chime_deadline <= now_.mono) {
      handled = true;
      LeakChimeOff();
    }
    if (state_.pairing_deadline && *state_.pairing_deadline <= now_.mono) {
      handled = true;
      ClosePairing("timeout", "", "Zigbee pairing window ended");
    }
    if (state_.walk_test && state_.walk_test->deadline <= now_.mono) {
      handled = true;
      EndWalkTest("timeout", "", 0);
    }
    for (const ZoneConfig& zone : config_.zones) {
      const auto& deadline = state_.zones[zone.id].door_held_deadline;
      if (deadline && *deadline <= now_.mono) {
        handled = true;
        DoorHeldExpired(zone);
      }
    }
    handled = SupervisionTick() || handled;
    if (!handled) return;
  }
}

std::optional<MonoTime> NextDeadlineOf(const PanelState& state) {
  std::optional<MonoTime> next;
  const auto consider = [&](const std::optional<MonoTime>& t) {
    if (t && (!next || *t < *next)) next = t;
  };
  consider(state.exit_deadline);
  consider(state.entry_deadline);
  consider(state.siren_deadline);
  consider(state.leak_chime_deadline);
  consider(state.pairing_deadline);
  if (state.walk_test) consider(state.walk_test->deadline);
  for (const auto& [id, zone] : state.zones) consider(zone.door_held_deadline);
  for (const auto& [id, device] : state.devices) {
    consider(device.unavailable_deadline);
    consider(device.checkin_deadline);
  }
  return next;
}

}  // namespace homesec
