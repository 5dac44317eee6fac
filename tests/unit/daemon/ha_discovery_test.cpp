// Home Assistant discovery payloads.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "daemon/ha_discovery.hpp"

namespace homesec {
namespace {

AppConfig TwoZones() {
  AppConfig config;
  config.hub.id = "h1";
  ZoneConfig door;
  door.id = "front_door";
  door.type = ZoneType::kEntryExit;
  door.property = "contact";
  ZoneConfig smoke;
  smoke.id = "hall_smoke";
  smoke.type = ZoneType::kFire24h;
  smoke.property = "smoke";
  config.panel.zones = {door, smoke};
  return config;
}

}  // namespace

TEST_CASE("discovery: the alarm panel passes the typed code through to homesecd") {
  const auto messages = DiscoveryMessages(TwoZones());
  REQUIRE(messages.size() == 3);
  CHECK(messages[0].topic == "homeassistant/alarm_control_panel/h1/config");
  CHECK(messages[0].retain);
  const auto panel = nlohmann::json::parse(messages[0].payload);
  CHECK(panel["code"] == "REMOTE_CODE");
  CHECK(panel["state_topic"] == "homesec/h1/state");
  // Home Assistant's own account topic, which only it may write: its own lockout source.
  CHECK(panel["command_topic"] == "homesec/h1/command/homeassistant");
  CHECK(panel["command_template"] == kCommandTemplate);
  CHECK(panel["availability_topic"] == "homesec/h1/availability");
}

TEST_CASE("discovery: the panel publishes as the configured account, or on the shared topic") {
  AppConfig config = TwoZones();
  config.local_mqtt.command_accounts = {"ha-kitchen"};
  config.local_mqtt.home_assistant_account = "ha-kitchen";
  CHECK(nlohmann::json::parse(DiscoveryMessages(config)[0].payload)["command_topic"] ==
        "homesec/h1/command/ha-kitchen");
  config.local_mqtt.home_assistant_account = "";
  CHECK(nlohmann::json::parse(DiscoveryMessages(config)[0].payload)["command_topic"] ==
        "homesec/h1/command");
}

TEST_CASE("discovery: one binary sensor per zone with a device class from its type") {
  const auto messages = DiscoveryMessages(TwoZones());
  CHECK(messages[1].topic == "homeassistant/binary_sensor/h1_front_door/config");
  CHECK(nlohmann::json::parse(messages[1].payload)["device_class"] == "door");
  CHECK(nlohmann::json::parse(messages[2].payload)["device_class"] == "smoke");
  CHECK(nlohmann::json::parse(messages[2].payload)["state_topic"] == "homesec/h1/zone/hall_smoke");
}

TEST_CASE("discovery: off means no messages") {
  AppConfig config = TwoZones();
  config.local_mqtt.discovery = false;
  CHECK(DiscoveryMessages(config).empty());
}

}  // namespace homesec
