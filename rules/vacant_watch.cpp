// The vacant-house watch state machine (see vacant_watch.hpp for the life of a watch). Request
// validation lives in vacant_watch_request.cpp, the registration document and persistence in
// vacant_watch_json.cpp.
#include "rules/vacant_watch.hpp"

#include <algorithm>

namespace homesec {
namespace {

std::string JoinZones(const std::vector<std::string>& zones) {
  std::string text;
  for (const auto& zone : zones) text += (text.empty() ? "" : ", ") + zone;
  return text;
}

}  // namespace

VacantWatch::VacantWatch(WatchRequest request, WatchConfig config)
    : request_(std::move(request)), config_(std::move(config)) {}

VacantWatch::Started VacantWatch::Start(WatchRequest request, WatchConfig config, WallTime now) {
  Started started;
  const auto errors = ValidateWatchRequest(request, now);
  if (!errors.empty()) {
    started.output.accepted = false;
    for (const auto& e : errors)
      started.output.error += (started.output.error.empty() ? "" : "; ") + e;
    return started;
  }
  if (!request.departure || *request.departure < now) request.departure = now;
  if (request.id.empty()) {
    request.id =
        "watch-" + std::to_string(std::chrono::floor<Seconds>(now).time_since_epoch().count());
  }
  VacantWatch watch(std::move(request), std::move(config));
  WatchOutput& out = started.output;
  out.events.push_back(watch.MakeEvent("watch_registered",
                                       "vacant-house watch registered by " +
                                           watch.request_.created_by + ": " +
                                           FormatRfc3339(*watch.request_.departure) + " to " +
                                           FormatRfc3339(watch.request_.expected_return),
                                       now));
  out.registration_changed = true;
  const WatchOutput tick = watch.OnTick(now);  // a departure of "now" asks to arm at once
  out.events.insert(out.events.end(), tick.events.begin(), tick.events.end());
  out.arm_request = tick.arm_request;
  started.watch = std::move(watch);
  return started;
}

Event VacantWatch::MakeEvent(std::string type, std::string text, WallTime now) const {
  Event event;
  event.time = now;
  event.category = EventCategory::kWatch;
  event.priority = Priority::kNormal;
  event.type = std::move(type);
  event.text = std::move(text);
  event.cid = ContactId{1, 0, 0, 0};  // no Contact ID code for watch bookkeeping
  event.vacant_watch = true;
  event.watch_id = request_.id;
  return event;
}

void VacantWatch::RequestArm(const char* reason, WallTime now, WatchOutput& out) {
  // A blocked watch stays blocked (and keeps its reported zones) until the panel says armed.
  if (phase_ != Phase::kBlocked) phase_ = Phase::kArming;
  rearm_at_.reset();
  retry_at_ = now + config_.arm_retry;
  out.arm_request = ArmVacationRequest{request_.id, reason};
}

void VacantWatch::BecomeActive(WallTime now, WatchOutput& out) {
  const Phase before = phase_;
  phase_ = Phase::kActive;
  retry_at_.reset();
  rearm_at_.reset();
  open_zones_.clear();
  out.registration_changed = true;
  if (!was_active_) {
    was_active_ = true;
    report_from_ = now;  // reports start with the first daily time after arming
    out.events.push_back(
        MakeEvent("watch_started", "vacant-house watch active: armed_vacation", now));
  } else if (before == Phase::kVisit || before == Phase::kArming) {
    out.events.push_back(MakeEvent("watch_rearmed", "vacant-house watch re-armed", now));
  }
}

void VacantWatch::Finish(Phase phase, Event event, WatchOutput& out) {
  phase_ = phase;
  retry_at_.reset();
  rearm_at_.reset();
  open_zones_.clear();
  out.events.push_back(std::move(event));
  out.registration_changed = true;
  out.registration_cleared = true;
}

WatchOutput VacantWatch::Cancel(const std::string& user, WallTime now) {
  WatchOutput out;
  if (IsOver()) {
    out.accepted = false;
    out.error = "the watch is already " + std::string(ToString(state()));
    return out;
  }
  Event event = MakeEvent("watch_cancelled", "vacant-house watch cancelled by " + user, now);
  event.user = user;
  Finish(Phase::kCancelled, std::move(event), out);
  return out;
}

WatchOutput VacantWatch::Extend(WallTime new_return, const std::string& user, WallTime now) {
  WatchOutput out;
  std::string error;
  if (IsOver()) {
    error = "the watch is already " + std::string(ToString(state()));
  } else if (new_return <= *request_.departure) {
    error =
        "expected return must be after the departure (" + FormatRfc3339(*request_.departure) + ")";
  } else if (request_.keyholder && request_.keyholder->valid_until > new_return) {
    error = "the keyholder window ends after the new return; shorten it first";
  }
  if (!error.empty()) {
    out.accepted = false;
    out.error = error;
    return out;
  }
  request_.expected_return = new_return;
  Event event =
      MakeEvent("watch_extended",
                "expected return changed to " + FormatRfc3339(new_return) + " by " + user, now);
  event.user = user;
  out.events.push_back(std::move(event));
  out.registration_changed = true;
  if (overdue_ && new_return > now) overdue_ = false;
  // A return already in the past makes the watch overdue on this very call.
  const WatchOutput tick = OnTick(now);
  out.events.insert(out.events.end(), tick.events.begin(), tick.events.end());
  out.arm_request = tick.arm_request;
  out.report_request = tick.report_request;
  return out;
}

WatchOutput VacantWatch::OnArmResult(const ArmResult& result, WallTime now) {
  WatchOutput out;
  if (IsOver() || phase_ == Phase::kScheduled) return out;
  if (result.armed) {
    if (phase_ != Phase::kActive) BecomeActive(now, out);
    return out;
  }
  if (phase_ != Phase::kArming && phase_ != Phase::kBlocked) return out;  // a stale refusal
  retry_at_ = now + config_.arm_retry;
  if (was_active_) {
    // A re-arm after a keyholder visit found a zone open: wait for it to close.
    phase_ = Phase::kVisit;
    retry_at_.reset();
    open_zones_ = result.open_zones;
    Event event =
        MakeEvent("watch_rearm_blocked",
                  "re-arm after keyholder visit refused, open: " + JoinZones(open_zones_), now);
    event.priority = Priority::kHigh;
    out.events.push_back(std::move(event));
    return out;
  }
  const bool changed = phase_ != Phase::kBlocked || open_zones_ != result.open_zones;
  phase_ = Phase::kBlocked;
  if (changed) {
    open_zones_ = result.open_zones;
    Event event = MakeEvent("watch_start_blocked",
                            "vacant-house watch cannot arm, open: " + JoinZones(open_zones_), now);
    event.priority = Priority::kHigh;
    event.zone = open_zones_.empty() ? "" : open_zones_.front();
    out.events.push_back(std::move(event));
    out.registration_changed = true;
  }
  return out;
}

WatchOutput VacantWatch::OnDisarm(const User& user, bool all_zones_closed, WallTime now) {
  WatchOutput out;
  if (IsOver() || phase_ == Phase::kScheduled) return out;
  if (user.role == Role::kKeyholder) {
    if (phase_ != Phase::kActive) return out;  // nothing was armed for the watch
    phase_ = Phase::kVisit;
    rearm_at_.reset();
    if (all_zones_closed && request_.rearm_after_keyholder) {
      rearm_at_ = now + *request_.rearm_after_keyholder;
    }
    Event event = MakeEvent("keyholder_visit", "keyholder visit: " + user.name + " disarmed", now);
    event.category = EventCategory::kAccess;
    event.user = user.name;
    // The opening by this user, in the keyholder's own user number.
    event.cid = ContactId{1, 401, 0, user.number};
    out.events.push_back(std::move(event));
    out.registration_changed = true;
    return out;
  }
  if (user.role == Role::kArmOnly) return out;  // cannot disarm; never ends a watch
  Event event =
      MakeEvent("watch_ended", "vacant-house watch ended: " + user.name + " is back", now);
  event.user = user.name;
  Finish(Phase::kEnded, std::move(event), out);
  return out;
}

WatchOutput VacantWatch::OnZoneOpened(WallTime) {
  rearm_at_.reset();  // "every zone closed" for the whole re-arm delay
  return {};
}

WatchOutput VacantWatch::OnZonesAllClosed(WallTime now) {
  WatchOutput out;
  if (phase_ == Phase::kBlocked) {
    RequestArm("retry", now, out);
  } else if (phase_ == Phase::kVisit && request_.rearm_after_keyholder && !rearm_at_) {
    rearm_at_ = now + *request_.rearm_after_keyholder;
  }
  return out;
}

WatchOutput VacantWatch::OnTick(WallTime now) {
  WatchOutput out;
  if (IsOver()) return out;
  if (phase_ == Phase::kScheduled && now >= *request_.departure) {
    RequestArm("departure", now, out);
  }
  if ((phase_ == Phase::kArming || phase_ == Phase::kBlocked) && retry_at_ && now >= *retry_at_) {
    RequestArm(was_active_ ? "keyholder_rearm" : "retry", now, out);
  }
  if (phase_ == Phase::kVisit && rearm_at_ && now >= *rearm_at_) {
    RequestArm("keyholder_rearm", now, out);
  }
  if (phase_ != Phase::kScheduled && !overdue_ && now >= request_.expected_return) {
    overdue_ = true;
    Event event = MakeEvent("watch_overdue",
                            "expected return " + FormatRfc3339(request_.expected_return) +
                                " passed without a resident disarm" +
                                (phase_ == Phase::kActive ? "; still armed" : ""),
                            now);
    event.priority = Priority::kHigh;
    out.events.push_back(std::move(event));
    out.registration_changed = true;
  }
  if (const auto due = NextReport(); due && now >= *due) {
    // After a long outage only one catch-up report, then back on the daily schedule.
    report_from_ = now;
    if (Reporting()) {
      out.report_request =
          ReportRequest{request_.id, *due, FormatLocal(ToLocal(*due, config_.time_zone)), state()};
    }
  }
  return out;
}

void VacantWatch::Reconfigure(WatchConfig config, WallTime now) {
  config_ = std::move(config);
  if (report_from_ && *report_from_ < now) report_from_ = now;
}

void VacantWatch::RecordPlatformAck(std::string status, WallTime time) {
  ack_status_ = std::move(status);
  ack_time_ = time;
}

bool VacantWatch::Reporting() const {
  return phase_ == Phase::kActive || phase_ == Phase::kVisit ||
         (phase_ == Phase::kArming && was_active_);
}

std::optional<WallTime> VacantWatch::NextReport() const {
  if (IsOver() || !report_from_) return std::nullopt;
  return NextLocalTime(*report_from_, config_.report_hour, config_.report_minute,
                       config_.time_zone);
}

std::optional<WallTime> VacantWatch::NextWallDeadline() const {
  if (IsOver()) return std::nullopt;
  std::optional<WallTime> next;
  auto consider = [&next](std::optional<WallTime> t) {
    if (t && (!next || *t < *next)) next = t;
  };
  if (phase_ == Phase::kScheduled) consider(request_.departure);
  if (phase_ != Phase::kScheduled && !overdue_) consider(request_.expected_return);
  consider(retry_at_);
  if (phase_ == Phase::kVisit) consider(rearm_at_);
  consider(NextReport());
  return next;
}

bool VacantWatch::IsOver() const {
  return phase_ == Phase::kEnded || phase_ == Phase::kCancelled;
}

bool VacantWatch::FlagsAlarms() const {
  return phase_ != Phase::kScheduled && !IsOver();
}

WatchState VacantWatch::state() const {
  switch (phase_) {
    case Phase::kScheduled:
      return WatchState::kScheduled;
    case Phase::kArming:
      return WatchState::kArming;
    case Phase::kBlocked:
      return WatchState::kBlocked;
    case Phase::kActive:
      return overdue_ ? WatchState::kOverdue : WatchState::kActive;
    case Phase::kVisit:
      return WatchState::kVisit;
    case Phase::kEnded:
      return WatchState::kEnded;
    case Phase::kCancelled:
      return WatchState::kCancelled;
  }
  return WatchState::kScheduled;
}

std::optional<User> VacantWatch::KeyholderUser() const {
  if (!request_.keyholder) return std::nullopt;
  const Keyholder& k = *request_.keyholder;
  User user;
  user.number = k.user_number;
  user.name = k.name;
  user.role = Role::kKeyholder;
  user.pin_hash = k.pin_hash;
  user.valid_from = k.valid_from;
  user.valid_until = k.valid_until;
  return user;
}

bool VacantWatch::IsKeyholderCodeValid(WallTime now) const {
  if (!request_.keyholder || !FlagsAlarms()) return false;
  const Keyholder& k = *request_.keyholder;
  if (now < k.valid_from || now > k.valid_until) return false;
  if (!k.hours) return true;
  const LocalDateTime local = ToLocal(now, config_.time_zone);
  const int minute = local.hour * 60 + local.minute;
  const int from = k.hours->from_minute;
  const int to = k.hours->to_minute;
  return from < to ? (minute >= from && minute < to) : (minute >= from || minute < to);
}

}  // namespace homesec
