// The vacant-house watch: one registered absence, as a pure state machine the Panel owns. It
// decides when to ask the panel to arm armed_vacation, when a keyholder code is valid, when the
// return is overdue, when a daily report is due and what the platform's registration says. It
// never reads a clock: every call carries the wall time (schedules are calendar times, so they
// follow the wall clock across restarts, clock corrections and daylight-saving changes).
//
// Life of a watch (WatchState):
//   scheduled --departure--> arming --Armed--> active --keyholder disarm--> visit --arm/re-arm-->
//   active --expected return passes--> overdue --resident disarm--> ended
//   arming --Refused(open zones)--> blocked --zones closed / retry, panel arms--> active
//   any state before ended --Cancel--> cancelled
// "overdue" is active past the expected return: still armed, reported, never auto-disarmed.
//
// How the Panel drives it:
//   - Start() from a WATCH_START command; Cancel()/Extend() from commands (after the code check).
//   - OnArmResult() answering every ArmVacationRequest, and also whenever the panel reaches
//     armed_vacation by itself while a watch runs (e.g. the keyholder arms when leaving).
//   - OnDisarm() after every successful disarm, with the user's role.
//   - OnZoneOpened()/OnZonesAllClosed() when the set of open zones changes.
//   - OnTick() when the wall clock reaches NextWallDeadline() (and on any tick; it is idempotent).
//   - FlagsAlarms()/id() to mark every alarm (vacant_watch = true, watch_id, kCritical).
//   - KeyholderUser() to let Authenticate() match the keyholder's PIN, then IsKeyholderCodeValid()
//     for the window and daily hours (outside them the PIN is a wrong code).
//   - Every call returns a WatchOutput: events to record (seq and mode left to the Panel), at most
//     one arm request, at most one report request, and whether to republish Registration().
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rules/local_time.hpp"
#include "rules/panel_config.hpp"
#include "rules/time.hpp"
#include "rules/types.hpp"

namespace homesec {

enum class WatchState {
  kScheduled,  // registered, departure not reached
  kArming,     // departure reached (or re-arm due): waiting for the panel's answer
  kBlocked,    // the panel refused to arm: zones open; retried until they close or cancel
  kActive,     // armed_vacation
  kVisit,      // a keyholder disarmed; re-arm pending
  kOverdue,    // active, expected return passed
  kEnded,      // a resident disarmed: terminal
  kCancelled,  // the resident cancelled: terminal
};
std::string_view ToString(WatchState state);
std::optional<WatchState> ParseWatchState(std::string_view text);

// Local daily hours in which a keyholder code works; to < from wraps past midnight.
struct DailyHours {
  int from_minute = 0;  // minutes after local midnight, 0..1439
  int to_minute = 0;
  bool operator==(const DailyHours&) const = default;
};
// "08:00-10:30" <-> DailyHours; nullopt when malformed or empty (from == to).
std::optional<DailyHours> ParseDailyHours(std::string_view text);
std::string ToString(const DailyHours& hours);

struct Keyholder {
  std::string name;
  int user_number = 0;  // Contact ID user number (CCC) used for the keyholder's visits
  WallTime valid_from{};
  WallTime valid_until{};
  std::optional<DailyHours> hours;
  std::string pin_hash;  // codes.hpp format; persisted in Snapshot(), never published
  bool operator==(const Keyholder&) const = default;
};

struct WatchRequest {
  std::string id;                     // empty: derived from the creation time
  std::optional<WallTime> departure;  // nullopt: now
  WallTime expected_return{};
  std::string contact_phone;
  std::string notes;  // for the patrol
  std::optional<Keyholder> keyholder;
  // Re-arm this long after a keyholder disarm once every zone is closed (nullopt: only when the
  // keyholder arms).
  std::optional<Seconds> rearm_after_keyholder;
  std::string created_by;  // user name
  bool operator==(const WatchRequest&) const = default;
};

// WatchConfig (installation settings, not part of one watch) lives in panel_config.hpp.

// A departure this far in the past still counts as "now" (the command took a while to type).
inline constexpr Seconds kDepartureGrace{60};

// One message per problem, empty when the request can start at `now`.
std::vector<std::string> ValidateWatchRequest(const WatchRequest& request, WallTime now);

// The watch asks the panel to arm armed_vacation; the panel answers with OnArmResult().
struct ArmVacationRequest {
  std::string watch_id;
  std::string reason;  // "departure", "retry", "keyholder_rearm"
  bool operator==(const ArmVacationRequest&) const = default;
};

// A daily status report is due: the panel fills in zones, troubles, batteries, uplink health
// and records/publishes it as a "watch_daily_report" event.
struct ReportRequest {
  std::string watch_id;
  WallTime due{};          // the scheduled instant (the report may run later after a restart)
  std::string local_time;  // "2026-10-25T20:00:00+01:00"
  WatchState state = WatchState::kActive;
  bool operator==(const ReportRequest&) const = default;
};

struct ArmResult {
  bool armed = false;
  std::vector<std::string> open_zones;  // when refused
};

struct WatchOutput {
  bool accepted = true;  // false for a refused Cancel()/Extend()/Start()
  std::string error;     // why, for the command result
  // Ready-made events: category, priority, type, text, cid (code 0 = none), user, vacant_watch,
  // watch_id and time are set; seq and mode are the Panel's.
  std::vector<Event> events;
  std::optional<ArmVacationRequest> arm_request;
  std::optional<ReportRequest> report_request;
  bool registration_changed = false;  // publish Registration() (retained)
  bool registration_cleared = false;  // ...and then clear the retained topic (watch over)
};

class VacantWatch {
 public:
  struct Started;
  // Validates and registers a watch ("watch_registered"); asks to arm at once when the departure
  // is now. On invalid requests Started::watch is empty and output.error lists every problem.
  static Started Start(WatchRequest request, WatchConfig config, WallTime now);
  // Resumes from Snapshot(); schedules are recomputed from `config` (a changed report time or
  // time zone takes effect). nullopt and `error` when the snapshot is unreadable.
  static std::optional<VacantWatch> Restore(const nlohmann::json& snapshot, WatchConfig config,
                                            std::string* error);

  WatchOutput Cancel(const std::string& user, WallTime now);
  WatchOutput Extend(WallTime new_return, const std::string& user, WallTime now);
  WatchOutput OnArmResult(const ArmResult& result, WallTime now);
  // `user` is who disarmed; only a resident (master/user/duress) ends the watch, a keyholder
  // starts a visit. `all_zones_closed` starts the keyholder re-arm countdown at once.
  WatchOutput OnDisarm(const User& user, bool all_zones_closed, WallTime now);
  WatchOutput OnZoneOpened(WallTime now);
  WatchOutput OnZonesAllClosed(WallTime now);
  WatchOutput OnTick(WallTime now);
  void RecordPlatformAck(std::string status, WallTime time);

  std::optional<WallTime> NextWallDeadline() const;
  bool FlagsAlarms() const;  // a departure happened and the watch is not over
  bool IsOver() const;       // ended or cancelled
  // The keyholder as a code-checker user (Role::kKeyholder, window set); nullopt without one.
  std::optional<User> KeyholderUser() const;
  bool IsKeyholderCodeValid(WallTime now) const;

  const std::string& id() const { return request_.id; }
  WatchState state() const;
  const WatchRequest& request() const { return request_; }
  const std::vector<std::string>& open_zones() const { return open_zones_; }

  // {"watch_id","state","departure","expected_return","contact","notes","created_by",
  //  "overdue", "open_zones" (blocked), "keyholder": {"name","valid_from","valid_until","hours"},
  //  "platform_ack": {"status","time"}}. Never the PIN or its hash.
  nlohmann::json Registration() const;
  // Everything needed to resume, including the keyholder's PIN hash: local persistence only.
  nlohmann::json Snapshot() const;
  // Config reload: a new report time or time zone applies from `now` on (a time moved earlier
  // does not count as a missed report).
  void Reconfigure(WatchConfig config, WallTime now);

 private:
  enum class Phase { kScheduled, kArming, kBlocked, kActive, kVisit, kEnded, kCancelled };
  VacantWatch(WatchRequest request, WatchConfig config);

  Event MakeEvent(std::string type, std::string text, WallTime now) const;
  void RequestArm(const char* reason, WallTime now, WatchOutput& out);
  void BecomeActive(WallTime now, WatchOutput& out);
  void Finish(Phase phase, Event event, WatchOutput& out);
  bool Reporting() const;
  std::optional<WallTime> NextReport() const;

  WatchRequest request_;
  WatchConfig config_;
  Phase phase_ = Phase::kScheduled;
  bool overdue_ = false;
  bool was_active_ = false;              // the first arming happened ("watch_started" sent)
  std::optional<WallTime> report_from_;  // next report is the first occurrence after this
  std::optional<WallTime> retry_at_;     // arming / blocked: ask the panel again
  std::optional<WallTime> rearm_at_;     // visit: every zone closed since rearm_at_ - delay
  std::vector<std::string> open_zones_;
  std::optional<std::string> ack_status_;
  std::optional<WallTime> ack_time_;
};

struct VacantWatch::Started {
  std::optional<VacantWatch> watch;
  WatchOutput output;
};

}  // namespace homesec
