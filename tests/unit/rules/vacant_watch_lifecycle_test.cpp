// The vacant-house watch from registration to the resident's return, driven by a manual clock:
// the week-long story, a blocked start, cancel, extend and overdue.
#include <doctest/doctest.h>

#include "rules/vacant_watch.hpp"
#include "vacant_watch_test_support.hpp"

namespace homesec {
namespace {

using namespace watch_test;

TEST_CASE("vacant-house watch: a week-long trip from registration to the resident's return") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));

  // Registered, waiting for the departure.
  CHECK(d.watch->state() == WatchState::kScheduled);
  CHECK(d.EventTypes() == std::vector<std::string>{"watch_registered"});
  CHECK(d.publications.back()["state"] == "scheduled");
  CHECK(d.watch->NextWallDeadline() == Utc("2026-10-21T07:00:00Z"));
  CHECK_FALSE(d.watch->FlagsAlarms());

  // Departure: arms armed_vacation.
  d.RunUntil(Utc("2026-10-21T07:00:00Z"));
  CHECK(d.arm_requests == 1);
  CHECK(d.watch->state() == WatchState::kActive);
  CHECK(d.Last("watch_started").time == Utc("2026-10-21T07:00:00Z"));
  CHECK(d.publications.back()["state"] == "active");
  CHECK(d.watch->FlagsAlarms());
  CHECK(d.watch->id() == "w-2026-10-21");

  // Saturday 11:00 CEST: Nina waters the plants.
  d.RunUntil(Utc("2026-10-24T09:00:00Z"));
  REQUIRE(d.watch->IsKeyholderCodeValid(d.now));
  d.Absorb(d.watch->OnDisarm(KeyholderOf(*d.watch), false, d.now));
  CHECK(d.watch->state() == WatchState::kVisit);
  CHECK(d.watch->FlagsAlarms());
  const Event& visit = d.Last("keyholder_visit");
  CHECK(visit.cid == ContactId{1, 401, 0, 7});
  CHECK(visit.user == "Nina");
  CHECK(visit.vacant_watch);
  CHECK(d.publications.back()["state"] == "visit");

  // She closes the door behind her at 11:20; ten minutes later the watch re-arms.
  d.RunUntil(Utc("2026-10-24T09:20:00Z"));
  d.Absorb(d.watch->OnZonesAllClosed(d.now));
  d.RunUntil(Utc("2026-10-24T09:29:59Z"));
  CHECK(d.watch->state() == WatchState::kVisit);
  d.RunUntil(Utc("2026-10-24T09:30:00Z"));
  CHECK(d.arm_requests == 2);
  CHECK(d.watch->state() == WatchState::kActive);
  CHECK(d.Last("watch_rearmed").time == Utc("2026-10-24T09:30:00Z"));

  // Expected return passes: overdue, still armed, reported.
  d.RunUntil(Utc("2026-10-28T17:00:00Z"));
  CHECK(d.watch->state() == WatchState::kOverdue);
  CHECK(d.Last("watch_overdue").time == Utc("2026-10-28T17:00:00Z"));
  CHECK(d.Last("watch_overdue").priority == Priority::kHigh);
  CHECK(d.publications.back()["state"] == "overdue");
  CHECK(d.watch->FlagsAlarms());

  // Daily reports at 20:00 local, the last three in winter time.
  const std::vector<std::string> expected_due = {
      "2026-10-21T18:00:00.000Z", "2026-10-22T18:00:00.000Z", "2026-10-23T18:00:00.000Z",
      "2026-10-24T18:00:00.000Z", "2026-10-25T19:00:00.000Z", "2026-10-26T19:00:00.000Z",
      "2026-10-27T19:00:00.000Z"};
  REQUIRE(d.reports.size() == expected_due.size());
  for (std::size_t i = 0; i < expected_due.size(); ++i) {
    CHECK(FormatRfc3339(d.reports[i].due) == expected_due[i]);
    CHECK(d.reports[i].local_time.substr(11, 8) == "20:00:00");
    CHECK(d.reports[i].watch_id == "w-2026-10-21");
  }
  CHECK(d.reports[3].local_time == "2026-10-24T20:00:00+02:00");
  CHECK(d.reports[4].local_time == "2026-10-25T20:00:00+01:00");

  // Anna comes home at 19:30 and disarms: the watch ends and the registration is cleared.
  d.RunUntil(Utc("2026-10-28T18:30:00Z"));
  d.Absorb(d.watch->OnDisarm(Resident(), false, d.now));
  CHECK(d.watch->state() == WatchState::kEnded);
  CHECK(d.Last("watch_ended").user == "anna");
  CHECK(d.publications.back()["state"] == "ended");
  CHECK(d.cleared);
  CHECK_FALSE(d.watch->FlagsAlarms());
  CHECK_FALSE(d.watch->NextWallDeadline().has_value());
  CHECK(d.EventTypes() == std::vector<std::string>{"watch_registered", "watch_started",
                                                   "keyholder_visit", "watch_rearmed",
                                                   "watch_overdue", "watch_ended"});
}

TEST_CASE("vacant-house watch: ticking every 7 seconds gives the same daily reports") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  d.StepUntil(Utc("2026-10-28T17:59:59Z"), Millis{7000});
  REQUIRE(d.reports.size() == 7);
  CHECK(d.reports[4].due == Utc("2026-10-25T19:00:00Z"));
  CHECK(d.arm_requests == 1);
  CHECK(d.watch->state() == WatchState::kOverdue);
}

TEST_CASE("vacant-house watch: a report time in the US spring gap fires once that day") {
  WatchConfig config;
  config.report_hour = 2;
  config.report_minute = 30;
  config.time_zone = Zone("EST5EDT,M3.2.0,M11.1.0");
  WatchRequest request = WeekTrip();
  request.keyholder.reset();
  request.rearm_after_keyholder.reset();
  request.departure = Utc("2026-03-06T12:00:00Z");
  request.expected_return = Utc("2026-03-10T12:00:00Z");
  WatchDriver d(request, config, Utc("2026-03-06T11:00:00Z"));
  d.RunUntil(Utc("2026-03-10T11:00:00Z"));
  std::vector<std::string> due;
  for (const auto& r : d.reports) due.push_back(FormatRfc3339(r.due));
  // 7 March 02:30 EST; 8 March has no 02:30, so the end of the gap (03:00 EDT); then 02:30 EDT.
  CHECK(due == std::vector<std::string>{"2026-03-07T07:30:00.000Z", "2026-03-08T07:00:00.000Z",
                                        "2026-03-09T06:30:00.000Z", "2026-03-10T06:30:00.000Z"});
}

TEST_CASE("vacant-house watch: alarms are flagged from the departure until the watch is over") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  CHECK_FALSE(d.watch->FlagsAlarms());  // the residents are still at home
  d.RunUntil(Utc("2026-10-21T07:00:00Z"));
  CHECK(d.watch->FlagsAlarms());
  d.RunUntil(Utc("2026-10-24T09:00:00Z"));
  d.Absorb(d.watch->OnDisarm(KeyholderOf(*d.watch), false, d.now));
  CHECK(d.watch->FlagsAlarms());  // a fire during the visit is still a vacant-house alarm
  d.Absorb(d.watch->OnDisarm(Resident(), false, d.now));
  CHECK_FALSE(d.watch->FlagsAlarms());
}

TEST_CASE("vacant-house watch: every watch event carries the watch flag and id") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  d.RunUntil(Utc("2026-10-28T18:00:00Z"));
  d.Absorb(d.watch->OnDisarm(Resident(), false, d.now));
  REQUIRE(d.events.size() >= 4);
  for (const Event& e : d.events) {
    CHECK(e.vacant_watch);
    CHECK(e.watch_id == "w-2026-10-21");
    CHECK(e.report);
    CHECK(e.seq == 0);  // the Panel numbers events
  }
}

TEST_CASE("vacant-house watch: a departure of now asks the panel to arm at once") {
  WatchRequest request = WeekTrip();
  request.departure.reset();
  request.keyholder.reset();
  request.rearm_after_keyholder.reset();
  auto started = VacantWatch::Start(request, CentralEurope(), Utc("2026-10-21T07:00:00Z"));
  REQUIRE(started.watch.has_value());
  REQUIRE(started.output.arm_request.has_value());
  CHECK(started.output.arm_request->reason == "departure");
  CHECK(started.watch->state() == WatchState::kArming);
  CHECK(started.watch->Registration()["departure"] == "2026-10-21T07:00:00.000Z");
}

TEST_CASE("vacant-house watch: open zone at departure blocks the start and names the zone") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  d.open_zones = {"kitchen_window"};
  d.RunUntil(Utc("2026-10-21T07:00:00Z"));
  CHECK(d.watch->state() == WatchState::kBlocked);
  const Event& blocked = d.Last("watch_start_blocked");
  CHECK(blocked.text.find("kitchen_window") != std::string::npos);
  CHECK(blocked.report);
  CHECK(blocked.priority == Priority::kHigh);
  CHECK(d.publications.back()["state"] == "blocked");
  CHECK(d.publications.back()["open_zones"] == nlohmann::json{"kitchen_window"});
  // Fire and water alarms in the empty house are still vacant-house alarms.
  CHECK(d.watch->FlagsAlarms());
}

TEST_CASE("vacant-house watch: a blocked start retries without repeating the same report") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  d.open_zones = {"kitchen_window"};
  d.RunUntil(Utc("2026-10-21T08:00:00Z"));
  CHECK(d.arm_requests > 30);  // asked again every minute
  int blocked_events = 0;
  for (const auto& e : d.events) blocked_events += e.type == "watch_start_blocked";
  CHECK(blocked_events == 1);
  CHECK(d.watch->state() == WatchState::kBlocked);
}

TEST_CASE("vacant-house watch: blocked start arms when the open zones close") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  d.open_zones = {"kitchen_window"};
  d.RunUntil(Utc("2026-10-21T07:00:30Z"));
  d.open_zones.clear();
  d.Absorb(d.watch->OnZonesAllClosed(d.now));
  CHECK(d.watch->state() == WatchState::kActive);
  CHECK(d.Last("watch_started").time == Utc("2026-10-21T07:00:30Z"));
  CHECK(d.watch->open_zones().empty());
}

TEST_CASE("vacant-house watch: cancel before departure never arms and clears the registration") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  d.Absorb(d.watch->Cancel("anna", d.now));
  CHECK(d.watch->state() == WatchState::kCancelled);
  CHECK(d.cleared);
  CHECK(d.publications.back()["state"] == "cancelled");
  d.RunUntil(Utc("2026-10-22T00:00:00Z"));
  CHECK(d.arm_requests == 0);
  CHECK(d.reports.empty());
}

TEST_CASE("vacant-house watch: cancel while active ends the watch, a second cancel is refused") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  d.RunUntil(Utc("2026-10-22T00:00:00Z"));
  const WatchOutput out = d.watch->Cancel("anna", d.now);
  CHECK(out.accepted);
  CHECK(out.events.at(0).type == "watch_cancelled");
  CHECK_FALSE(d.watch->FlagsAlarms());
  const WatchOutput again = d.watch->Cancel("anna", d.now);
  CHECK_FALSE(again.accepted);
  CHECK(again.error.find("cancelled") != std::string::npos);
}

TEST_CASE("vacant-house watch: extend moves an overdue watch back to active") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  d.RunUntil(Utc("2026-10-28T17:30:00Z"));
  REQUIRE(d.watch->state() == WatchState::kOverdue);
  d.Absorb(d.watch->Extend(Utc("2026-10-30T17:00:00Z"), "anna", d.now));
  CHECK(d.watch->state() == WatchState::kActive);
  CHECK(d.publications.back()["expected_return"] == "2026-10-30T17:00:00.000Z");
  CHECK(d.publications.back()["overdue"] == false);
  d.RunUntil(Utc("2026-10-30T17:00:00Z"));
  CHECK(d.watch->state() == WatchState::kOverdue);
}

TEST_CASE("vacant-house watch: extend to a time already past keeps the watch overdue") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  d.RunUntil(Utc("2026-10-28T18:00:00Z"));
  const WatchOutput out = d.watch->Extend(Utc("2026-10-28T17:45:00Z"), "anna", d.now);
  CHECK(out.accepted);
  CHECK(d.watch->state() == WatchState::kOverdue);
}

TEST_CASE("vacant-house watch: extend to before the departure is refused") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  const WatchOutput out = d.watch->Extend(Utc("2026-10-20T12:00:00Z"), "anna", d.now);
  CHECK_FALSE(out.accepted);
  CHECK(out.error.find("after the departure") != std::string::npos);
  CHECK(d.watch->request().expected_return == Utc("2026-10-28T17:00:00Z"));
}

TEST_CASE("vacant-house watch: a resident disarm before departure does not end the watch") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  const WatchOutput out = d.watch->OnDisarm(Resident(), true, d.now);
  CHECK(out.events.empty());
  CHECK(d.watch->state() == WatchState::kScheduled);
}

TEST_CASE("vacant-house watch: the platform's acknowledgement is shown in the registration") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  d.watch->RecordPlatformAck("received", Utc("2026-10-20T10:00:01Z"));
  const auto doc = d.watch->Registration();
  CHECK(doc["platform_ack"]["status"] == "received");
  CHECK(doc["platform_ack"]["time"] == "2026-10-20T10:00:01.000Z");
}

}  // namespace
}  // namespace homesec
