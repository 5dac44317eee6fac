// Zigbee pairing (PAIR / PAIR_STOP): the installer opens the Zigbee network to joins for a
// while, as a keypad's program mode lets an installer enrol wireless sensors. Contact ID 627
// (program mode entry) when it opens, 628 (program mode exit) when it closes.
//
// The policy, after the pro panels:
// - Only while disarmed. Ajax, DSC and Vista enrol devices only in installer mode from a
//   disarmed panel: a device joining an armed system would be a sensor nobody has placed, or an
//   intruder's radio. Arming closes a window still open (BeginArming).
// - Only a master code (Role::kMaster): enrolling devices is an installer's job. The code must
//   be one that may disarm, and wrong codes count towards the source's lockout like any other.
// - At most kMaxPairTime (Zigbee2MQTT's limit); the panel's own deadline closes it as well.
// - PAIR while open restarts the window with the new length (no second 627). PAIR_STOP takes
//   any valid code (it gives protection back, as UNBYPASS does) and is accepted when nothing is
//   open: the shell still tells Zigbee2MQTT to close, in case it kept a window the panel does
//   not know of (a restart in the middle of one).
#include <string>

#include "rules/contact_id_codes.hpp"
#include "rules/panel_engine.hpp"

namespace homesec {

void PanelEngine::HandlePairCommand(const Command& command) {
  if (command.action == CommandAction::kPairStop) {
    const auto checked = CheckCode(command, /*for_disarm=*/false);
    if (!checked) return;
    if (!state_.pairing_deadline) {
      AddAction(PermitJoinRequest{Seconds(0), "", checked->user, "stopped"});
      Reply(command, true, "ok", "the Zigbee network is not open to joins", checked->user);
      return;
    }
    ClosePairing(
        "stopped", checked->user,
        "Zigbee pairing closed" + (checked->user.empty() ? std::string() : " by " + checked->user));
    Reply(command, true, "ok", "Zigbee pairing closed", checked->user);
    return;
  }
  // Checked before the code, as bypass is: a request that cannot be carried out costs no
  // lockout attempt.
  if (command.pair_time <= Seconds(0) || command.pair_time > kMaxPairTime) {
    Reply(command, false, "invalid_request",
          "pairing time must be 1 to " + std::to_string(kMaxPairTime.count()) + " s");
    return;
  }
  if (state_.mode != Mode::kDisarmed) {
    Reply(command, false, "not_allowed",
          "cannot pair devices while " + std::string(ToString(state_.mode)) + ": disarm first");
    return;
  }
  const auto checked = CheckCode(command, /*for_disarm=*/true);
  if (!checked) return;
  if (checked->role != Role::kMaster) {
    Reply(command, false, "not_allowed",
          "pairing needs a master code" +
              (checked->user.empty() ? std::string() : ": " + checked->user + " is not a master"),
          checked->user);
    return;
  }
  const bool reopened = state_.pairing_deadline.has_value();
  state_.pairing_deadline = now_.mono + command.pair_time;
  state_.pairing_device = command.pair_device;
  const std::string seconds = std::to_string(command.pair_time.count());
  if (!reopened) {
    Event event = MakeEvent(EventCategory::kSystem, Priority::kLow, "pairing_opened", cid::kNew,
                            cid::kProgramModeEntry,
                            "Zigbee network opened to joins for " + seconds + " s" +
                                (checked->user.empty() ? "" : " by " + checked->user));
    event.user = checked->user;
    event.cid.number = checked->number;
    Emit(std::move(event));
  }
  AddAction(PermitJoinRequest{command.pair_time, command.pair_device, checked->user, "opened"});
  Reply(command, true, "ok",
        std::string(reopened ? "Zigbee pairing window restarted: " : "Zigbee pairing open: ") +
            seconds + " s",
        checked->user);
}

void PanelEngine::HandlePairingRefused(const PairingRefused& refused) {
  ClosePairing("refused", "", "Zigbee pairing closed: Zigbee2MQTT refused it: " + refused.error);
}

void PanelEngine::ClosePairing(const std::string& reason, const std::string& user,
                               std::string text) {
  if (!state_.pairing_deadline) return;
  state_.pairing_deadline.reset();
  state_.pairing_device.clear();
  Event event = MakeEvent(EventCategory::kSystem, Priority::kLow, "pairing_closed", cid::kNew,
                          cid::kProgramModeExit, std::move(text));
  event.user = user;
  event.cid.number = user.empty() ? 0 : UserNumber(config_.users, user);
  Emit(std::move(event));
  AddAction(PermitJoinRequest{Seconds(0), "", user, reason});
}

}  // namespace homesec
