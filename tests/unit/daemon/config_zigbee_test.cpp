// Config for Zigbee bindings (issue 12): the meaning words a zone may name, zigbee_property and
// active, and the battery threshold; every mistake at its path with a hint.
#include <doctest/doctest.h>

#include "daemon/config.hpp"
#include "tests/unit/daemon/config_test_support.hpp"

namespace homesec {
namespace {

using test::MinimalConfig;
using test::RequireError;

nlohmann::json WithLeakZone(nlohmann::json zone) {
  nlohmann::json json = MinimalConfig();
  json["devices"].push_back({{"id", "cellar_leak"}, {"zigbee", "cellar_leak"}});
  zone["id"] = "cellar";
  zone["type"] = "water_24h";
  zone["device"] = "cellar_leak";
  json["zones"].push_back(zone);
  return json;
}

TEST_CASE("config zigbee: the meaning words name the panel property") {
  const ConfigResult result = ParseConfig(WithLeakZone({{"property", "water"}}));
  INFO(test::AllErrors(result));
  REQUIRE(result.config.has_value());
  CHECK(result.config->panel.zones.back().property == "water_leak");
  nlohmann::json json = MinimalConfig();
  json["devices"].push_back({{"id", "hall"}, {"zigbee", "hall_presence"}});
  json["zones"].push_back(
      {{"id", "hall"}, {"type", "interior"}, {"device", "hall"}, {"property", "motion"}});
  const ConfigResult motion = ParseConfig(json);
  REQUIRE(motion.config.has_value());
  CHECK(motion.config->panel.zones.back().property == "occupancy");
  // A word that is neither is refused with the property names.
  RequireError(ParseConfig(WithLeakZone({{"property", "wet"}})), "zones[2].property",
               "unknown value 'wet'");
}

TEST_CASE("config zigbee: zigbee_property and active become the decoder's binding") {
  const ConfigResult result = ParseConfig(
      WithLeakZone({{"zigbee_property", "water_leak_alarm_2"}, {"active", {true, "leak"}}}));
  INFO(test::AllErrors(result));
  REQUIRE(result.config.has_value());
  REQUIRE(result.config->zigbee_bindings.size() == 1);
  const KeyBinding& binding = result.config->zigbee_bindings.front();
  CHECK(binding.device == "cellar_leak");
  CHECK(binding.key == "water_leak_alarm_2");
  CHECK(binding.property == "water_leak");
  CHECK(binding.active == std::vector<nlohmann::json>{true, "leak"});
}

TEST_CASE("config zigbee: binding mistakes are refused at their path") {
  RequireError(ParseConfig(WithLeakZone({{"zigbee_property", "a/b"}})), "zones[2].zigbee_property",
               "invalid Zigbee2MQTT property");
  RequireError(ParseConfig(WithLeakZone({{"active", {true}}})), "zones[2].active",
               "only applies with \"zigbee_property\"");
  RequireError(ParseConfig(WithLeakZone({{"zigbee_property", "alarm_1"}, {"active", {}}})),
               "zones[2].active", "non-empty list");
  RequireError(
      ParseConfig(WithLeakZone({{"zigbee_property", "alarm_1"}, {"active", {{{"a", 1}}}}})),
      "zones[2].active[0]", "expected a string, true/false or a number");
  // A GPIO line has no Zigbee2MQTT keys.
  nlohmann::json json = MinimalConfig();
  json["zones"][1]["zigbee_property"] = "contact";
  RequireError(ParseConfig(json), "zones[1].zigbee_property", "is not a Zigbee device");
}

TEST_CASE("config zigbee: battery_low_percent") {
  nlohmann::json json = MinimalConfig();
  CHECK(ParseConfig(json).config->battery_low_percent == 10);
  json["battery_low_percent"] = 25;
  CHECK(ParseConfig(json).config->battery_low_percent == 25);
  json["battery_low_percent"] = 0;
  RequireError(ParseConfig(json), "battery_low_percent", "");
}

}  // namespace
}  // namespace homesec
