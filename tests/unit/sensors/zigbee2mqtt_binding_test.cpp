// Binding Zigbee2MQTT keys to zones beyond the defaults: explicit zone bindings
// (zigbee_property, active), the families by name, the exposes of the inventory, the battery
// threshold, and what the installer is told when a zone's property is not exposed.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "sensors/zigbee2mqtt_commands.hpp"
#include "sensors/zigbee2mqtt_decoder.hpp"
#include "tests/unit/sensors/zigbee2mqtt_test_support.hpp"

namespace homesec {
namespace {

using nlohmann::json;
using test::ReadingsText;

std::string Text(const Z2mDecoded& decoded) {
  return ReadingsText(decoded.readings, true);
}

std::string Inventory(const std::string& name, const json& exposes) {
  return json::array({{{"friendly_name", name},
                       {"type", "EndDevice"},
                       {"definition", {{"model", "M1"}, {"vendor", "V"}, {"exposes", exposes}}}}})
      .dump();
}

TEST_CASE(
    "zigbee2mqtt binding: a bound key alone feeds the zone's property, with its active values") {
  Zigbee2MqttDecoder decoder("zigbee2mqtt", {{"leak", "cellar"}});
  decoder.SetBindings({{"leak", "water_leak_alarm_2", "water_leak", {}}});
  // Probe 1 is not the zone's: only probe 2 says whether the cellar is wet.
  CHECK(Text(decoder.Decode("zigbee2mqtt/cellar",
                            R"({"water_leak_alarm_1":true,"water_leak_alarm_2":false})", false)) ==
        "leak.water_leak=false");
  CHECK(Text(decoder.Decode("zigbee2mqtt/cellar",
                            R"({"water_leak_alarm_1":true,"water_leak_alarm_2":true})", false)) ==
        "leak.water_leak=true");
  // An enum with its own active words.
  Zigbee2MqttDecoder panel("zigbee2mqtt", {{"smoke", "hall_smoke"}});
  panel.SetBindings({{"smoke", "alarm_state", "smoke", {"alarm", "pre_alarm"}}});
  CHECK(Text(panel.Decode("zigbee2mqtt/hall_smoke", R"({"alarm_state":"pre_alarm"})", false)) ==
        "smoke.smoke=true");
  CHECK(Text(panel.Decode("zigbee2mqtt/hall_smoke", R"({"alarm_state":"normal"})", false)) ==
        "smoke.smoke=false");
}

TEST_CASE("zigbee2mqtt binding: the families by name, before any inventory") {
  // Each key on a device of its own: keys of one device feeding one property are one zone.
  auto decode = [](const std::string& payload) {
    Zigbee2MqttDecoder decoder("zigbee2mqtt", {{"d", "d"}});
    return decoder.Decode("zigbee2mqtt/d", payload, false);
  };
  CHECK(Text(decode(R"({"presence":true})")) == "d.occupancy=true");
  CHECK(Text(decode(R"({"presence_state":"none"})")) == "d.occupancy=false");
  CHECK(Text(decode(R"({"motion_state":"static"})")) == "d.occupancy=true");
  CHECK(Text(decode(R"({"tamper_alarm":"ON"})")) == "d.tamper=true");
  CHECK(Text(decode(R"({"contact_alarm_1":true})")) == R"(d.contact="open")");
  CHECK(Text(decode(R"({"sos":true})")) == "d.panic=true");
  CHECK(Text(decode(R"({"water_leakage_state":"water_leakage_no"})")) == "d.water_leak=false");
  // A numeric gas is a concentration, not an alarm and not a wrong type.
  const Z2mDecoded ppm = decode(R"({"gas":412})");
  CHECK(ppm.readings.empty());
  CHECK(ppm.warnings.empty());
}

TEST_CASE("zigbee2mqtt binding: a zone fed by two probes is wet while either is") {
  Zigbee2MqttDecoder decoder("zigbee2mqtt", {{"leak", "cellar"}});
  CHECK(Text(decoder.Decode("zigbee2mqtt/cellar",
                            R"({"water_leak_alarm_1":true,"water_leak_alarm_2":false})", false)) ==
        "leak.water_leak=true");
  // Probe 2 wet as well, then dry again: probe 1 still is, so the zone stays wet.
  decoder.Decode("zigbee2mqtt/cellar", R"({"water_leak_alarm_1":true,"water_leak_alarm_2":true})",
                 false);
  CHECK(Text(decoder.Decode("zigbee2mqtt/cellar",
                            R"({"water_leak_alarm_1":true,"water_leak_alarm_2":false})", false)) ==
        "");
  // Both dry: dry.
  CHECK(Text(decoder.Decode("zigbee2mqtt/cellar",
                            R"({"water_leak_alarm_1":false,"water_leak_alarm_2":false})", false)) ==
        "leak.water_leak=false");
}

TEST_CASE("zigbee2mqtt binding: the device's exposes decide what active is") {
  Zigbee2MqttDecoder decoder("zigbee2mqtt", {{"d", "d"}});
  // A made-up enum family value the table would call active, declared otherwise by nothing:
  // value_on / value_off of a binary come from the expose.
  decoder.Decode("zigbee2mqtt/bridge/devices",
                 Inventory("d", json::array({{{"type", "binary"},
                                              {"property", "smoke"},
                                              {"name", "smoke"},
                                              {"access", 1},
                                              {"value_on", "ALARM"},
                                              {"value_off", "OK"}}})),
                 true);
  CHECK(Text(decoder.Decode("zigbee2mqtt/d", R"({"smoke":"ALARM"})", false)) == "d.smoke=true");
  CHECK(Text(decoder.Decode("zigbee2mqtt/d", R"({"smoke":"OK"})", false)) == "d.smoke=false");
  REQUIRE(decoder.CapabilitiesOf("d") != nullptr);
  CHECK(decoder.CapabilitiesOf("d")->model == "M1");
}

TEST_CASE("zigbee2mqtt binding: a battery percentage gives one low and one OK, not flapping") {
  Zigbee2MqttDecoder decoder("zigbee2mqtt", {{"d", "d"}});
  decoder.SetBatteryLowPercent(10);
  std::string low;
  for (int percent : {50, 10, 9, 11, 14, 12, 15, 13}) {
    for (const Reading& r :
         decoder.Decode("zigbee2mqtt/d", json{{"battery", percent}}.dump(), false).readings) {
      if (r.property == "battery_low") low += std::get<bool>(r.value) ? "L" : "ok ";
    }
  }
  CHECK(low == "ok Lok ");  // low at 10, OK again at 15 (threshold + 5), nothing in between
  // A device that says battery_low itself is believed, the percentage is only a number.
  Zigbee2MqttDecoder own("zigbee2mqtt", {{"d", "d"}});
  own.Decode("zigbee2mqtt/d", R"({"battery":90,"battery_low":false})", false);
  CHECK(Text(own.Decode("zigbee2mqtt/d", R"({"battery":3,"battery_low":false})", false)) ==
        "d.battery=3");
}

TEST_CASE(
    "zigbee2mqtt binding: a zone's property the device does not expose is said, with what it has") {
  Zigbee2MqttDecoder decoder("zigbee2mqtt", {{"btn", "sos_button"}});
  decoder.SetWatched({{"btn", "tamper"}, {"btn", "panic"}});
  const Z2mDecoded decoded =
      decoder.Decode("zigbee2mqtt/bridge/devices",
                     Inventory("sos_button", json::array({{{"type", "enum"},
                                                           {"property", "action"},
                                                           {"name", "action"},
                                                           {"access", 1},
                                                           {"values", {"sos"}}},
                                                          {{"type", "binary"},
                                                           {"property", "battery_low"},
                                                           {"name", "battery_low"},
                                                           {"access", 1},
                                                           {"value_on", true},
                                                           {"value_off", false}}})),
                     true);
  int not_exposed = 0;
  for (const BridgeNotice& notice : decoded.notices) {
    if (notice.kind != "not_exposed") continue;
    ++not_exposed;
    CHECK(notice.text ==
          "device 'btn' (V M1) does not expose property 'tamper'; it exposes: action, battery_low");
  }
  CHECK(not_exposed == 1);  // panic comes from the sos action
}

TEST_CASE("zigbee2mqtt binding: a hostile siren expose never becomes an out-of-range duration") {
  DeviceCapabilities caps;
  caps.siren.has_warning = true;
  ExposedFeature duration;
  duration.type = "numeric";
  duration.value_min = 1e300;
  caps.siren.warning["duration"] = duration;
  const auto out = SirenFromExposes(caps.siren, "z", "s", SirenRequest{true});
  REQUIRE(out.has_value());
  CHECK(json::parse(out->payload)["warning"]["duration"] == 86400);
}

}  // namespace
}  // namespace homesec
