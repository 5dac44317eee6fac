// Swinger shutdown (a zone alarms at most N times per armed period) and cross-zone
// confirmation (130 unconfirmed, 139 confirmed by a second zone of the group).
#include <doctest/doctest.h>

#include "tests/unit/rules/panel_test_support.hpp"

namespace homesec::test {
namespace {

// Opens and closes the kitchen window once.
std::vector<Action> Swing(Harness& h) {
  std::vector<Action> out = h.Read("kitchen_window", "latch", "open");
  Harness::Append(out, h.Read("kitchen_window", "latch", "closed"));
  return out;
}

TEST_CASE("swinger: a zone alarms at most swinger_limit times, then is shut down with 570") {
  Harness h;
  h.ArmAndWait();
  h.Advance(minutes(5));
  auto actions = Swing(h);
  CHECK(CountEvents(actions, "burglary") == 1);
  CHECK_FALSE(FindEvent(actions, "swinger_shutdown"));
  actions = Swing(h);
  CHECK(CountEvents(actions, "burglary") == 1);
  const auto shutdown = FindEvent(actions, "swinger_shutdown");
  REQUIRE(shutdown);
  CHECK(shutdown->cid == ContactId{1, 570, 0, 3});
  CHECK(shutdown->zone == "kitchen_window");
  CHECK(h.panel.zone_status("kitchen_window") == ZoneStatus::kBypassed);
  actions = Swing(h);
  CHECK(CountEvents(actions, "burglary") == 0);
}

TEST_CASE("swinger: the shutdown lasts until disarm, the next armed period counts afresh") {
  Harness h;
  h.ArmAndWait();
  h.Advance(minutes(5));
  Swing(h);
  Swing(h);
  h.Disarm();
  CHECK(h.panel.zone_status("kitchen_window") == ZoneStatus::kClosed);
  h.ArmAndWait();
  const auto actions = Swing(h);
  CHECK(CountEvents(actions, "burglary") == 1);
}

TEST_CASE("swinger: a tamper shut down while disarmed alarms again once armed") {
  Harness h;
  for (int i = 0; i < 2; ++i) {
    h.Read("front_door", "tamper", true);
    h.Read("front_door", "tamper", false);
  }
  // Shut down while disarmed: a third tamper raises nothing.
  CHECK(Events(h.Read("front_door", "tamper", true)).empty());
  h.Read("front_door", "tamper", false);
  h.ArmAndWait();
  CHECK(FindEvent(h.Read("front_door", "tamper", true), "tamper"));
}

TEST_CASE("swinger: a limit of 0 means unlimited") {
  PanelConfig config = StandardConfig();
  config.zones[2].swinger_limit = 0;
  Harness h(config);
  h.ArmAndWait();
  for (int i = 0; i < 5; ++i) {
    const auto actions = Swing(h);
    CHECK(CountEvents(actions, "burglary") == 1);
    CHECK_FALSE(FindEvent(actions, "swinger_shutdown"));
  }
}

TEST_CASE("swinger: life-safety zones (fire) are never shut down") {
  Harness h;
  for (int i = 0; i < 4; ++i) {
    const auto actions = h.Read("smoke_detector", "smoke", true);
    CHECK(CountEvents(actions, "fire") == 1);
    h.Read("smoke_detector", "smoke", false);
  }
}

PanelConfig CrossZoneConfig() {
  PanelConfig config = StandardConfig();
  config.zones[1].type = ZoneType::kInterior;  // hall_motion
  config.zones[1].cross_zone_group = "ground_floor";
  config.zones[3].cross_zone_group = "ground_floor";  // living_motion
  return config;
}

TEST_CASE("cross-zone: the first alarm is reported unconfirmed (130) and sounds the siren") {
  Harness h(CrossZoneConfig());
  h.ArmAndWait();
  const auto actions = h.Motion("hall_pir", true);
  const auto first = FindEvent(actions, "burglary_unconfirmed");
  REQUIRE(first);
  CHECK(first->cid == ContactId{1, 130, 1, 2});
  CHECK(SirenTurnedOn(actions));
  CHECK(h.panel.mode() == Mode::kTriggered);
}

TEST_CASE("cross-zone: a second zone of the group within the window confirms intrusion (139)") {
  Harness h(CrossZoneConfig());
  h.ArmAndWait();
  h.Motion("hall_pir", true);
  h.Advance(minutes(9));
  const auto actions = h.Motion("living_pir", true);
  const auto confirmed = FindEvent(actions, "intrusion_confirmed");
  REQUIRE(confirmed);
  CHECK(confirmed->cid == ContactId{1, 139, 1, 4});
  CHECK(confirmed->zone == "living_motion");
}

TEST_CASE("cross-zone: a second zone after the window is another unconfirmed alarm") {
  Harness h(CrossZoneConfig());
  h.ArmAndWait();
  h.Motion("hall_pir", true);
  h.Advance(seconds(601));
  const auto actions = h.Motion("living_pir", true);
  CHECK(FindEvent(actions, "burglary_unconfirmed"));
  CHECK_FALSE(FindEvent(actions, "intrusion_confirmed"));
}

TEST_CASE("cross-zone: the same zone alarming twice does not confirm") {
  Harness h(CrossZoneConfig());
  h.ArmAndWait();
  h.Motion("hall_pir", true);
  h.Motion("hall_pir", false);
  const auto actions = h.Motion("hall_pir", true);
  CHECK(FindEvent(actions, "burglary_unconfirmed"));
  CHECK_FALSE(FindEvent(actions, "intrusion_confirmed"));
}

TEST_CASE("cross-zone: the window follows config.cross_zone_window") {
  PanelConfig config = CrossZoneConfig();
  config.cross_zone_window = seconds(60);
  Harness h(config);
  h.ArmAndWait();
  h.Motion("hall_pir", true);
  h.Advance(seconds(61));
  CHECK_FALSE(FindEvent(h.Motion("living_pir", true), "intrusion_confirmed"));
}

}  // namespace
}  // namespace homesec::test
