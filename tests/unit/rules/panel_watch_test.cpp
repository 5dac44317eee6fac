// The vacant-house watch through the Panel, with a manual clock: the resident's commands, arming
// armed_vacation at the departure, keyholder visits, daily reports, vacant-house alarms, an
// overdue return and the resident's return, and a restart in every state.
#include <doctest/doctest.h>

#include <vector>

#include "rules/local_time.hpp"
#include "tests/unit/rules/panel_watch_test_support.hpp"

namespace homesec::test {

TEST_CASE("panel watch: a week-long trip from registration to the resident's return") {
  WatchHarness h;
  const User anna = StandardConfig().users[0];

  // Registered the day before the trip: nothing armed yet.
  auto out = h.Watch(CommandAction::kWatchStart, WeekTrip());
  auto result = Result(out);
  REQUIRE(result.has_value());
  CHECK(result->accepted);
  CHECK(result->reason == "ok");
  const std::string id = result->watch_id;
  CHECK_FALSE(id.empty());
  CHECK(FindEvent(out, "watch_registered").has_value());
  CHECK(StateOf(out) == "scheduled");
  const auto registered = LastRegistration(out);
  REQUIRE(registered.has_value());
  CHECK((*registered)["keyholder"]["name"] == "Nina");
  CHECK_FALSE((*registered)["keyholder"].contains("pin"));
  CHECK(registered->dump().find("pbkdf2") == std::string::npos);
  CHECK(registered->dump().find("4711") == std::string::npos);
  CHECK(h.panel.mode() == Mode::kDisarmed);

  // Departure: the exit delay of armed_vacation, then armed.
  out = h.RunUntil("2026-10-21T07:00:10Z");
  CHECK(h.panel.mode() == Mode::kArming);
  CHECK(h.panel.armed_mode() == Mode::kArmedVacation);
  out = h.RunUntil("2026-10-21T07:01:00Z");
  CHECK(h.panel.mode() == Mode::kArmedVacation);
  CHECK(FindEvent(out, "watch_started").has_value());
  CHECK(StateOf(out) == "active");

  // The first daily report at 20:00 CEST (18:00 UTC) with the house's condition.
  out = h.RunUntil("2026-10-21T18:00:30Z");
  const auto report = FindEvent(out, "watch_daily_report");
  REQUIRE(report.has_value());
  CHECK(report->vacant_watch);
  CHECK(report->watch_id == id);
  CHECK(report->priority == Priority::kLow);
  CHECK(report->time == Utc("2026-10-21T18:00:00Z"));
  const auto details = nlohmann::json::parse(report->details);
  CHECK(details["local_time"] == "2026-10-21T20:00:00+02:00");
  CHECK(details["state"] == "active");
  CHECK(details["zones_closed"] == 9);  // every zone but the lock
  CHECK(details["zones_open"].empty());
  CHECK(details["troubles"].empty());
  CHECK(details["low_batteries"].empty());
  CHECK(details["uplink"]["connected"] == true);

  // Saturday 24 Oct, 12:00 CEST: Nina lets herself in.
  h.RunUntil("2026-10-24T10:00:00Z");
  CHECK(h.panel.mode() == Mode::kArmedVacation);
  h.Open("front_door");
  CHECK(h.panel.mode() == Mode::kPending);
  out = h.Disarm("4711");
  REQUIRE(Result(out).has_value());
  CHECK(Result(out)->accepted);
  CHECK(h.panel.mode() == Mode::kDisarmed);
  const auto visit = FindEvent(out, "keyholder_visit");
  REQUIRE(visit.has_value());
  CHECK(visit->user == "Nina");
  CHECK(visit->cid == ContactId{1, 401, 0, 999});  // her own user number
  CHECK(StateOf(out) == "visit");
  CHECK_FALSE(FindEvent(out, "watch_ended").has_value());

  // She leaves; ten minutes with every zone closed re-arm the house.
  h.Advance(minutes(5));
  h.Close("front_door");
  out = h.Advance(minutes(10) + seconds(31));
  CHECK(h.panel.mode() == Mode::kArmedVacation);
  CHECK(FindEvent(out, "watch_rearmed").has_value());
  CHECK(StateOf(out) == "active");

  // Monday 26 Oct: a window is forced. The alarm is a vacant-house alarm.
  h.RunUntil("2026-10-26T02:00:00Z");
  out = h.Read("kitchen_window", "latch", "open");
  const auto burglary = FindEvent(out, "burglary");
  REQUIRE(burglary.has_value());
  CHECK(burglary->vacant_watch);
  CHECK(burglary->watch_id == id);
  CHECK(burglary->priority == Priority::kCritical);
  CHECK(burglary->mode == Mode::kArmedVacation);
  CHECK(h.panel.mode() == Mode::kTriggered);
  h.Read("kitchen_window", "latch", "closed");
  h.Advance(minutes(4));
  CHECK(h.panel.mode() == Mode::kArmedVacation);  // the siren time ended, still armed

  // The expected return passes without a resident: overdue, still armed.
  out = h.RunUntil("2026-10-28T17:00:30Z");
  const auto overdue = FindEvent(out, "watch_overdue");
  REQUIRE(overdue.has_value());
  CHECK(overdue->priority == Priority::kHigh);
  CHECK(StateOf(out) == "overdue");
  CHECK(h.panel.mode() == Mode::kArmedVacation);

  // Thursday morning the family is back: anna's code ends the watch.
  h.RunUntil("2026-10-29T08:00:00Z");
  h.Open("front_door");
  out = h.Disarm("1234");
  CHECK(h.panel.mode() == Mode::kDisarmed);
  const auto ended = FindEvent(out, "watch_ended");
  REQUIRE(ended.has_value());
  CHECK(ended->user == "anna");
  const auto changes = All<WatchChanged>(out);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].cleared);
  CHECK(nlohmann::json::parse(changes[0].registration)["state"] == "ended");

  // Over: nothing left to extend, and alarms are ordinary again.
  out = h.Watch(CommandAction::kWatchExtend, WeekTrip());
  REQUIRE(Result(out));
  CHECK(Result(out)->reason == "not_allowed");
  out = h.Read("smoke_detector", "smoke", true);
  REQUIRE(FindEvent(out, "fire").has_value());
  CHECK_FALSE(FindEvent(out, "fire")->vacant_watch);
}

TEST_CASE("panel watch: one daily report a day for the whole trip") {
  WatchHarness h;
  h.Watch(CommandAction::kWatchStart, WeekTrip());
  const auto out = h.RunUntil("2026-10-29T06:00:00Z");
  // 21..28 October at 20:00 local, across the change back to CET on the 25th.
  std::vector<WallTime> times;
  for (const Event& e : Events(out)) {
    if (e.type == "watch_daily_report") times.push_back(e.time);
  }
  REQUIRE(times.size() == 8);
  CHECK(times.front() == Utc("2026-10-21T18:00:00Z"));
  CHECK(times[4] == Utc("2026-10-25T19:00:00Z"));  // 20:00 CET after the change
  CHECK(times.back() == Utc("2026-10-28T19:00:00Z"));
}

TEST_CASE("panel watch: an open window at departure refuses to arm, names it, retries on close") {
  WatchHarness h("2026-10-21T07:00:00Z");
  h.Read("kitchen_window", "latch", "open");
  WatchSpec spec = WeekTrip();
  spec.departure.reset();  // now
  auto out = h.Watch(CommandAction::kWatchStart, spec);
  const auto result = Result(out);
  REQUIRE(result.has_value());
  CHECK(result->accepted);                // the watch is registered ...
  CHECK(result->reason == "zones_open");  // ... but cannot arm
  CHECK(result->open_zones == std::vector<std::string>{"kitchen_window"});
  CHECK(result->message.find("kitchen_window") != std::string::npos);
  const auto blocked = FindEvent(out, "watch_start_blocked");
  REQUIRE(blocked.has_value());
  CHECK(blocked->text.find("kitchen_window") != std::string::npos);
  CHECK(blocked->zone == "kitchen_window");
  CHECK(blocked->report);
  const auto registration = LastRegistration(out);
  REQUIRE(registration.has_value());
  CHECK((*registration)["state"] == "blocked");
  CHECK((*registration)["open_zones"] == nlohmann::json::array({"kitchen_window"}));
  CHECK(h.panel.mode() == Mode::kDisarmed);

  // Retried every minute while open: still blocked, reported once.
  out = h.Advance(minutes(5));
  CHECK(h.panel.mode() == Mode::kDisarmed);
  CHECK(CountEvents(out, "watch_start_blocked") == 0);

  // A fire while blocked already counts as a vacant-house alarm.
  out = h.Read("smoke_detector", "smoke", true);
  REQUIRE(FindEvent(out, "fire").has_value());
  CHECK(FindEvent(out, "fire")->vacant_watch);
  h.Read("smoke_detector", "smoke", false);
  h.Disarm("1234");  // silences; a resident disarm while disarmed ends the watch ...
  // ... so start again for the rest of the story.
  out = h.Watch(CommandAction::kWatchStart, spec);
  REQUIRE(Result(out));
  CHECK(Result(out)->reason == "zones_open");

  // Closing the window arms at once (exit delay, then armed_vacation).
  out = h.Read("kitchen_window", "latch", "closed");
  CHECK(h.panel.mode() == Mode::kArming);
  out = h.Advance(seconds(31));
  CHECK(h.panel.mode() == Mode::kArmedVacation);
  CHECK(FindEvent(out, "watch_started").has_value());
  CHECK(StateOf(out) == "active");
}

TEST_CASE("panel watch: the keyholder's PIN outside its dates or hours is a wrong code") {
  WatchHarness h;
  h.Watch(CommandAction::kWatchStart, WeekTrip());

  // Before the departure nothing is watched: the PIN means nothing.
  auto out = h.Disarm("4711");
  REQUIRE(Result(out));
  CHECK(Result(out)->reason == "invalid_code");

  // Thursday 22 Oct: before her window.
  h.RunUntil("2026-10-22T10:00:00Z");
  REQUIRE(h.panel.mode() == Mode::kArmedVacation);
  out = h.Disarm("4711");
  REQUIRE(Result(out));
  CHECK(Result(out)->reason == "invalid_code");
  CHECK(FindEvent(out, "wrong_code").has_value());
  CHECK(h.panel.mode() == Mode::kArmedVacation);

  // Friday 23 Oct 21:00 CEST: inside her dates but after her hours.
  h.RunUntil("2026-10-23T19:00:00Z");
  out = h.Disarm("4711");
  REQUIRE(Result(out));
  CHECK(Result(out)->reason == "invalid_code");
  CHECK(h.panel.mode() == Mode::kArmedVacation);

  // Saturday 24 Oct 09:00 CEST: inside both.
  h.RunUntil("2026-10-24T07:00:00Z");
  out = h.Disarm("4711");
  REQUIRE(Result(out));
  CHECK(Result(out)->accepted);
  CHECK(FindEvent(out, "keyholder_visit").has_value());

  // Monday 26 Oct: after her window, even while the house is disarmed.
  h.RunUntil("2026-10-26T09:00:00Z");
  out = h.Disarm("4711");
  REQUIRE(Result(out));
  CHECK(Result(out)->reason == "invalid_code");
}

TEST_CASE("panel watch: the keyholder arming away when leaving arms armed_vacation") {
  WatchHarness h;
  WatchSpec spec = WeekTrip();
  spec.rearm_after_keyholder.reset();  // only when she arms
  h.Watch(CommandAction::kWatchStart, spec);
  h.RunUntil("2026-10-24T10:00:00Z");
  h.Disarm("4711");
  REQUIRE(h.panel.mode() == Mode::kDisarmed);
  h.Advance(hours(2));
  CHECK(h.panel.mode() == Mode::kDisarmed);  // no automatic re-arm configured
  auto out = h.Send(CommandAction::kArmAway, "4711");
  REQUIRE(Result(out));
  CHECK(Result(out)->accepted);
  out = h.Advance(seconds(31));
  CHECK(h.panel.mode() == Mode::kArmedVacation);
  CHECK(FindEvent(out, "watch_rearmed").has_value());
}

TEST_CASE("panel watch: commands need a resident's code, the keyholder cannot end the watch") {
  WatchHarness h;
  auto out = h.Watch(CommandAction::kWatchStart, WeekTrip(), "0000");
  REQUIRE(Result(out));
  CHECK(Result(out)->reason == "invalid_code");
  out = h.Watch(CommandAction::kWatchStart, WeekTrip(), "3456");  // arm_only cleaner
  REQUIRE(Result(out));
  CHECK(Result(out)->reason == "not_allowed");
  out = h.Watch(CommandAction::kWatchStart, WeekTrip());
  REQUIRE(Result(out));
  REQUIRE(Result(out)->accepted);
  out = h.Watch(CommandAction::kWatchStart, WeekTrip());
  REQUIRE(Result(out));
  CHECK(Result(out)->reason == "not_allowed");  // one watch at a time

  h.RunUntil("2026-10-24T10:00:00Z");
  out = h.Watch(CommandAction::kWatchCancel, std::nullopt, "4711");  // the keyholder
  REQUIRE(Result(out));
  CHECK(Result(out)->reason == "not_allowed");
  out = h.Disarm("4711");
  CHECK(FindEvent(out, "keyholder_visit").has_value());
  out = h.Disarm("4711");
  REQUIRE(Result(out));
  CHECK(Result(out)->reason == "already_disarmed");
  CHECK_FALSE(FindEvent(out, "watch_ended").has_value());
}

TEST_CASE("panel watch: a bad request is refused with every problem listed") {
  WatchHarness h;
  WatchSpec spec = WeekTrip();
  spec.contact_phone = "";
  REQUIRE(spec.keyholder);
  spec.keyholder->pin = "12";
  spec.keyholder->hours = "8 to 8";
  auto out = h.Watch(CommandAction::kWatchStart, spec);
  auto result = Result(out);
  REQUIRE(result.has_value());
  CHECK_FALSE(result->accepted);
  CHECK(result->reason == "invalid_request");
  CHECK(result->message.find("contact phone") != std::string::npos);
  CHECK(result->message.find("PIN must be at least 4 digits") != std::string::npos);
  CHECK(result->message.find("hours") != std::string::npos);
  CHECK(All<WatchChanged>(out).empty());

  spec = WeekTrip();
  REQUIRE(spec.keyholder);
  spec.keyholder->pin = "2345";  // ben's code
  result = Result(h.Watch(CommandAction::kWatchStart, spec));
  REQUIRE(result);
  CHECK(result->reason == "invalid_request");
  CHECK(result->message.find("already a user's code") != std::string::npos);
}

TEST_CASE("panel watch: extend moves the return, an overdue watch becomes active again") {
  WatchHarness h;
  h.Watch(CommandAction::kWatchStart, WeekTrip());
  auto out = h.RunUntil("2026-10-28T18:00:00Z");
  CHECK(StateOf(out) == "overdue");
  WatchSpec later;
  later.expected_return = Utc("2026-10-30T17:00:00Z");
  out = h.Watch(CommandAction::kWatchExtend, later);
  REQUIRE(Result(out));
  REQUIRE(Result(out)->accepted);
  CHECK(FindEvent(out, "watch_extended").has_value());
  const auto registration = LastRegistration(out);
  REQUIRE(registration.has_value());
  CHECK((*registration)["state"] == "active");
  CHECK((*registration)["expected_return"] == "2026-10-30T17:00:00.000Z");
}

TEST_CASE("panel watch: cancel ends the watch and leaves the panel armed") {
  WatchHarness h;
  h.Watch(CommandAction::kWatchStart, WeekTrip());
  h.RunUntil("2026-10-22T10:00:00Z");
  const auto out = h.Watch(CommandAction::kWatchCancel, std::nullopt);
  REQUIRE(Result(out));
  REQUIRE(Result(out)->accepted);
  CHECK(FindEvent(out, "watch_cancelled").has_value());
  const auto changes = All<WatchChanged>(out);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].cleared);
  CHECK(h.panel.mode() == Mode::kArmedVacation);
}

TEST_CASE("panel watch: the platform's ack is recorded once per status and republished") {
  WatchHarness h;
  const auto started = Result(h.Watch(CommandAction::kWatchStart, WeekTrip()));
  REQUIRE(started);
  const std::string id = started->watch_id;
  auto out = h.panel.Handle(WatchAck{id, "registered"}, h.now);
  const auto registration = LastRegistration(out);
  REQUIRE(registration.has_value());
  CHECK((*registration)["platform_ack"]["status"] == "registered");
  CHECK(FindEvent(out, "watch_acknowledged").has_value());
  // The same status again (the platform acks every publication): nothing, no echo.
  out = h.panel.Handle(WatchAck{id, "registered"}, h.now);
  CHECK(out.empty());
  out = h.panel.Handle(WatchAck{"someone-else", "registered"}, h.now);
  CHECK(All<WatchChanged>(out).empty());
}

TEST_CASE("panel watch: a patrol check-in from the platform is recorded with the watch") {
  WatchHarness h;
  const auto started = Result(h.Watch(CommandAction::kWatchStart, WeekTrip()));
  REQUIRE(started);
  const std::string id = started->watch_id;
  h.RunUntil("2026-10-22T10:00:00Z");
  Command check_in;
  check_in.action = CommandAction::kPatrolCheckIn;
  check_in.source = "platform";
  check_in.officer = "patrol 7";
  check_in.note = "back door checked, all quiet";
  auto out = h.panel.Handle(check_in, h.now);
  const auto event = FindEvent(out, "patrol_check_in");
  REQUIRE(event.has_value());
  CHECK(event->watch_id == id);
  CHECK(event->vacant_watch);
  CHECK(event->text.find("all quiet") != std::string::npos);
  CHECK(nlohmann::json::parse(event->details)["officer"] == "patrol 7");
  REQUIRE(Result(out));
  CHECK(Result(out)->accepted);

  check_in.source = "mqtt";  // not from the platform
  out = h.panel.Handle(check_in, h.now);
  REQUIRE(Result(out));
  CHECK(Result(out)->reason == "not_allowed");
  CHECK_FALSE(FindEvent(out, "patrol_check_in").has_value());
}

TEST_CASE("panel watch: the next deadline includes the watch's wall-clock schedule") {
  WatchHarness h;
  h.Watch(CommandAction::kWatchStart, WeekTrip());
  // The departure is a day away: the timer is capped, so a stepped wall clock is noticed.
  CHECK(h.panel.NextDeadline(h.now) == h.now.mono + kWallClockRecheck);
  h.RunUntil("2026-10-21T06:59:30Z");
  CHECK(h.panel.NextDeadline(h.now) == h.now.mono + seconds(30));
  // The wall clock was stepped forward past the departure: due at once.
  const Now stepped{h.now.mono, Utc("2026-10-21T08:00:00Z")};
  CHECK(h.panel.NextDeadline(stepped) == h.now.mono);
}

TEST_CASE("panel watch: a restart in every state resumes the watch where it was") {
  struct Step {
    const char* label;
    const char* until;
    const char* state;
  };
  // scheduled, active, visit (after the keyholder disarms), overdue, blocked.
  for (const Step step : {Step{"scheduled", "2026-10-20T12:00:00Z", "scheduled"},
                          Step{"active", "2026-10-22T12:00:00Z", "active"},
                          Step{"visit", "2026-10-24T10:00:00Z", "visit"},
                          Step{"overdue", "2026-10-28T18:00:00Z", "overdue"},
                          Step{"blocked", "2026-10-21T07:00:00Z", "blocked"}}) {
    CAPTURE(step.label);
    WatchHarness h;
    if (std::string(step.state) == "blocked") h.Read("kitchen_window", "latch", "open");
    h.Watch(CommandAction::kWatchStart, WeekTrip());
    h.RunUntil(step.until);
    if (std::string(step.state) == "visit") {
      const auto visit = Result(h.Disarm("4711"));
      REQUIRE(visit);
      REQUIRE(visit->accepted);
    }

    const nlohmann::json snapshot = h.panel.Snapshot(h.now);
    CHECK(snapshot.dump().find("4711") == std::string::npos);  // the clear PIN is never kept
    // Down for a minute.
    h.now = Now{h.now.mono + minutes(1), h.now.wall + minutes(1)};
    std::string error;
    h.panel = Panel::Restore(WatchConfigured(), snapshot, h.now, &error);
    CHECK(error.empty());
    const auto started = h.panel.Start(h.now);
    CHECK(StateOf(started) == step.state);

    // And the story goes on from there.
    const std::string state = step.state;
    if (state == "scheduled") {
      const auto out = h.RunUntil("2026-10-21T07:01:00Z");
      CHECK(h.panel.mode() == Mode::kArmedVacation);
      CHECK(FindEvent(out, "watch_started").has_value());
    } else if (state == "active" || state == "overdue") {
      CHECK(h.panel.mode() == Mode::kArmedVacation);
      const auto out = h.Read("kitchen_window", "latch", "open");
      REQUIRE(FindEvent(out, "burglary").has_value());
      CHECK(FindEvent(out, "burglary")->vacant_watch);
    } else if (state == "visit") {
      CHECK(h.panel.mode() == Mode::kDisarmed);
      const auto out = h.Advance(minutes(10) + seconds(31));  // every zone closed since
      CHECK(h.panel.mode() == Mode::kArmedVacation);
      CHECK(FindEvent(out, "watch_rearmed").has_value());
    } else {  // blocked
      CHECK(h.panel.mode() == Mode::kDisarmed);
      h.Read("kitchen_window", "latch", "closed");
      const auto out = h.Advance(seconds(31));
      CHECK(h.panel.mode() == Mode::kArmedVacation);
      CHECK(FindEvent(out, "watch_started").has_value());
    }
    // A resident's disarm still ends it.
    const auto out = h.Disarm("1234");
    CHECK(FindEvent(out, "watch_ended").has_value());
  }
}

TEST_CASE("panel watch: with no watch the panel clears a stale retained registration at start") {
  Panel panel(WatchConfigured());
  const auto out = panel.Start(kEpoch);
  const auto changes = All<WatchChanged>(out);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].cleared);
  CHECK(changes[0].registration.empty());
}

}  // namespace homesec::test
