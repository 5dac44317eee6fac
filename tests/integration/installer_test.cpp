// homesecctl's views for installers and residents, end to end: the real homesecd on a real
// broker, Zigbee2MQTT's messages as the bridge publishes them, and the real homesecctl reading
// the retained zone, device and hub topics.
#include <doctest/doctest.h>

#include <thread>

#include "tests/integration/hub_fixture.hpp"

namespace homesec::testing {
namespace {

using nlohmann::json;

// Runs homesecctl until its output contains `want` (the daemon publishes asynchronously).
bool OutputSoon(HubFixture& hub, const std::string& arguments, const std::string& want,
                std::string& output) {
  const auto until = Clock::now() + 5s;
  while (Clock::now() < until) {
    if (hub.Homesecctl(arguments, "", output) == 0 && output.find(want) != std::string::npos) {
      return true;
    }
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

}  // namespace

TEST_CASE("homesecctl: zones say each state in words, with unknown, water and offline shown") {
  HubFixture hub;
  hub.config["devices"].push_back({{"id", "bath_leak"}, {"zigbee", "bath_leak"}});
  hub.config["zones"].push_back({{"id", "bath"}, {"type", "water_24h"}, {"device", "bath_leak"}});
  hub.WriteConfig();
  REQUIRE(hub.StartDaemon());
  std::string output;
  // Nothing reported yet: unknown, never "closed".
  CHECK(OutputSoon(hub, "zones", "unknown", output));
  INFO(output);
  REQUIRE(hub.AllClosed());
  hub.Zigbee("bath_leak", {{"water_leak", false}, {"battery", 90}});
  CHECK(OutputSoon(hub, "zones", "dry", output));
  hub.Zigbee("bath_leak", {{"water_leak", true}});
  CHECK(OutputSoon(hub, "status", "wet", output));
  CHECK(output.find("ALARM") != std::string::npos);
  hub.local->Publish("zigbee2mqtt/front_door/availability", R"({"state":"offline"})", 1, true);
  CHECK(OutputSoon(hub, "zones", "offline", output));
}

TEST_CASE("homesecctl: devices and troubles show battery, link quality and what is wrong") {
  HubFixture hub;
  hub.config["devices"].push_back({{"id", "spare_contact"}, {"zigbee", "spare_contact"}});
  hub.WriteConfig();
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  hub.Zigbee("front_door", {{"contact", true}, {"battery", 4}, {"linkquality", 87}});
  std::string output;
  CHECK(OutputSoon(hub, "troubles", "battery_low", output));
  INFO(output);
  CHECK(output.find("front_door") != std::string::npos);
  CHECK(OutputSoon(hub, "devices", "4% LOW", output));
  // A configured device that feeds no zone is called out.
  CHECK(output.find("spare_contact") != std::string::npos);
  CHECK(output.find("NONE (bound to no zone)") != std::string::npos);
  CHECK(hub.Homesecctl("devices --json", "", output) == 0);
  const json devices = json::parse(output, nullptr, false)["devices"];
  REQUIRE(devices.is_array());
  bool found = false;
  for (const json& device : devices) {
    if (device["id"] != "front_door") continue;
    found = true;
    CHECK(device["battery"] == 4);
    CHECK(device["battery_low"] == true);
    CHECK(device["available"] == true);
  }
  CHECK(found);
}

}  // namespace homesec::testing
