// Panel entry and instant zones: entry delay, followers, perimeter/interior, the siren time and
// what happens when it ends, disarming a triggered panel, silencing, restores.
#include <doctest/doctest.h>

#include "tests/unit/rules/panel_test_support.hpp"

namespace homesec::test {
namespace {

TEST_CASE("entry: the entry door while armed starts the entry delay (pending)") {
  Harness h;
  h.ArmAndWait();
  const auto actions = h.Open("front_door");
  CHECK(h.panel.mode() == Mode::kPending);
  const auto states = All<StateChanged>(actions);
  REQUIRE(states.size() == 1);
  CHECK(states[0].armed_mode == Mode::kArmedAway);
  CHECK(states[0].delay_remaining == seconds(30));
  CHECK(Events(actions).empty());
  CHECK(h.panel.NextDeadline(h.now) == h.now.mono + seconds(30));
}

TEST_CASE("entry: a correct code before the entry delay ends disarms with no alarm") {
  Harness h;
  h.ArmAndWait();
  h.Open("front_door");
  h.Advance(seconds(25));
  auto actions = h.Disarm("2345");
  CHECK(h.panel.mode() == Mode::kDisarmed);
  REQUIRE(Result(actions));
  CHECK(Result(actions)->accepted);
  for (const Event& e : Events(actions)) CHECK(e.category != EventCategory::kAlarm);
  const auto opening = FindEvent(actions, "disarmed");
  REQUIRE(opening);
  CHECK(opening->cid == ContactId{1, 401, 1, 2});
  CHECK(opening->user == "ben");
  actions = h.Advance(seconds(60));
  CHECK(Events(actions).empty());
  CHECK_FALSE(SirenTurnedOn(actions));
}

TEST_CASE("entry: entry delay expiry raises burglary 134 on the entry zone and the siren") {
  Harness h;
  h.ArmAndWait();
  h.Open("front_door");
  auto actions = h.Advance(seconds(29));
  CHECK(Events(actions).empty());
  actions = h.Advance(seconds(1));
  CHECK(h.panel.mode() == Mode::kTriggered);
  const auto burglary = FindEvent(actions, "burglary");
  REQUIRE(burglary);
  CHECK(burglary->cid == ContactId{1, 134, 1, 1});
  CHECK(burglary->zone == "front_door");
  CHECK(burglary->category == EventCategory::kAlarm);
  CHECK(burglary->priority == Priority::kCritical);
  const auto siren = Siren(actions);
  REQUIRE(siren);
  CHECK(siren->pattern == OutputPattern::kSteady);
  CHECK(siren->reason == SirenReason::kBurglar);
  CHECK(siren->duration == seconds(180));
}

TEST_CASE("entry: a wrong code does not stop the entry delay") {
  Harness h;
  h.ArmAndWait();
  h.Open("front_door");
  const auto wrong = Result(h.Disarm("0000"));
  REQUIRE(wrong);
  CHECK(wrong->reason == "invalid_code");
  const auto actions = h.Advance(seconds(30));
  CHECK(FindEvent(actions, "burglary"));
}

TEST_CASE("entry: an entry follower during the entry delay does nothing extra") {
  Harness h;
  h.ArmAndWait();
  h.Open("front_door");
  const auto actions = h.Motion("hall_pir", true);
  CHECK(Events(actions).empty());
  CHECK(h.panel.mode() == Mode::kPending);
}

TEST_CASE("entry: an entry follower while armed and no entry delay alarms at once (132)") {
  Harness h;
  h.ArmAndWait();
  const auto actions = h.Motion("hall_pir", true);
  CHECK(h.panel.mode() == Mode::kTriggered);
  REQUIRE(FindEvent(actions, "burglary"));
  CHECK(FindEvent(actions, "burglary")->cid == ContactId{1, 132, 1, 2});
}

TEST_CASE("entry: perimeter zones alarm at once (131)") {
  Harness h;
  h.ArmAndWait();
  h.Advance(minutes(5));
  const auto actions = h.Read("kitchen_window", "latch", "open");
  CHECK(h.panel.mode() == Mode::kTriggered);
  REQUIRE(FindEvent(actions, "burglary"));
  CHECK(FindEvent(actions, "burglary")->cid == ContactId{1, 131, 1, 3});
  CHECK(SirenTurnedOn(actions));
}

TEST_CASE("entry: interior zones alarm at once (132), also during the entry delay") {
  Harness h;
  h.ArmAndWait();
  h.Open("front_door");
  const auto actions = h.Motion("living_pir", true);
  CHECK(h.panel.mode() == Mode::kTriggered);
  REQUIRE(FindEvent(actions, "burglary"));
  CHECK(FindEvent(actions, "burglary")->cid.code == cid::kInterior);
}

TEST_CASE("entry: when the siren time ends the siren stops and the panel returns to armed") {
  Harness h;
  h.ArmAndWait(CommandAction::kArmNight);
  h.Read("kitchen_window", "latch", "open");
  CHECK(h.panel.mode() == Mode::kTriggered);
  auto actions = h.Advance(seconds(179));
  CHECK_FALSE(Siren(actions));
  actions = h.Advance(seconds(1));
  CHECK(SirenTurnedOff(actions));
  CHECK(h.panel.mode() == Mode::kArmedNight);
  const auto states = All<StateChanged>(actions);
  REQUIRE(states.size() == 1);
  CHECK(states[0].mode == Mode::kArmedNight);
}

TEST_CASE("entry: after the siren time the zone can alarm again") {
  Harness h;
  h.ArmAndWait();
  h.Advance(minutes(5));
  h.Read("kitchen_window", "latch", "open");
  h.Read("kitchen_window", "latch", "closed");
  h.Advance(seconds(180));
  CHECK(h.panel.mode() == Mode::kArmedAway);
  const auto actions = h.Read("kitchen_window", "latch", "open");
  CHECK(FindEvent(actions, "burglary"));
  CHECK(h.panel.mode() == Mode::kTriggered);
}

TEST_CASE("entry: siren time is taken from the armed mode's timing") {
  PanelConfig config = StandardConfig();
  config.timing[Mode::kArmedAway] = ModeTiming{seconds(60), seconds(30), seconds(90)};
  Harness h(config);
  h.ArmAndWait();
  const auto actions = h.Read("kitchen_window", "latch", "open");
  REQUIRE(Siren(actions));
  CHECK(Siren(actions)->duration == seconds(90));
  h.Advance(seconds(90));
  CHECK(h.panel.mode() == Mode::kArmedAway);
}

TEST_CASE("entry: disarming a triggered panel stops the siren and reports alarm cancel 406") {
  Harness h;
  h.ArmAndWait();
  h.Read("kitchen_window", "latch", "open");
  const auto actions = h.Disarm();
  CHECK(h.panel.mode() == Mode::kDisarmed);
  CHECK(SirenTurnedOff(actions));
  const auto cancel = FindEvent(actions, "alarm_cancel");
  REQUIRE(cancel);
  CHECK(cancel->cid.code == cid::kCancel);
  CHECK(cancel->cid.number == 1);
  CHECK(FindEvent(actions, "disarmed"));
}

TEST_CASE("entry: silencing the siren stops it and keeps the panel armed") {
  Harness h;
  h.ArmAndWait();
  h.Read("kitchen_window", "latch", "open");
  const auto actions = h.Send(CommandAction::kSilenceSiren, "1234");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->accepted);
  CHECK(SirenTurnedOff(actions));
  CHECK(h.panel.mode() == Mode::kArmedAway);
  CHECK(FindEvent(actions, "siren_silenced"));
}

TEST_CASE("entry: silencing the siren locally takes a valid code, without one it keeps sounding") {
  Harness h;
  h.ArmAndWait();
  h.Read("kitchen_window", "latch", "open");
  REQUIRE(h.panel.mode() == Mode::kTriggered);
  for (const std::optional<std::string>& code :
       {std::optional<std::string>(), std::optional<std::string>("0000")}) {
    const auto actions = h.Send(CommandAction::kSilenceSiren, code);
    REQUIRE(Result(actions));
    CHECK_FALSE(Result(actions)->accepted);
    CHECK(Result(actions)->reason == "invalid_code");
    CHECK_FALSE(SirenTurnedOff(actions));
    CHECK_FALSE(FindEvent(actions, "siren_silenced"));
    CHECK(h.panel.mode() == Mode::kTriggered);
  }
  // An arm-only code may not silence either: it could not disarm.
  const auto arm_only = h.Send(CommandAction::kSilenceSiren, "3456");
  REQUIRE(Result(arm_only));
  CHECK(Result(arm_only)->reason == "not_allowed");
  CHECK(h.panel.mode() == Mode::kTriggered);
  // The duress code silences, and the platform silently learns why.
  const auto duress = h.Send(CommandAction::kSilenceSiren, "9999");
  REQUIRE(Result(duress));
  CHECK(Result(duress)->accepted);
  CHECK(SirenTurnedOff(duress));
  CHECK(FindEvent(duress, "duress"));
}

TEST_CASE("entry: the platform silences the siren without a code") {
  Harness h;
  h.ArmAndWait();
  h.Read("kitchen_window", "latch", "open");
  Command command;
  command.action = CommandAction::kSilenceSiren;
  command.source = "platform";
  const auto actions = h.panel.Handle(command, h.now);
  REQUIRE(Result(actions));
  CHECK(Result(actions)->accepted);
  CHECK(SirenTurnedOff(actions));
  CHECK(h.panel.mode() == Mode::kArmedAway);
}

TEST_CASE("entry: an alarmed zone returning to normal sends a restore (3, same code)") {
  Harness h;
  h.ArmAndWait();
  h.Read("kitchen_window", "latch", "open");
  CHECK(h.panel.zone_status("kitchen_window") == ZoneStatus::kAlarm);
  const auto actions = h.Read("kitchen_window", "latch", "closed");
  const auto restore = FindEvent(actions, "alarm_restore");
  REQUIRE(restore);
  CHECK(restore->cid == ContactId{3, 131, 1, 3});
  CHECK(restore->category == EventCategory::kRestore);
  CHECK(h.panel.zone_status("kitchen_window") == ZoneStatus::kClosed);
}

TEST_CASE("entry: an entry zone already closed at the alarm is restored when the siren ends") {
  Harness h;
  h.ArmAndWait();
  h.Open("front_door");
  h.Close("front_door");
  h.Advance(seconds(30));
  const auto actions = h.Advance(seconds(180));
  const auto restore = FindEvent(actions, "alarm_restore");
  REQUIRE(restore);
  CHECK(restore->cid == ContactId{3, 134, 1, 1});
}

TEST_CASE("entry: zones report ZoneChanged on every status change") {
  Harness h;
  auto actions = h.Open("front_door");
  auto changes = All<ZoneChanged>(actions);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].zone == "front_door");
  CHECK(changes[0].status == ZoneStatus::kOpen);
  CHECK(changes[0].open);
  actions = h.Open("front_door");  // a repeat changes nothing
  CHECK(All<ZoneChanged>(actions).empty());
}

}  // namespace
}  // namespace homesec::test
