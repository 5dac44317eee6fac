// Troubles are not alarms: device unavailable past its grace, silent past its check-in window,
// low battery, uplink lost — each with a restore, never a siren or a triggered state.
#include <doctest/doctest.h>
#include <algorithm>

#include "tests/unit/rules/panel_test_support.hpp"

namespace homesec::test {
namespace {

PanelConfig SupervisedConfig() {
  PanelConfig config = StandardConfig();
  config.devices.push_back(DeviceSupervision{"kitchen_window", seconds(0), seconds(60)});
  config.devices.push_back(DeviceSupervision{"smoke_detector", minutes(60), seconds(60)});
  config.uplink_zone_number = 999;
  return config;
}

TEST_CASE("troubles: a device unavailable past its grace period raises 381, restored later") {
  Harness h(SupervisedConfig());
  auto actions = h.Read("kitchen_window", "available", false);
  CHECK(Events(actions).empty());
  actions = h.Advance(seconds(60));
  const auto trouble = FindEvent(actions, "device_unavailable");
  REQUIRE(trouble);
  CHECK(trouble->cid == ContactId{1, 381, 0, 3});
  CHECK(trouble->category == EventCategory::kTrouble);
  CHECK(trouble->priority == Priority::kNormal);
  CHECK(trouble->device == "kitchen_window");
  actions = h.Read("kitchen_window", "available", true);
  const auto restore = FindEvent(actions, "trouble_restore");
  REQUIRE(restore);
  CHECK(restore->cid == ContactId{3, 381, 0, 3});
  CHECK(restore->category == EventCategory::kTroubleRestore);
}

TEST_CASE("troubles: an availability blip shorter than the grace period causes nothing at all") {
  Harness h(SupervisedConfig());
  h.ArmAndWait();
  auto actions = h.Read("kitchen_window", "available", false);
  Harness::Append(actions, h.Advance(seconds(59)));
  Harness::Append(actions, h.Read("kitchen_window", "available", true));
  Harness::Append(actions, h.Advance(minutes(5)));
  CHECK(Events(actions).empty());
  // The zone shows unavailable while its device is offline, and nothing else changes.
  const auto changes = All<ZoneChanged>(actions);
  REQUIRE(changes.size() == 2);
  CHECK_FALSE(changes[0].available);
  CHECK(changes[1].available);
  for (const ZoneChanged& change : changes) {
    CHECK(change.zone == "kitchen_window");
    CHECK(change.status == ZoneStatus::kClosed);
    CHECK_FALSE(change.trouble);
  }
  CHECK(h.panel.mode() == Mode::kArmedAway);
}

TEST_CASE(
    "troubles: unknown availability (Zigbee bridge offline) is a trouble after the grace, never "
    "an alarm") {
  Harness h(SupervisedConfig());
  h.ArmAndWait();
  auto actions = h.Read("kitchen_window", "available", std::monostate{});
  Harness::Append(actions, h.Advance(seconds(59)));
  CHECK(Events(actions).empty());
  actions = h.Advance(seconds(1));
  const auto trouble = FindEvent(actions, "device_unavailable");
  REQUIRE(trouble);
  CHECK(trouble->category == EventCategory::kTrouble);
  CHECK(h.panel.mode() == Mode::kArmedAway);
  CHECK(FindEvent(h.Read("kitchen_window", "available", true), "trouble_restore"));
}

TEST_CASE("troubles: a bridge blip shorter than the grace period causes nothing") {
  Harness h(SupervisedConfig());
  auto actions = h.Read("kitchen_window", "available", std::monostate{});
  Harness::Append(actions, h.Advance(seconds(30)));
  Harness::Append(actions, h.Read("kitchen_window", "available", true));
  Harness::Append(actions, h.Advance(minutes(5)));
  CHECK(Events(actions).empty());
}

TEST_CASE("troubles: devices without a supervision entry get the default 60 s grace") {
  Harness h;
  h.Read("leak_sensor", "available", false);
  CHECK(Events(h.Advance(seconds(59))).empty());
  CHECK(FindEvent(h.Advance(seconds(1)), "device_unavailable"));
}

TEST_CASE("troubles: an unavailable device's zone shows trouble, not closed") {
  Harness h(SupervisedConfig());
  h.Read("kitchen_window", "available", false);
  const auto actions = h.Advance(seconds(60));
  CHECK(h.panel.zone_status("kitchen_window") == ZoneStatus::kTrouble);
  const auto changes = All<ZoneChanged>(actions);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].status == ZoneStatus::kTrouble);
}

TEST_CASE("troubles: a device silent past its check-in window raises 381, restored on a reading") {
  Harness h(SupervisedConfig());
  // CloseAll() gave the smoke detector a reading at start; nothing since.
  auto actions = h.Advance(minutes(59));
  CHECK(Events(actions).empty());
  actions = h.Advance(minutes(1));
  const auto silent = FindEvent(actions, "device_silent");
  REQUIRE(silent);
  CHECK(silent->cid == ContactId{1, 381, 0, 5});
  actions = h.Read("smoke_detector", "battery", 90.0);
  CHECK(FindEvent(actions, "trouble_restore"));
}

TEST_CASE("troubles: low battery raises 384 and restores when the battery is fine again") {
  Harness h;
  auto actions = h.Read("front_door", "battery_low", true);
  const auto low = FindEvent(actions, "battery_low");
  REQUIRE(low);
  CHECK(low->cid == ContactId{1, 384, 0, 1});
  CHECK(Events(h.Read("front_door", "battery_low", true)).empty());
  actions = h.Read("front_door", "battery_low", false);
  REQUIRE(FindEvent(actions, "trouble_restore"));
  CHECK(FindEvent(actions, "trouble_restore")->cid == ContactId{3, 384, 0, 1});
}

TEST_CASE("troubles: uplink lost raises 350 and restores on reconnect") {
  Harness h(SupervisedConfig());
  auto actions = h.panel.Handle(UplinkLink{false}, h.now);
  const auto lost = FindEvent(actions, "uplink_lost");
  REQUIRE(lost);
  CHECK(lost->cid == ContactId{1, 350, 0, 999});
  actions = h.panel.Handle(UplinkLink{true}, h.now);
  REQUIRE(FindEvent(actions, "trouble_restore"));
  CHECK(FindEvent(actions, "trouble_restore")->cid == ContactId{3, 350, 0, 999});
  CHECK(Events(h.panel.Handle(UplinkLink{true}, h.now)).empty());
}

TEST_CASE("troubles: a store that cannot write raises 300 (high priority), restored once it can") {
  Harness h(SupervisedConfig());
  h.ArmAndWait();
  auto actions = h.panel.Handle(StoreHealth{false, "database or disk is full"}, h.now);
  const auto failure = FindEvent(actions, "store_failure");
  REQUIRE(failure);
  CHECK(failure->cid == ContactId{1, 300, 0, 0});
  CHECK(failure->category == EventCategory::kTrouble);
  CHECK(failure->priority == Priority::kHigh);
  CHECK(failure->report);
  CHECK(failure->text.find("database or disk is full") != std::string::npos);
  CHECK_FALSE(SirenTurnedOn(actions));
  CHECK(h.panel.mode() == Mode::kArmedAway);
  CHECK(Events(h.panel.Handle(StoreHealth{false, "still full"}, h.now)).empty());
  actions = h.panel.Handle(StoreHealth{true, ""}, h.now);
  const auto restore = FindEvent(actions, "trouble_restore");
  REQUIRE(restore);
  CHECK(restore->cid == ContactId{3, 300, 0, 0});
  CHECK(Events(h.panel.Handle(StoreHealth{true, ""}, h.now)).empty());
}

TEST_CASE("deadlines: NextDeadline is the earliest pending deadline") {
  Harness h(SupervisedConfig());
  // The smoke detector's check-in window (60 min) is pending from the start.
  CHECK(h.panel.NextDeadline(h.now) == h.now.mono + minutes(60));
  h.Read("kitchen_window", "available", false);
  CHECK(h.panel.NextDeadline(h.now) == h.now.mono + seconds(60));
  h.Send(CommandAction::kArmHome, "1234");
  CHECK(h.panel.NextDeadline(h.now) == h.now.mono + seconds(60));
  h.Advance(seconds(30));
  h.Read("kitchen_window", "available", true);
  CHECK(h.panel.NextDeadline(h.now) == h.now.mono + seconds(30));  // the exit delay
}

TEST_CASE("troubles: troubles never sound the siren or trigger, even when armed") {
  Harness h(SupervisedConfig());
  h.ArmAndWait();
  auto actions = h.Read("kitchen_window", "available", false);
  Harness::Append(actions, h.Advance(minutes(61)));
  Harness::Append(actions, h.Read("front_door", "battery_low", true));
  Harness::Append(actions, h.panel.Handle(UplinkLink{false}, h.now));
  CHECK(FindEvent(actions, "device_unavailable"));
  CHECK(FindEvent(actions, "device_silent"));
  CHECK_FALSE(Siren(actions));
  CHECK(h.panel.mode() == Mode::kArmedAway);
  for (const Event& e : Events(actions)) CHECK(e.category == EventCategory::kTrouble);
}

TEST_CASE(
    "troubles: a zone whose device never reports its property is a sensor trouble (380) until a "
    "reading of it comes") {
  Harness h(StandardConfig(), /*zones_closed=*/false);
  auto actions = h.Read("leak_sensor", "unbound", std::string("water_leak"));
  const auto trouble = FindEvent(actions, "zone_unbound");
  REQUIRE(trouble);
  CHECK(trouble->cid == ContactId{1, 380, 0, 6});
  CHECK(trouble->category == EventCategory::kTrouble);
  CHECK(trouble->zone == "leak");
  CHECK(trouble->device == "leak_sensor");
  // Said once, and not for a property no zone of the device watches.
  CHECK(Events(h.Read("leak_sensor", "unbound", std::string("water_leak"))).empty());
  CHECK(Events(h.Read("leak_sensor", "unbound", std::string("smoke"))).empty());
  // Kept across a restart (in the snapshot): the restarted panel does not say it again, and the
  // first real reading restores it.
  std::string error;
  Panel restarted = Panel::Restore(h.panel.config(), h.panel.Snapshot(h.now), h.now, &error);
  REQUIRE(error.empty());
  restarted.Start(h.now);
  CHECK(
      Events(restarted.Handle(Reading{"leak_sensor", "unbound", std::string("water_leak")}, h.now))
          .empty());
  actions = restarted.Handle(Reading{"leak_sensor", "water_leak", false}, h.now);
  const auto restore = FindEvent(actions, "trouble_restore");
  REQUIRE(restore);
  CHECK(restore->cid == ContactId{3, 380, 0, 6});
}

TEST_CASE("troubles: a zone that has reported is never called unbound") {
  Harness h;
  CHECK(Events(h.Read("leak_sensor", "unbound", std::string("water_leak"))).empty());
}

TEST_CASE("troubles: the active troubles list what the panel holds now, and empties on restore") {
  Harness h(SupervisedConfig());
  CHECK(h.panel.troubles().empty());
  h.Read("kitchen_window", "available", false);
  CHECK(h.panel.troubles().empty());  // inside the grace period: not a trouble yet
  h.Advance(seconds(60));
  h.Read("smoke_detector", "battery_low", true);
  const std::vector<ActiveTrouble> troubles = h.panel.troubles();
  REQUIRE(troubles.size() == 2);
  const auto listed = [&](const char* type, const char* device) {
    return std::any_of(troubles.begin(), troubles.end(), [&](const ActiveTrouble& t) {
      return t.type == type && t.zone.empty() && t.device == device;
    });
  };
  CHECK(listed("device_unavailable", "kitchen_window"));
  CHECK(listed("battery_low", "smoke_detector"));
  h.Read("kitchen_window", "available", true);
  h.Read("smoke_detector", "battery_low", false);
  CHECK(h.panel.troubles().empty());
}

}  // namespace
}  // namespace homesec::test
