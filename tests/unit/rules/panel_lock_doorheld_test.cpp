// Lock cylinders (forced, picked, jammed, wrong-code bursts) and held doors.
#include <doctest/doctest.h>

#include "tests/unit/rules/panel_test_support.hpp"

namespace homesec::test {
namespace {

std::vector<Action> Lock(Harness& h, const std::string& state) {
  return h.Read("front_lock", "lock_state", state);
}

TEST_CASE("locks: a forced lock alarms (130 lock_forced) even when disarmed, with the siren") {
  Harness h;
  const auto actions = Lock(h, "forced");
  const auto forced = FindEvent(actions, "lock_forced");
  REQUIRE(forced);
  CHECK(forced->cid == ContactId{1, 130, 1, 10});
  CHECK(forced->category == EventCategory::kAlarm);
  CHECK(SirenTurnedOn(actions));
  CHECK(h.panel.mode() == Mode::kTriggered);
}

TEST_CASE("locks: a forced lock alarms in every armed mode") {
  for (CommandAction arm : {CommandAction::kArmHome, CommandAction::kArmNight,
                            CommandAction::kArmAway, CommandAction::kArmVacation}) {
    Harness h;
    h.ArmAndWait(arm);
    CHECK(FindEvent(Lock(h, "forced"), "lock_forced"));
    CHECK(h.panel.mode() == Mode::kTriggered);
  }
}

TEST_CASE("locks: a picked lock alarms with 137 lock_picked") {
  Harness h;
  h.ArmAndWait();
  const auto actions = Lock(h, "picked");
  REQUIRE(FindEvent(actions, "lock_picked"));
  CHECK(FindEvent(actions, "lock_picked")->cid.code == cid::kTamper);
  CHECK(SirenTurnedOn(actions));
}

TEST_CASE("locks: a jammed lock is a trouble (380) restored when it locks again") {
  Harness h;
  auto actions = Lock(h, "jammed");
  const auto jammed = FindEvent(actions, "lock_jammed");
  REQUIRE(jammed);
  CHECK(jammed->cid == ContactId{1, 380, 1, 10});
  CHECK(jammed->category == EventCategory::kTrouble);
  CHECK_FALSE(Siren(actions));
  CHECK(h.panel.zone_status("front_lock") == ZoneStatus::kTrouble);
  actions = Lock(h, "unlocked");
  const auto restore = FindEvent(actions, "trouble_restore");
  REQUIRE(restore);
  CHECK(restore->cid == ContactId{3, 380, 1, 10});
}

TEST_CASE("locks: five wrong codes within five minutes raise 461 lock_wrong_code_burst") {
  Harness h;
  for (int i = 0; i < 4; ++i) {
    CHECK(Events(Lock(h, "wrong_code")).empty());
    h.Advance(seconds(60));
  }
  const auto actions = Lock(h, "wrong_code");
  const auto burst = FindEvent(actions, "lock_wrong_code_burst");
  REQUIRE(burst);
  CHECK(burst->cid.code == cid::kWrongCode);
  CHECK(burst->zone == "front_lock");
  CHECK(burst->category == EventCategory::kAlarm);
}

TEST_CASE("locks: wrong codes spread wider than the window raise nothing") {
  Harness h;
  for (int i = 0; i < 10; ++i) {
    CHECK(Events(Lock(h, "wrong_code")).empty());
    h.Advance(seconds(80));
  }
}

TEST_CASE("locks: a forced lock is restored when it reports locked again") {
  Harness h;
  Lock(h, "forced");
  const auto actions = Lock(h, "locked");
  REQUIRE(FindEvent(actions, "alarm_restore"));
  CHECK(FindEvent(actions, "alarm_restore")->cid == ContactId{3, 130, 1, 10});
}

TEST_CASE("door held: a door open past its limit raises door_held (426)") {
  Harness h(DoorHeldConfig());
  h.Open("unit_door");
  CHECK(h.panel.NextDeadline(h.now) == h.now.mono + seconds(120));
  auto actions = h.Advance(seconds(119));
  CHECK(Events(actions).empty());
  actions = h.Advance(seconds(1));
  const auto held = FindEvent(actions, "door_held");
  REQUIRE(held);
  CHECK(held->cid.code == cid::kDoorPropped);
  CHECK_FALSE(Siren(actions));
  actions = h.Close("unit_door");
  CHECK(FindEvent(actions, "alarm_restore"));
}

TEST_CASE("door held: a door closed before its limit raises nothing") {
  Harness h(DoorHeldConfig());
  h.Open("unit_door");
  h.Advance(seconds(100));
  h.Close("unit_door");
  CHECK(Events(h.Advance(seconds(60))).empty());
}

}  // namespace
}  // namespace homesec::test
