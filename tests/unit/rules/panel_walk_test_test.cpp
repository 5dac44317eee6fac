// Walk test (WALK_TEST / WALK_TEST_STOP): only while disarmed, only with a master code; 1 607
// when it starts and 3 607 when it ends (stopped or by its own deadline, resumed after a
// restart); zones under test raise nothing and send nothing to the platform, zones not under
// test keep their normal behaviour, life-safety zones are tested only when named and only
// once; arming is refused while it runs, and leaving it restores normal operation.
#include <doctest/doctest.h>

#include "rules/contact_id_codes.hpp"
#include "tests/unit/rules/panel_test_support.hpp"

namespace homesec::test {
namespace {

using namespace std::chrono_literals;

Command WalkCommand(CommandAction action, std::optional<std::string> code,
                    std::vector<std::string> zones = {}, Seconds time = kDefaultWalkTestTime) {
  static int requests = 0;
  Command command;
  command.action = action;
  command.code = std::move(code);
  command.walk_zones = std::move(zones);
  command.walk_time = time;
  command.source = "homesecctl";
  command.request_id = "walk-" + std::to_string(++requests);
  return command;
}

std::vector<Action> WalkTest(Harness& h, std::optional<std::string> code,
                             std::vector<std::string> zones = {},
                             Seconds time = kDefaultWalkTestTime) {
  return h.panel.Handle(
      WalkCommand(CommandAction::kWalkTest, std::move(code), std::move(zones), time), h.now);
}

std::vector<Action> WalkTestStop(Harness& h, std::optional<std::string> code) {
  return h.panel.Handle(WalkCommand(CommandAction::kWalkTestStop, std::move(code)), h.now);
}

std::optional<WalkTestChanged> Progress(const std::vector<Action>& actions) {
  const auto found = All<WalkTestChanged>(actions);
  if (found.empty()) return std::nullopt;
  return found.back();
}

const WalkTestZone* Tested(const WalkTestChanged& progress, const std::string& zone) {
  for (const WalkTestZone& z : progress.zones) {
    if (z.zone == zone) return &z;
  }
  return nullptr;
}

// Events that would go to the platform.
std::vector<Event> Reported(const std::vector<Action>& actions) {
  std::vector<Event> out;
  for (const Event& e : Events(actions)) {
    if (e.report) out.push_back(e);
  }
  return out;
}

TEST_CASE("walk test: a master code starts it, 1 607 with the user, every zone but the 24-hour") {
  Harness h;
  const auto actions = WalkTest(h, "1234");
  const auto result = Result(actions);
  REQUIRE(result);
  CHECK(result->accepted);
  CHECK(result->action == CommandAction::kWalkTest);
  CHECK(result->user == "anna");
  CHECK(result->message == "walk test running: 5 zones for 15 min");
  const auto started = FindEvent(actions, "walk_test_started");
  REQUIRE(started);
  CHECK(started->cid == ContactId{cid::kNew, cid::kWalkTest, 0, 1});
  CHECK(started->category == EventCategory::kTest);
  CHECK(started->report);
  CHECK(started->user == "anna");
  const auto progress = Progress(actions);
  REQUIRE(progress);
  CHECK(progress->type == "started");
  CHECK(progress->ends == h.now.wall + 15min);
  std::vector<std::string> zones;
  for (const WalkTestZone& z : progress->zones) zones.push_back(z.zone);
  // Every 24-hour zone (fire, water, gas, panic and tamper) stays live unless named.
  CHECK(zones == std::vector<std::string>{"front_door", "hall_motion", "kitchen_window",
                                          "living_motion", "front_lock"});
  CHECK(h.panel.walk_test_running());
  CHECK(h.panel.mode() == Mode::kDisarmed);
}

TEST_CASE("walk test: refused while armed, before the code is checked") {
  Harness h;
  h.ArmAndWait();
  const auto actions = WalkTest(h, "0000");
  const auto result = Result(actions);
  REQUIRE(result);
  CHECK_FALSE(result->accepted);
  CHECK(result->reason == "not_allowed");
  CHECK(result->message == "cannot start a walk test while armed_away: disarm first");
  CHECK_FALSE(FindEvent(actions, "wrong_code"));
  CHECK_FALSE(FindEvent(actions, "walk_test_started"));
  CHECK_FALSE(h.panel.walk_test_running());
}

TEST_CASE("walk test: a user code is refused, a wrong code counts as one") {
  Harness h;
  auto actions = WalkTest(h, "2345");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->reason == "not_allowed");
  CHECK(Result(actions)->message == "a walk test needs a master code: ben is not a master");
  CHECK_FALSE(FindEvent(actions, "walk_test_started"));
  actions = WalkTest(h, "0000");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->reason == "invalid_code");
  CHECK(FindEvent(actions, "wrong_code"));
  actions = WalkTest(h, std::nullopt);
  REQUIRE(Result(actions));
  CHECK(Result(actions)->reason == "invalid_code");
  CHECK_FALSE(h.panel.walk_test_running());
}

TEST_CASE("walk test: an unknown zone or a time out of bounds is refused") {
  Harness h;
  auto actions = WalkTest(h, "1234", {"kitchen_window", "attic"});
  REQUIRE(Result(actions));
  CHECK(Result(actions)->reason == "unknown_zone");
  CHECK(Result(actions)->message == "no zone 'attic' in this installation");
  actions = WalkTest(h, "1234", {}, 0s);
  REQUIRE(Result(actions));
  CHECK(Result(actions)->reason == "invalid_request");
  actions = WalkTest(h, "1234", {}, kMaxWalkTestTime + 1s);
  REQUIRE(Result(actions));
  CHECK(Result(actions)->reason == "invalid_request");
  CHECK_FALSE(h.panel.walk_test_running());
  // At the limit it is accepted.
  actions = WalkTest(h, "1234", {}, kMaxWalkTestTime);
  REQUIRE(Result(actions));
  CHECK(Result(actions)->accepted);
}

TEST_CASE("walk test: a second WALK_TEST while one runs is refused") {
  Harness h;
  WalkTest(h, "1234");
  const auto actions = WalkTest(h, "1234", {"kitchen_window"});
  REQUIRE(Result(actions));
  CHECK(Result(actions)->reason == "not_allowed");
  CHECK(CountEvents(actions, "walk_test_started") == 0);
}

TEST_CASE("walk test: a zone under test is recorded both ways, locally, with no platform event") {
  Harness h;
  WalkTest(h, "1234");
  auto actions = h.Read("kitchen_window", "latch", "open");
  auto progress = Progress(actions);
  REQUIRE(progress);
  CHECK(progress->type == "seen");
  CHECK(progress->zone == "kitchen_window");
  CHECK(progress->direction == "opened");
  REQUIRE(Tested(*progress, "kitchen_window"));
  CHECK(Tested(*progress, "kitchen_window")->opened);
  CHECK_FALSE(Tested(*progress, "kitchen_window")->closed);
  const auto seen = FindEvent(actions, "walk_test_zone");
  REQUIRE(seen);
  CHECK_FALSE(seen->report);
  CHECK(seen->cid.code == cid::kPointTestedOk);
  CHECK(seen->zone == "kitchen_window");
  CHECK(Reported(actions).empty());
  actions = h.Read("kitchen_window", "latch", "closed");
  progress = Progress(actions);
  REQUIRE(progress);
  CHECK(progress->direction == "closed");
  CHECK(Tested(*progress, "kitchen_window")->opened);
  CHECK(Tested(*progress, "kitchen_window")->closed);
  CHECK(Reported(actions).empty());
  // Seen again: shown live, logged only the first time.
  actions = h.Read("kitchen_window", "latch", "open");
  CHECK(Progress(actions));
  CHECK_FALSE(FindEvent(actions, "walk_test_zone"));
}

TEST_CASE("walk test: a tamper zone not named stays live and raises its tamper alarm") {
  Harness h;
  WalkTest(h, "1234");
  const auto actions = h.Read("front_door", "tamper", true);
  const auto tamper = FindEvent(actions, "tamper");
  REQUIRE(tamper);
  CHECK(tamper->zone == "door_tamper");
  CHECK(tamper->report);
  const auto progress = Progress(actions);
  REQUIRE(progress);
  CHECK_FALSE(Tested(*progress, "door_tamper"));
}

TEST_CASE("walk test: a named tamper zone under test raises no alarm, no siren, nothing reported") {
  Harness h;
  WalkTest(h, "1234", {"front_door", "door_tamper"});
  const auto actions = h.Read("front_door", "tamper", true);
  CHECK_FALSE(FindEvent(actions, "tamper"));
  CHECK_FALSE(SirenTurnedOn(actions));
  CHECK(Reported(actions).empty());
  const auto progress = Progress(actions);
  REQUIRE(progress);
  REQUIRE(Tested(*progress, "door_tamper"));
  CHECK(Tested(*progress, "door_tamper")->opened);
  CHECK(Tested(*progress, "door_tamper")->tamper);
  // The same device's contact zone under test sees the tamper too.
  REQUIRE(Tested(*progress, "front_door"));
  CHECK(Tested(*progress, "front_door")->tamper);
  CHECK(h.panel.alarm_memory().empty());
}

TEST_CASE("walk test: a zone not under test keeps its normal behaviour and alarms") {
  Harness h;
  WalkTest(h, "1234", {"front_door"});
  const auto actions = h.Read("front_door", "tamper", true);
  const auto tamper = FindEvent(actions, "tamper");
  REQUIRE(tamper);
  CHECK(tamper->zone == "door_tamper");
  CHECK(tamper->report);
  // The zone under test on the same device records the tamper.
  const auto progress = Progress(actions);
  REQUIRE(progress);
  REQUIRE(Tested(*progress, "front_door"));
  CHECK(Tested(*progress, "front_door")->tamper);
  CHECK_FALSE(Tested(*progress, "door_tamper"));
}

TEST_CASE("walk test: a fire zone not named stays live and raises its fire alarm") {
  Harness h;
  WalkTest(h, "1234");
  const auto actions = h.Read("smoke_detector", "smoke", true);
  REQUIRE(FindEvent(actions, "fire"));
  CHECK(SirenTurnedOn(actions));
}

TEST_CASE("walk test: a named fire zone is tested once, then live again for the next smoke") {
  Harness h;
  WalkTest(h, "1234", {"smoke"});
  auto actions = h.Read("smoke_detector", "smoke", true);
  CHECK_FALSE(FindEvent(actions, "fire"));
  CHECK_FALSE(SirenTurnedOn(actions));
  CHECK(Reported(actions).empty());
  actions = h.Read("smoke_detector", "smoke", false);
  REQUIRE(Progress(actions));
  CHECK(Tested(*Progress(actions), "smoke")->closed);
  CHECK(Reported(actions).empty());
  // Seen both ways: the next smoke is a fire, walk test or not.
  actions = h.Read("smoke_detector", "smoke", true);
  REQUIRE(FindEvent(actions, "fire"));
  CHECK(FindEvent(actions, "fire")->report);
  CHECK(SirenTurnedOn(actions));
}

TEST_CASE("walk test: a lock zone is tested by unlocking and locking") {
  Harness h;
  WalkTest(h, "1234", {"front_lock"});
  auto actions = h.Read("front_lock", "lock_state", "unlocked");
  REQUIRE(Progress(actions));
  CHECK(Progress(actions)->direction == "opened");
  actions = h.Read("front_lock", "lock_state", "locked");
  REQUIRE(Progress(actions));
  CHECK(Progress(actions)->direction == "closed");
  // An attack on the cylinder is never part of a test.
  actions = h.Read("front_lock", "lock_state", "forced");
  CHECK(FindEvent(actions, "lock_forced"));
}

TEST_CASE("walk test: arming and starting a watch are refused while it runs") {
  Harness h;
  WalkTest(h, "1234");
  auto actions = h.Send(CommandAction::kArmAway, "1234");
  REQUIRE(Result(actions));
  CHECK_FALSE(Result(actions)->accepted);
  CHECK(Result(actions)->reason == "not_allowed");
  CHECK(Result(actions)->message ==
        "cannot arm during a walk test: stop it first (WALK_TEST_STOP)");
  CHECK(h.panel.mode() == Mode::kDisarmed);
  actions = h.Send(CommandAction::kWatchStart, "1234");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->reason == "not_allowed");
  CHECK(h.panel.mode() == Mode::kDisarmed);
}

TEST_CASE("walk test: it ends by itself after its time with 3 607 and a final report") {
  Harness h;
  WalkTest(h, "1234", {"kitchen_window", "front_door"}, 10min);
  h.Read("kitchen_window", "latch", "open");
  h.Read("kitchen_window", "latch", "closed");
  h.Open("front_door");
  REQUIRE(h.panel.NextDeadline(h.now));
  CHECK(*h.panel.NextDeadline(h.now) <= h.now.mono + 10min);
  auto actions = h.Advance(10min - 1s);
  CHECK_FALSE(FindEvent(actions, "walk_test_ended"));
  CHECK(h.panel.walk_test_running());
  actions = h.Advance(1s);
  const auto ended = FindEvent(actions, "walk_test_ended");
  REQUIRE(ended);
  CHECK(ended->cid == ContactId{cid::kRestore, cid::kWalkTest, 0, 0});
  CHECK(ended->report);
  CHECK(ended->text == "walk test ended (timeout): 1 of 2 zones seen both ways");
  const auto report = Progress(actions);
  REQUIRE(report);
  CHECK(report->type == "ended");
  CHECK(report->reason == "timeout");
  REQUIRE(Tested(*report, "front_door"));
  CHECK(Tested(*report, "front_door")->opened);
  CHECK_FALSE(Tested(*report, "front_door")->closed);
  CHECK_FALSE(h.panel.walk_test_running());
  // The door left open is an open zone of a disarmed panel: no alarm, and normal again.
  CHECK_FALSE(FindEvent(actions, "burglary"));
  CHECK(Reported(actions).size() == 1);
  h.Close("front_door");
  actions = h.Send(CommandAction::kArmAway, "1234");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->accepted);
}

TEST_CASE("walk test: WALK_TEST_STOP with any valid code ends it, and is accepted when none runs") {
  Harness h;
  auto actions = WalkTestStop(h, "2345");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->accepted);
  CHECK(Result(actions)->message == "no walk test is running");
  CHECK_FALSE(FindEvent(actions, "walk_test_ended"));
  WalkTest(h, "1234");
  actions = WalkTestStop(h, "0000");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->reason == "invalid_code");
  CHECK(h.panel.walk_test_running());
  actions = WalkTestStop(h, "2345");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->accepted);
  const auto ended = FindEvent(actions, "walk_test_ended");
  REQUIRE(ended);
  CHECK(ended->user == "ben");
  CHECK(ended->cid.number == 2);
  REQUIRE(Progress(actions));
  CHECK(Progress(actions)->reason == "stopped");
  CHECK_FALSE(h.panel.walk_test_running());
  CHECK(h.panel.NextDeadline(h.now) == std::nullopt);
}

TEST_CASE("walk test: leaving it, a 24-hour zone still active raises its alarm") {
  Harness h;
  WalkTest(h, "1234", {"door_tamper"});
  CHECK_FALSE(FindEvent(h.Read("front_door", "tamper", true), "tamper"));
  const auto actions = WalkTestStop(h, "1234");
  const auto tamper = FindEvent(actions, "tamper");
  REQUIRE(tamper);
  CHECK(tamper->zone == "door_tamper");
  CHECK(tamper->report);
}

TEST_CASE("walk test: resumed after a restart for the time it had left, with what was seen") {
  Harness h;
  WalkTest(h, "1234", {"kitchen_window", "door_tamper"}, 10min);
  h.Read("kitchen_window", "latch", "open");
  h.Advance(4min);
  const nlohmann::json snapshot = nlohmann::json::parse(h.panel.Snapshot(h.now).dump());
  // Down for 2 minutes; the monotonic clock starts elsewhere.
  const Now later{MonoTime{} + seconds(3), h.now.wall + 2min};
  std::string error;
  Panel panel = Panel::Restore(h.panel.config(), snapshot, later, &error);
  CHECK(error.empty());
  CHECK(panel.walk_test_running());
  const auto start = panel.Start(later);
  const auto resumed = Progress(start);
  REQUIRE(resumed);
  CHECK(resumed->type == "resumed");
  CHECK(resumed->user == "anna");
  CHECK(resumed->ends == later.wall + 4min);
  REQUIRE(Tested(*resumed, "kitchen_window"));
  CHECK(Tested(*resumed, "kitchen_window")->opened);
  REQUIRE(panel.NextDeadline(later));
  CHECK(*panel.NextDeadline(later) == later.mono + 4min);
  // Still under test: the tamper zone raises nothing.
  auto actions = panel.Handle(Reading{"front_door", "tamper", true, false}, later);
  CHECK_FALSE(FindEvent(actions, "tamper"));
  actions = panel.Handle(Reading{"front_door", "tamper", false, false}, later);
  actions = panel.Handle(Tick{}, later + 4min);
  const auto ended = FindEvent(actions, "walk_test_ended");
  REQUIRE(ended);
  CHECK(ended->text == "walk test ended (timeout): 1 of 2 zones seen both ways");
  CHECK_FALSE(panel.walk_test_running());
}

TEST_CASE("walk test: a snapshot from before walk tests restores with none running") {
  Harness h;
  nlohmann::json snapshot = h.panel.Snapshot(h.now);
  snapshot.erase("walk_test");
  snapshot.erase("alarm_memory");
  std::string error;
  Panel panel = Panel::Restore(h.panel.config(), snapshot, h.now, &error);
  CHECK(error.empty());
  CHECK_FALSE(panel.walk_test_running());
  CHECK(panel.alarm_memory().empty());
}

}  // namespace
}  // namespace homesec::test
