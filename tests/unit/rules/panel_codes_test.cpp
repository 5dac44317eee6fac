// Codes at the panel: every check goes through Authenticate(): wrong codes, lockout (461),
// duress (silent 121), roles, keyholder windows, and the opening/closing events.
#include <doctest/doctest.h>

#include "tests/unit/rules/panel_test_support.hpp"

namespace homesec::test {
namespace {

TEST_CASE("codes: a wrong code is refused as invalid_code with a local wrong_code event") {
  Harness h;
  h.ArmAndWait();
  const auto actions = h.Disarm("0000");
  CHECK(h.panel.mode() == Mode::kArmedAway);
  REQUIRE(Result(actions));
  CHECK(Result(actions)->reason == "invalid_code");
  CHECK_FALSE(Result(actions)->accepted);
  const auto wrong = FindEvent(actions, "wrong_code");
  REQUIRE(wrong);
  CHECK(wrong->category == EventCategory::kAccess);
  CHECK_FALSE(wrong->report);
}

TEST_CASE("codes: five wrong codes lock code entry out with a reported 461 event") {
  Harness h;
  h.ArmAndWait();
  for (int i = 0; i < 4; ++i) {
    const auto wrong = Result(h.Disarm("0000"));
    REQUIRE(wrong);
    CHECK(wrong->reason == "invalid_code");
  }
  auto actions = h.Disarm("0000");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->reason == "locked_out");
  const auto lockout = FindEvent(actions, "code_lockout");
  REQUIRE(lockout);
  CHECK(lockout->cid.code == cid::kWrongCode);
  CHECK(lockout->category == EventCategory::kAccess);
  CHECK(lockout->report);
  // Even the right code is refused while locked out, without a new lockout event.
  actions = h.Disarm("1234");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->reason == "locked_out");
  CHECK_FALSE(FindEvent(actions, "code_lockout"));
  CHECK(h.panel.mode() == Mode::kArmedAway);
  h.Advance(seconds(90));
  const auto after_lockout = Result(h.Disarm("1234"));
  REQUIRE(after_lockout);
  CHECK(after_lockout->accepted);
}

TEST_CASE("codes: the duress code disarms like a normal code and raises a silent 121") {
  Harness normal;
  normal.ArmAndWait();
  const auto normal_actions = normal.Disarm("1234");
  Harness h;
  h.ArmAndWait();
  const auto actions = h.Disarm("9999");
  CHECK(h.panel.mode() == Mode::kDisarmed);
  const auto duress = FindEvent(actions, "duress");
  REQUIRE(duress);
  CHECK(duress->cid == ContactId{1, 121, 0, 9});
  CHECK(duress->silent);
  CHECK(duress->report);
  CHECK(duress->priority == Priority::kCritical);
  CHECK(duress->category == EventCategory::kAlarm);
  // Locally it looks exactly like a normal disarm: same result shape and state change.
  const auto result = Result(actions);
  const auto normal_result = Result(normal_actions);
  REQUIRE(result);
  REQUIRE(normal_result);
  CHECK(result->accepted == normal_result->accepted);
  CHECK(result->reason == normal_result->reason);
  CHECK(result->message == normal_result->message);
  CHECK(All<StateChanged>(actions).size() == 1);
  CHECK(All<StateChanged>(actions)[0].mode == All<StateChanged>(normal_actions)[0].mode);
  CHECK_FALSE(Siren(actions));
}

TEST_CASE("codes: an arm_only user cannot disarm") {
  Harness h;
  h.ArmAndWait();
  const auto actions = h.Disarm("3456");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->reason == "not_allowed");
  CHECK(h.panel.mode() == Mode::kArmedAway);
}

TEST_CASE("codes: a keyholder code works only inside its window") {
  PanelConfig config = StandardConfig();
  config.users[3].valid_from = kEpoch.wall + hours(1);
  config.users[3].valid_until = kEpoch.wall + hours(3);
  Harness h(config);
  h.ArmAndWait();
  const auto before_window = Result(h.Disarm("5555"));
  REQUIRE(before_window);
  CHECK(before_window->reason == "invalid_code");
  h.Advance(hours(2));
  const auto actions = h.Disarm("5555");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->accepted);
  REQUIRE(FindEvent(actions, "disarmed"));
  CHECK(FindEvent(actions, "disarmed")->cid.number == 4);
}

TEST_CASE("codes: disarming while disarmed is already_disarmed, and the code is still checked") {
  Harness h;
  auto actions = h.Disarm("1234");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->reason == "already_disarmed");
  CHECK_FALSE(Result(actions)->accepted);
  actions = h.Disarm("0000");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->reason == "invalid_code");
}

TEST_CASE("codes: a disarm without a code is refused and does not count towards lockout") {
  Harness h;
  h.ArmAndWait();
  for (int i = 0; i < 6; ++i) {
    const auto no_code = Result(h.Send(CommandAction::kDisarm, std::nullopt));
    REQUIRE(no_code);
    CHECK(no_code->reason == "invalid_code");
  }
  const auto with_code = Result(h.Disarm("1234"));
  REQUIRE(with_code);
  CHECK(with_code->accepted);
}

TEST_CASE("codes: disarm reports opening 1 401 with the user number") {
  Harness h;
  h.ArmAndWait();
  const auto opening = FindEvent(h.Disarm("2345"), "disarmed");
  REQUIRE(opening);
  CHECK(opening->cid == ContactId{1, 401, 1, 2});
  CHECK(opening->category == EventCategory::kDisarming);
  CHECK(opening->mode == Mode::kArmedAway);
}

TEST_CASE("events: sequence numbers start at 1 and rise by one per event") {
  Harness h;  // Start() recorded system_start as event 1
  auto actions = h.ArmAndWait();
  Harness::Append(actions, h.Read("kitchen_window", "latch", "open"));
  Harness::Append(actions, h.Disarm());
  const auto events = Events(actions);
  REQUIRE(events.size() >= 4);
  for (std::size_t i = 0; i < events.size(); ++i) CHECK(events[i].seq == 2 + i);
  CHECK(h.panel.next_seq() == 2 + events.size());
}

TEST_CASE("events: each event carries the wall time, mode, zone, device and Contact ID") {
  Harness h;
  h.ArmAndWait(CommandAction::kArmHome);
  h.Advance(minutes(7));
  const auto burglary = FindEvent(h.Read("kitchen_window", "latch", "open"), "burglary");
  REQUIRE(burglary);
  CHECK(burglary->time == h.now.wall);
  CHECK(burglary->mode == Mode::kArmedHome);
  CHECK(burglary->zone == "kitchen_window");
  CHECK(burglary->device == "kitchen_window");
  CHECK(ToString(burglary->cid) == "1131 01 003");
  CHECK(burglary->report);
  CHECK_FALSE(burglary->text.empty());
}

}  // namespace
}  // namespace homesec::test
