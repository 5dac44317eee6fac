// Commands from residents, keypads and the platform: the code check through Authenticate()
// (wrong code, lockout, duress), then arming, disarming, manual alarms and siren silence.
#include <optional>
#include <string>

#include "rules/codes.hpp"
#include "rules/contact_id_codes.hpp"
#include "rules/panel_engine.hpp"

namespace homesec {
namespace {

struct Authorised {
  std::string user;
  int number = 0;
};

std::optional<Mode> ArmTarget(CommandAction action) {
  switch (action) {
    case CommandAction::kArmHome:
      return Mode::kArmedHome;
    case CommandAction::kArmNight:
      return Mode::kArmedNight;
    case CommandAction::kArmAway:
      return Mode::kArmedAway;
    case CommandAction::kArmVacation:
      return Mode::kArmedVacation;
    default:
      return std::nullopt;
  }
}

void EmitWrongCode(PanelEngine& engine, const Command& command) {
  Event event = engine.MakeEvent(EventCategory::kAccess, Priority::kLow, "wrong_code", cid::kNew,
                                 cid::kWrongCode, "wrong code entered at " + command.source);
  event.report = false;  // only the lockout is reported
  engine.Emit(std::move(event));
}

// Checks the command's code. On success returns who it was (and has raised the silent duress
// alarm when it was the duress code); otherwise replies, records why and returns nullopt.
std::optional<Authorised> CheckCode(PanelEngine& engine, const Command& command, bool for_disarm) {
  if (!command.code || command.code->empty()) {
    // A missing code is a malformed request, not a guess: it does not count towards lockout.
    engine.Reply(command, false, "invalid_code", "a code is required");
    return std::nullopt;
  }
  const Now now = engine.now();
  const AuthResult auth = Authenticate(*command.code, for_disarm, engine.config().users,
                                       engine.config().codes, now.wall, engine.state().codes);
  const std::string user = auth.user ? auth.user->name : std::string();
  const int number = auth.user ? auth.user->number : 0;
  switch (auth.outcome) {
    case AuthOutcome::kOk:
      return Authorised{user, number};
    case AuthOutcome::kDuress: {
      // The duress alarm goes only to the platform; locally it must look like a normal disarm.
      Event event = engine.MakeEvent(EventCategory::kAlarm, Priority::kCritical, "duress",
                                     cid::kNew, cid::kDuress, "duress code used by " + user);
      event.user = user;
      event.cid.number = number;
      event.silent = true;
      engine.Emit(std::move(event));
      return Authorised{user, number};
    }
    case AuthOutcome::kWrongCode:
      EmitWrongCode(engine, command);
      engine.Reply(command, false, "invalid_code", "wrong code");
      return std::nullopt;
    case AuthOutcome::kLockedOut: {
      const std::string left = std::to_string(auth.lockout_remaining.count());
      if (auth.lockout_started) {
        EmitWrongCode(engine, command);
        engine.Emit(engine.MakeEvent(EventCategory::kAccess, Priority::kHigh, "code_lockout",
                                     cid::kNew, cid::kWrongCode,
                                     "too many wrong codes: code entry locked for " + left + " s"));
      }
      engine.Reply(command, false, "locked_out",
                   "too many wrong codes: try again in " + left + " s");
      return std::nullopt;
    }
    case AuthOutcome::kNotAllowed:
      engine.Reply(command, false, "not_allowed", user + " may not do this", user);
      return std::nullopt;
  }
  return std::nullopt;
}

void ManualAlarm(PanelEngine& engine, const Command& command) {
  AlarmSpec spec;
  switch (command.action) {
    case CommandAction::kTrigger:
      spec = AlarmSpec{"manual_trigger", cid::kPanic, nullptr, SirenReason::kEmergency};
      break;
    case CommandAction::kPanic:
      spec = AlarmSpec{"panic", cid::kAudiblePanic, nullptr, SirenReason::kEmergency};
      break;
    case CommandAction::kFire:
      spec = AlarmSpec{"fire", cid::kFire, nullptr, SirenReason::kFire};
      break;
    default:  // kMedical: reported, no siren
      spec = AlarmSpec{"medical", cid::kMedical, nullptr, std::nullopt};
      break;
  }
  spec.text = std::string(ToString(command.action)) + " from " + command.source;
  engine.RaiseAlarm(spec);
  engine.Reply(command, true, "ok", spec.type + " raised");
}

void SilenceSiren(PanelEngine& engine, const Command& command) {
  PanelState& state = engine.state();
  if (!state.siren_on()) {
    engine.Reply(command, false, "not_allowed", "the siren is not sounding");
    return;
  }
  engine.SirenOff();
  Event event = engine.MakeEvent(EventCategory::kSystem, Priority::kLow, "siren_silenced",
                                 cid::kNew, 0, "siren silenced by " + command.source);
  event.report = false;
  engine.Emit(std::move(event));
  if (state.mode == Mode::kTriggered) {
    // Silencing keeps the panel armed: it returns to the mode the alarm interrupted.
    engine.SetMode(state.armed_mode, state.armed_mode);
  }
  engine.RestoreNormalZones();
  engine.Reply(command, true, "ok", "siren silenced");
}

}  // namespace

void PanelEngine::HandleCommand(const Command& command) {
  if (const auto target = ArmTarget(command.action)) {
    if (state_.mode == Mode::kPending || state_.mode == Mode::kTriggered) {
      Reply(command, false, "not_allowed",
            "cannot arm while " + std::string(ToString(state_.mode)));
      return;
    }
    Authorised who;
    if (config_.codes.code_required_to_arm) {
      const auto checked = CheckCode(*this, command, /*for_disarm=*/false);
      if (!checked) return;
      who = *checked;
    }
    if (state_.armed_mode == *target) {
      Reply(command, false, "already_armed",
            "already " + std::string(ToString(state_.mode)) + " " + std::string(ToString(*target)),
            who.user);
      return;
    }
    Arm(command, *target, who.user, who.number);
    return;
  }
  switch (command.action) {
    case CommandAction::kDisarm: {
      const auto checked = CheckCode(*this, command, /*for_disarm=*/true);
      if (!checked) return;
      if (state_.mode == Mode::kDisarmed) {
        Reply(command, false, "already_disarmed", "the panel is already disarmed", checked->user);
        return;
      }
      Disarm(command, checked->user, checked->number);
      return;
    }
    case CommandAction::kSilenceSiren:
      SilenceSiren(*this, command);
      return;
    default:
      ManualAlarm(*this, command);
      return;
  }
}

}  // namespace homesec
