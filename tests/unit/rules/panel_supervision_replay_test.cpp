// Supervision across a restart: a retained message Zigbee2MQTT replays when homesecd subscribes
// again says what the bridge believed some time ago. It is no check-in: a device that went
// silent stays in trouble until it speaks again (issue 10, item 6).
#include <doctest/doctest.h>

#include "tests/unit/rules/panel_test_support.hpp"

namespace homesec::test {
namespace {

PanelConfig SmokeSupervised() {
  PanelConfig config = StandardConfig();
  config.devices.push_back(DeviceSupervision{"smoke_detector", minutes(60), seconds(60)});
  return config;
}

TEST_CASE("supervision: a retained availability replay does not restore a silent device") {
  Harness h(SmokeSupervised());
  REQUIRE(FindEvent(h.Advance(minutes(61)), "device_silent"));
  const auto replay = h.Read("smoke_detector", "available", true, /*initial=*/true);
  CHECK_FALSE(FindEvent(replay, "trouble_restore"));
  CHECK(h.panel.zone_status("smoke") == ZoneStatus::kTrouble);
  // The device itself reporting is a check-in.
  const auto live = h.Read("smoke_detector", "battery", 90.0);
  CHECK(FindEvent(live, "trouble_restore"));
}

TEST_CASE("supervision: a retained state replay does not restore a silent device either") {
  Harness h(SmokeSupervised());
  REQUIRE(FindEvent(h.Advance(minutes(61)), "device_silent"));
  CHECK_FALSE(
      FindEvent(h.Read("smoke_detector", "smoke", false, /*initial=*/true), "trouble_restore"));
  CHECK(FindEvent(h.Read("smoke_detector", "available", true), "trouble_restore"));
}

}  // namespace
}  // namespace homesec::test
