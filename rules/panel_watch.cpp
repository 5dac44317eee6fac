// The panel's side of the vacant-house watch (vacant_watch.hpp): the resident's WATCH_START /
// WATCH_EXTEND / WATCH_CANCEL commands, arming armed_vacation when the watch asks for it (or
// telling it which zones are open), passing on disarms, arming and zone changes, and noting when
// the registration must be republished. The daily report and the platform's messages (ack,
// patrol check-in) are in panel_watch_report.cpp.
#include <algorithm>
#include <string>

#include "rules/codes.hpp"
#include "rules/contact_id_codes.hpp"
#include "rules/json_limits.hpp"
#include "rules/panel_engine.hpp"

namespace homesec {
namespace {

std::string Join(const std::vector<std::string>& items, const char* separator = ", ") {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

bool IsResident(Role role) {
  // The duress code acts like its resident's (and has already sent its silent alarm).
  return role == Role::kMaster || role == Role::kUser || role == Role::kDuress;
}

bool IsWatchZone(const ZoneConfig& zone) {
  return zone.type == ZoneType::kEntryExit || zone.type == ZoneType::kEntryFollower ||
         zone.type == ZoneType::kPerimeter || zone.type == ZoneType::kInterior;
}

// A Contact ID user number no configured user has, counted down from 999 so that it does not
// collide with the numbers homesecctl hands out to new users (counted up from 1).
int FreeKeyholderNumber(const std::vector<User>& users) {
  for (int number = 999; number > 0; --number) {
    const bool taken = std::any_of(users.begin(), users.end(),
                                   [number](const User& u) { return u.number == number; });
    if (!taken) return number;
  }
  return 0;
}

}  // namespace

int UserNumber(const std::vector<User>& users, const std::string& name) {
  for (const User& user : users) {
    if (user.name == name) return user.number;
  }
  return 0;
}

std::vector<std::string> PanelEngine::WatchOpenZones() const {
  std::vector<std::string> open;
  for (const ZoneConfig& zone : config_.zones) {
    if (!IsWatchZone(zone) || zone.allow_open_at_arming) continue;
    if (zone.bypass_in.contains(Mode::kArmedVacation) || IsManuallyBypassed(zone)) continue;
    const auto it = state_.zones.find(zone.id);
    // Unknown is never closed: a sensor the panel has not heard from blocks the watch too.
    if (it == state_.zones.end() || it->second.active != false) open.push_back(zone.id);
  }
  return open;
}

void PanelEngine::HandleWatchCommand(const Command& command) {
  if (command.action == CommandAction::kPatrolCheckIn) {
    if (command.source != "platform") {
      Reply(command, false, "not_allowed", "a patrol check-in comes only from the platform");
      return;
    }
    Event event =
        MakeEvent(EventCategory::kWatch, Priority::kNormal, "patrol_check_in", cid::kNew, 0,
                  "patrol check-in" + (command.officer.empty() ? "" : " by " + command.officer) +
                      (command.note.empty() ? "" : ": " + command.note));
    event.report = false;  // it came from the platform
    if (state_.watch) {
      event.vacant_watch = true;
      event.watch_id = state_.watch->id();
    }
    event.details = DumpJson(nlohmann::json{{"officer", command.officer}, {"note", command.note}});
    Emit(std::move(event));
    Reply(command, true, "ok", "patrol check-in recorded", {}, {},
          state_.watch ? state_.watch->id() : std::string());
    return;
  }

  const auto who = CheckCode(command, /*for_disarm=*/true);
  if (!who) return;
  if (!IsResident(who->role)) {
    Reply(command, false, "not_allowed",
          who->user + " may not manage the vacant-house watch (a resident's code is needed)",
          who->user);
    return;
  }
  if (command.action == CommandAction::kWatchStart) {
    StartWatch(command, *who);
    return;
  }
  if (!state_.watch) {
    Reply(command, false, "not_allowed", "no vacant-house watch is registered", who->user);
    return;
  }
  const std::string id = state_.watch->id();
  if (command.action == CommandAction::kWatchCancel) {
    const WatchOutput out = state_.watch->Cancel(who->user, now_.wall);
    if (!out.accepted) {
      Reply(command, false, "not_allowed", out.error, who->user, {}, id);
      return;
    }
    ApplyWatch(out);
    Reply(command, true, "ok",
          "vacant-house watch " + id + " cancelled; the panel stays " +
              std::string(ToString(state_.mode)),
          who->user, {}, id);
    return;
  }
  // kWatchExtend
  if (!command.watch || !command.watch->expected_return) {
    Reply(command, false, "invalid_request", "the new expected_return is required", who->user, {},
          id);
    return;
  }
  const WallTime new_return = *command.watch->expected_return;
  const WatchOutput out = state_.watch->Extend(new_return, who->user, now_.wall);
  if (!out.accepted) {
    Reply(command, false, "invalid_request", out.error, who->user, {}, id);
    return;
  }
  ApplyWatch(out);
  Reply(command, true, "ok", "expected return of " + id + " is now " + FormatRfc3339(new_return),
        who->user, {}, id);
}

void PanelEngine::StartWatch(const Command& command, const Authorised& who) {
  if (state_.watch) {
    Reply(command, false, "not_allowed",
          "vacant-house watch " + state_.watch->id() + " is already " +
              std::string(ToString(state_.watch->state())) + ": extend or cancel it",
          who.user, {}, state_.watch->id());
    return;
  }
  if (!command.watch) {
    Reply(command, false, "invalid_request",
          "the watch details are missing (expected_return, contact_phone, ...)", who.user);
    return;
  }
  const WatchSpec& spec = *command.watch;
  std::vector<std::string> errors;
  WatchRequest request;
  request.departure = spec.departure;
  if (spec.expected_return) {
    request.expected_return = *spec.expected_return;
  } else {
    errors.push_back("expected_return is required");
    request.expected_return = spec.departure.value_or(now_.wall) + Seconds{1};
  }
  request.contact_phone = spec.contact_phone;
  request.notes = spec.notes;
  request.rearm_after_keyholder = spec.rearm_after_keyholder;
  request.created_by = who.user;
  if (spec.keyholder) {
    const WatchKeyholderSpec& k = *spec.keyholder;
    Keyholder keyholder;
    keyholder.name = k.name;
    keyholder.user_number = FreeKeyholderNumber(config_.users);
    keyholder.valid_from = k.valid_from;
    keyholder.valid_until = k.valid_until;
    if (!k.hours.empty()) {
      keyholder.hours = ParseDailyHours(k.hours);
      if (!keyholder.hours) {
        errors.push_back("keyholder: hours '" + k.hours +
                         "' must be two different times such as 08:00-20:00");
      }
    }
    // The clear PIN lives only in this command: the watch keeps a salted hash.
    if (const std::string why = CheckPinFormat(k.pin, config_.codes.min_length); !why.empty()) {
      errors.push_back("keyholder: " + why);
      keyholder.pin_hash = "-";  // reported above; keeps the watch's own check quiet
    } else if (std::any_of(config_.users.begin(), config_.users.end(),
                           [&](const User& u) { return VerifyPin(k.pin, u.pin_hash); })) {
      errors.push_back("keyholder: that PIN is already a user's code; choose another");
      keyholder.pin_hash = "-";
    } else if (spec.salt.empty()) {
      errors.push_back("keyholder: no salt to hash the PIN with (the hub's random source)");
      keyholder.pin_hash = "-";
    } else {
      keyholder.pin_hash = HashPin(k.pin, spec.salt);
    }
    request.keyholder = std::move(keyholder);
  }
  for (std::string& e : ValidateWatchRequest(request, now_.wall)) errors.push_back(std::move(e));
  if (!errors.empty()) {
    Reply(command, false, "invalid_request", "watch refused: " + Join(errors, "; "), who.user);
    return;
  }
  VacantWatch::Started started = VacantWatch::Start(std::move(request), config_.watch, now_.wall);
  if (!started.watch) {
    Reply(command, false, "invalid_request", "watch refused: " + started.output.error, who.user);
    return;
  }
  state_.watch = std::move(started.watch);
  const std::string id = state_.watch->id();
  const WallTime departure = *state_.watch->request().departure;
  const std::optional<ArmResult> armed = ApplyWatch(started.output);
  if (armed && !armed->armed) {
    // Registered, but the house cannot be armed yet: say which zones, as an arm refusal would.
    Reply(command, true, "zones_open",
          "vacant-house watch " + id + " registered but armed_vacation cannot be armed, open: " +
              Join(armed->open_zones) + "; it arms as soon as they close",
          who.user, armed->open_zones, id);
    return;
  }
  const std::string when = departure > now_.wall
                               ? "arms armed_vacation at " + FormatRfc3339(departure)
                               : "arming armed_vacation now";
  Reply(command, true, "ok", "vacant-house watch " + id + " registered; " + when, who.user, {}, id);
}

std::optional<ArmResult> PanelEngine::ApplyWatch(const WatchOutput& output) {
  if (!state_.watch) return std::nullopt;
  for (const Event& event : output.events) Emit(event);
  if (output.report_request) EmitDailyReport(*output.report_request);
  if (output.registration_changed) watch_changed_ = true;
  std::optional<ArmResult> answer;
  if (output.arm_request) {
    answer = ArmForWatch(*output.arm_request);
    if (answer && state_.watch) ApplyWatch(state_.watch->OnArmResult(*answer, now_.wall));
  }
  if (output.registration_cleared && state_.watch) {
    // The final document (ended / cancelled) is published once more, then the retained topics
    // are cleared; the panel forgets the watch (the event log keeps its story).
    watch_final_ = DumpJson(state_.watch->Registration());
    state_.watch.reset();
  }
  return answer;
}

std::optional<ArmResult> PanelEngine::ArmForWatch(const ArmVacationRequest& request) {
  // An alarm in progress: ask again later (the watch retries on its own).
  if (state_.mode == Mode::kPending || state_.mode == Mode::kTriggered) return std::nullopt;
  // Nor during a walk test: the zones under test would raise nothing.
  if (state_.walk_test) return std::nullopt;
  std::string user = state_.watch ? state_.watch->request().created_by : std::string();
  int number = UserNumber(config_.users, user);
  if (request.reason == "keyholder_rearm" && state_.watch) {
    if (const auto keyholder = state_.watch->KeyholderUser()) {
      user = keyholder->name;
      number = keyholder->number;
    }
  }
  if (state_.mode == Mode::kArming) {
    // Already leaving: the exit delay ends in armed_vacation, which answers the watch.
    if (state_.armed_mode != Mode::kArmedVacation) SetMode(Mode::kArming, Mode::kArmedVacation);
    return std::nullopt;
  }
  if (IsArmedMode(state_.mode)) {
    if (state_.armed_mode == Mode::kArmedVacation) return ArmResult{true, {}};
    // Armed away (or home) before the departure: switch to the watch's mode at once, no exit
    // delay (nobody is leaving now).
    state_.armed_mode = Mode::kArmedVacation;
    state_.armed_by = user;
    state_.armed_by_number = number;
    CompleteArming();  // answers the watch through WatchArmed()
    return std::nullopt;
  }
  // Refused with the zones to close; the watch reports it (watch_start_blocked, retried).
  if (std::vector<std::string> open = WatchOpenZones(); !open.empty()) {
    return ArmResult{false, std::move(open)};
  }
  BeginArming(Mode::kArmedVacation, {}, user, number);
  return std::nullopt;  // armed at once (CompleteArming answered) or after the exit delay
}

void PanelEngine::WatchArmed() {
  if (!state_.watch) return;
  ApplyWatch(state_.watch->OnArmResult(ArmResult{true, {}}, now_.wall));
}

void PanelEngine::WatchDisarmed(const Authorised& who) {
  if (!state_.watch) return;
  User user;
  user.number = who.number;
  user.name = who.user;
  user.role = who.role;
  ApplyWatch(state_.watch->OnDisarm(user, WatchOpenZones().empty(), now_.wall));
}

void PanelEngine::WatchAfterInput(const std::vector<std::string>& open_before, bool tick) {
  if (tick && state_.watch) ApplyWatch(state_.watch->OnTick(now_.wall));
  if (!state_.watch) return;
  const std::vector<std::string> open_after = WatchOpenZones();
  const bool newly_open = std::any_of(open_after.begin(), open_after.end(), [&](const auto& z) {
    return std::find(open_before.begin(), open_before.end(), z) == open_before.end();
  });
  if (newly_open) ApplyWatch(state_.watch->OnZoneOpened(now_.wall));
  if (state_.watch && !open_before.empty() && open_after.empty()) {
    ApplyWatch(state_.watch->OnZonesAllClosed(now_.wall));
  }
}

void PanelEngine::FlushWatch() {
  if (watch_final_) {
    out_.push_back(WatchChanged{*watch_final_, true});
  } else if (watch_changed_ && state_.watch) {
    out_.push_back(WatchChanged{DumpJson(state_.watch->Registration()), false});
  }
  watch_changed_ = false;
  watch_final_.reset();
}

}  // namespace homesec
