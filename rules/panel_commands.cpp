// Commands from residents, keypads and the platform: the code check through Authenticate()
// (wrong code, lockout, duress), then arming, disarming, manual alarms and siren silence; zone
// bypass goes on in panel_bypass.cpp.
#include <optional>
#include <string>

#include "rules/codes.hpp"
#include "rules/contact_id_codes.hpp"
#include "rules/panel_engine.hpp"

namespace homesec {
namespace {

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
  // A water leak's chime is silenced the same way (it is the siren of a leak).
  if (!state.siren_on() && !state.leak_chime_deadline) {
    engine.Reply(command, false, "not_allowed", "the siren is not sounding");
    return;
  }
  // Locally, silencing takes a code that may disarm, as on a keypad: whoever can reach the home
  // broker must not be able to quiet a burglary. The platform's command comes over the
  // authenticated uplink (TLS client certificate, broker ACLs) and needs none.
  std::string who = command.source;
  if (command.source != "platform") {
    const std::optional<Authorised> checked = engine.CheckCode(command, /*for_disarm=*/true);
    if (!checked) return;
    who = checked->user;
  }
  engine.SirenOff();
  engine.LeakChimeOff();
  Event event = engine.MakeEvent(EventCategory::kSystem, Priority::kLow, "siren_silenced",
                                 cid::kNew, 0, "siren silenced by " + who);
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

std::optional<Authorised> PanelEngine::CheckCode(const Command& command, bool for_disarm) {
  PanelEngine& engine = *this;
  if (!command.code || command.code->empty()) {
    // A missing code is a malformed request, not a guess: it does not count towards lockout.
    engine.Reply(command, false, "invalid_code", "a code is required");
    return std::nullopt;
  }
  const Now now = engine.now();
  // The watch's keyholder is a user only inside its window and daily hours: outside them the
  // PIN is simply a wrong code (and counts towards the lockout).
  const std::vector<User>* users = &config_.users;
  std::vector<User> with_keyholder;
  if (state_.watch && state_.watch->IsKeyholderCodeValid(now.wall)) {
    if (const auto keyholder = state_.watch->KeyholderUser()) {
      with_keyholder = config_.users;
      with_keyholder.push_back(*keyholder);
      users = &with_keyholder;
    }
  }
  const std::string source = LockoutSource(command.source);
  AuthResult auth =
      Authenticate(*command.code, *users, config_.codes, now.wall, state_.codes, source);
  // What a valid code may do: a disarm by the one rule explain's "could have disarmed" uses.
  const bool valid = auth.outcome == AuthOutcome::kOk || auth.outcome == AuthOutcome::kDuress;
  if (for_disarm && valid && !MayDisarm(*auth.user, state_, now.wall)) {
    auth.outcome = AuthOutcome::kNotAllowed;
  }
  const std::string user = auth.user ? auth.user->name : std::string();
  const int number = auth.user ? auth.user->number : 0;
  const Role role = auth.user ? auth.user->role : Role::kUser;
  switch (auth.outcome) {
    case AuthOutcome::kOk:
      return Authorised{user, number, role};
    case AuthOutcome::kDuress: {
      // The duress alarm goes only to the platform, at once and first (critical). Locally the
      // code passes itself off as the user whose disarm it imitates: the result, the events and
      // the keypad's reply name that user, exactly as that user's own code would.
      Event event = engine.MakeEvent(EventCategory::kAlarm, Priority::kCritical, "duress",
                                     cid::kNew, cid::kDuress, "duress code used by " + user);
      event.user = user;
      event.cid.number = number;
      event.silent = true;
      engine.Emit(std::move(event));
      const std::optional<User> imitated = DuressImitation(config_.users, config_.codes);
      if (!imitated) return Authorised{};
      return Authorised{imitated->name, imitated->number, imitated->role};
    }
    case AuthOutcome::kWrongCode:
      EmitWrongCode(*this, command);
      engine.Reply(command, false, "invalid_code", "wrong code");
      return std::nullopt;
    case AuthOutcome::kLockedOut: {
      const std::string left = std::to_string(auth.lockout_remaining.count());
      if (auth.lockout_started) {
        EmitWrongCode(*this, command);
        // Reported (461): a guessing attack is something the platform should know about.
        const std::string where = source.empty() ? "the local command topic" : source;
        Event lockout = engine.MakeEvent(
            EventCategory::kAccess, Priority::kHigh, "code_lockout", cid::kNew, cid::kWrongCode,
            "too many wrong codes at " + where + ": code entry there locked for " + left + " s");
        lockout.device = command.source.starts_with("keypad:") ? command.source.substr(7) : "";
        engine.Emit(std::move(lockout));
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

void PanelEngine::HandleCommand(const Command& command) {
  if (auto target = ArmTarget(command.action)) {
    // While a watch runs the empty house is armed armed_vacation, also when the keyholder
    // arms "away" on a keypad when leaving.
    if (*target == Mode::kArmedAway && state_.watch && state_.watch->FlagsAlarms()) {
      target = Mode::kArmedVacation;
    }
    if (state_.mode == Mode::kPending || state_.mode == Mode::kTriggered) {
      Reply(command, false, "not_allowed",
            "cannot arm while " + std::string(ToString(state_.mode)));
      return;
    }
    // The zones under test would raise nothing (panel_walk_test.cpp).
    if (state_.walk_test) {
      Reply(command, false, "not_allowed",
            "cannot arm during a walk test: stop it first (WALK_TEST_STOP)");
      return;
    }
    Authorised who;
    if (config_.codes.code_required_to_arm) {
      const auto checked = CheckCode(command, /*for_disarm=*/false);
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
      const auto checked = CheckCode(command, /*for_disarm=*/true);
      if (!checked) return;
      if (state_.mode == Mode::kDisarmed) {
        // After a 24-hour alarm raised while disarmed (its siren time over) or during a leak,
        // the code a disarm takes resets what is still latched: the strobe, the leak chime.
        const bool latched = AlarmOutputsLatched();
        StopLatchedOutputs();
        // A resident back home while the watch could not arm (or during a keyholder visit)
        // ends the watch with the same code that would have disarmed.
        if (state_.watch && state_.watch->FlagsAlarms() && checked->role != Role::kKeyholder) {
          const std::string id = state_.watch->id();
          WatchDisarmed(*checked);
          Reply(command, true, "ok", "the panel was disarmed; vacant-house watch " + id + " ended",
                checked->user, {}, id);
          return;
        }
        if (latched) {
          Reply(command, true, "ok", "the panel is disarmed; strobe and chime switched off",
                checked->user);
          return;
        }
        Reply(command, false, "already_disarmed", "the panel is already disarmed", checked->user);
        return;
      }
      Disarm(command, checked->user, checked->number);
      WatchDisarmed(*checked);
      return;
    }
    case CommandAction::kWatchStart:
      if (state_.walk_test) {
        Reply(command, false, "not_allowed",
              "cannot start a watch during a walk test: stop it first (WALK_TEST_STOP)");
        return;
      }
      HandleWatchCommand(command);
      return;
    case CommandAction::kWatchExtend:
    case CommandAction::kWatchCancel:
    case CommandAction::kPatrolCheckIn:
      HandleWatchCommand(command);
      return;
    case CommandAction::kSilenceSiren:
      SilenceSiren(*this, command);
      return;
    case CommandAction::kBypass:
    case CommandAction::kUnbypass:
      HandleBypassCommand(command);
      return;
    case CommandAction::kPair:
    case CommandAction::kPairStop:
      HandlePairCommand(command);
      return;
    case CommandAction::kWalkTest:
    case CommandAction::kWalkTestStop:
      HandleWalkTestCommand(command);
      return;
    case CommandAction::kMemoryClear:
      HandleMemoryCommand(command);
      return;
    case CommandAction::kTroubleAck:
      HandleTroubleAck(command);
      return;
    default:
      ManualAlarm(*this, command);
      return;
  }
}

}  // namespace homesec
