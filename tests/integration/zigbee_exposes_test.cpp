// Zigbee devices bound from their exposes, end to end: Zigbee2MQTT's retained bridge/devices
// inventory with real definitions (tests/data/zhc/), then state messages through a real broker
// to the real homesecd, zone states and uplink alarms asserted, and a siren answered in the form
// its own exposes accept. The models are ones the old fixed key list could not read: a leak
// sensor with only water_leak_alarm_1/_2, an mmWave presence sensor with a battery percentage
// and no battery_low, an SOS button, and a siren with only the stop and emergency modes.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "tests/integration/hub_fixture.hpp"

#ifndef HOMESECD_PATH
#define HOMESECD_PATH HOMESEC_BINARY_DIR "/daemon/homesecd"
#endif

namespace homesec::testing {
namespace {

using nlohmann::json;

// The definition of `model` as Zigbee2MQTT puts it in bridge/devices.
json Definition(const std::string& vendor, const std::string& model) {
  std::ifstream in(HOMESEC_TEST_DATA_DIR "/zhc/security-devices.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    const json entry = json::parse(line);
    if (entry.value("vendor", "") == vendor && entry.value("model", "") == model) {
      return {{"model", model},
              {"vendor", vendor},
              {"description", entry.value("description", "")},
              {"exposes", entry["exposes"]}};
    }
  }
  return {};
}

json Paired(const std::string& name, const std::string& vendor, const std::string& model, int n) {
  return {
      {"friendly_name", name},       {"ieee_address", "0x00124b00000000" + std::to_string(10 + n)},
      {"type", "EndDevice"},         {"supported", true},
      {"interview_completed", true}, {"definition", Definition(vendor, model)}};
}

struct ExposesHome {
  ExposesHome() {
    json& config = hub.config;
    for (const char* name : {"cellar_leak", "hall_presence", "sos_button"}) {
      config["devices"].push_back({{"id", name}, {"zigbee", name}});
    }
    config["zones"].push_back({{"id", "cellar"}, {"type", "water_24h"}, {"device", "cellar_leak"}});
    config["zones"].push_back({{"id", "hall_presence"},
                               {"type", "interior"},
                               {"device", "hall_presence"},
                               {"property", "motion"}});
    config["zones"].push_back(
        {{"id", "sos"}, {"type", "panic_24h"}, {"device", "sos_button"}, {"property", "panic"}});
    config["outputs"] = json::array({{{"id", "hall_siren"},
                                      {"kind", "siren"},
                                      {"zigbee", "hall_siren"},
                                      {"driver", "zigbee_siren"},
                                      {"squawk", true}},
                                     {{"id", "hall_keypad"},
                                      {"kind", "keypad"},
                                      {"zigbee", "hall_keypad"},
                                      {"driver", "keypad"}}});
  }

  bool Start() {
    hub.WriteConfig();
    if (!hub.StartDaemon() || !hub.local->Subscribe("zigbee2mqtt/hall_siren/set") ||
        !hub.local->Subscribe("zigbee2mqtt/hall_keypad/set")) {
      return false;
    }
    json inventory = json::array(
        {{{"friendly_name", "Coordinator"}, {"type", "Coordinator"}, {"definition", nullptr}},
         Paired("cellar_leak", "Pulsar LLC", "LPC-V1", 1),
         Paired("hall_presence", "HOBEIAN", "ZG-204ZE", 2),
         Paired("sos_button", "Loginovo", "ZG-101Z", 3),
         Paired("hall_siren", "Heiman", "HS2WD-E", 4),
         Paired("hall_keypad", "Centralite", "3400-D", 5)});
    for (const json& entry : extra_inventory) inventory.push_back(entry);
    for (const json& entry : inventory) {
      if (entry["type"] != "Coordinator" && !entry["definition"].contains("exposes")) return false;
    }
    return hub.local->Publish("zigbee2mqtt/bridge/devices", inventory.dump(), 1, true);
  }

  HubFixture hub;
  std::vector<json> extra_inventory;  // more paired devices, added before Start()
};

TEST_CASE("zigbee exposes: a leak on water_leak_alarm_1 alone is a water alarm") {
  ExposesHome home;
  REQUIRE(home.Start());
  REQUIRE(home.hub.AllClosed());
  home.hub.Zigbee("cellar_leak", {{"water_leak_alarm_1", false}, {"water_leak_alarm_2", false}});
  home.hub.Zigbee("cellar_leak", {{"water_leak_alarm_1", true}, {"water_leak_alarm_2", false}});
  const auto leak = home.hub.WaitUplinkEvent("water_leak");
  REQUIRE(leak.has_value());
  CHECK((*leak)["zone"] == "cellar");
}

TEST_CASE("zigbee exposes: presence from an mmWave sensor trips an interior zone while armed") {
  ExposesHome home;
  REQUIRE(home.Start());
  REQUIRE(home.hub.AllClosed());
  home.hub.Zigbee("cellar_leak", {{"water_leak_alarm_1", false}, {"water_leak_alarm_2", false}});
  home.hub.Zigbee("sos_button", {{"battery_low", false}});
  home.hub.Zigbee("hall_presence", {{"presence", false}, {"battery", 80}});
  REQUIRE(home.hub.local->WaitFor(
      HubFixture::Local("zone/hall_presence"),
      [](const Message& m) { return m.Json().value("status", "") != "unknown"; }, 5s));
  home.hub.Command({{"action", "ARM_AWAY"}, {"code", kPin}, {"request_id", "arm-presence"}});
  const auto armed = home.hub.WaitResult("arm-presence");
  REQUIRE(armed.has_value());
  INFO(armed->dump());
  REQUIRE((*armed)["accepted"] == true);
  REQUIRE(home.hub.WaitState("armed_away"));
  home.hub.Zigbee("hall_presence", {{"presence", true}, {"battery", 80}});
  const auto burglary = home.hub.WaitUplinkEvent("burglary");
  REQUIRE(burglary.has_value());
  CHECK((*burglary)["zone"] == "hall_presence");
}

TEST_CASE(
    "zigbee exposes: a battery percentage without battery_low raises one low-battery trouble "
    "and one restore") {
  ExposesHome home;
  REQUIRE(home.Start());
  for (int percent : {40, 9, 8, 12, 9, 30}) {  // 12 is inside the 5-point band: still low
    home.hub.Zigbee("hall_presence", {{"presence", false}, {"battery", percent}});
  }
  REQUIRE(home.hub.WaitUplinkEvent("trouble_restore").has_value());
  int low = 0;
  int restored = 0;
  for (const json& event : home.hub.UplinkEvents()) {
    if (event.value("device", "") != "hall_presence") continue;
    if (event["type"] == "battery_low") ++low;
    if (event["type"] == "trouble_restore") ++restored;
  }
  CHECK(low == 1);
  CHECK(restored == 1);
}

TEST_CASE(
    "zigbee exposes: an SOS press is a panic, and the siren sounds in the one mode it exposes") {
  ExposesHome home;
  REQUIRE(home.Start());
  home.hub.Zigbee("sos_button", {{"action", "sos"}, {"battery_low", false}});
  const auto panic = home.hub.WaitUplinkEvent("panic");
  REQUIRE(panic.has_value());
  CHECK((*panic)["zone"] == "sos");
  // The Heiman HS2WD-E exposes the warning modes stop and emergency, and no level.
  const auto warning = home.hub.local->WaitFor(
      "zigbee2mqtt/hall_siren/set", [](const Message& m) { return m.Json().contains("warning"); },
      5s);
  REQUIRE(warning.has_value());
  const json sent = warning->Json()["warning"];
  CHECK(sent["mode"] == "emergency");
  CHECK_FALSE(sent.contains("level"));
  CHECK_FALSE(sent.contains("strobe_level"));
}

TEST_CASE(
    "zigbee exposes: a keypad's arm request is answered in its converter's form, and the siren "
    "chirps in the form it has") {
  ExposesHome home;
  REQUIRE(home.Start());
  REQUIRE(home.hub.AllClosed());
  home.hub.Zigbee("cellar_leak", {{"water_leak_alarm_1", false}, {"water_leak_alarm_2", false}});
  home.hub.Zigbee("hall_presence", {{"presence", false}, {"battery", 80}});
  home.hub.Zigbee("hall_keypad", {{"action", "arm_all_zones"},
                                  {"action_code", kPin},
                                  {"action_transaction", 41},
                                  {"action_zone", 0}});
  // zhc's tz.arm_mode as the 3400-D accepts it (tests/data/zhc: accepted by its converter).
  const auto reply = home.hub.local->WaitFor(
      "zigbee2mqtt/hall_keypad/set",
      [](const Message& m) {
        const json arm = m.Json().value("arm_mode", json());
        return arm.is_object() && arm.contains("transaction");
      },
      5s);
  REQUIRE(reply.has_value());
  CHECK(reply->Json() == json{{"arm_mode", {{"transaction", 41}, {"mode", "arm_all_zones"}}}});
  CHECK(home.hub.WaitState("armed_away"));
  // The HS2WD-E has no squawk: the chirp is its shortest, quietest warning, without flash.
  const auto chirp = home.hub.local->WaitFor(
      "zigbee2mqtt/hall_siren/set", [](const Message& m) { return m.Json().contains("warning"); },
      5s);
  REQUIRE(chirp.has_value());
  CHECK(chirp->Json()["warning"] ==
        json{{"mode", "emergency"}, {"strobe", false}, {"duration", 1}});
}

TEST_CASE(
    "zigbee exposes: a zone watching a property its device does not expose is logged, and "
    "check-config says so from the saved inventory") {
  ExposesHome home;
  home.hub.config["zones"].push_back({{"id", "sos_tamper"},
                                      {"type", "tamper_24h"},
                                      {"device", "sos_button"},
                                      {"property", "tamper"}});
  REQUIRE(home.Start());
  bool logged = false;
  for (int i = 0; i < 50 && !logged; ++i) {
    logged = home.hub.DaemonLog().find("does not expose property 'tamper'") != std::string::npos;
    if (!logged) std::this_thread::sleep_for(100ms);
  }
  INFO(home.hub.DaemonLog());
  CHECK(logged);
  CHECK(home.hub.DaemonLog().find("it exposes: action, battery_low") != std::string::npos);
  // The installer's check, offline, against the inventory homesecd saved.
  REQUIRE(home.hub.StopDaemon());
  const std::string out = home.hub.dir.File("check.out");
  const std::string command = std::string(HOMESECD_PATH) + " --check-config --config " +
                              home.hub.dir.File("homesec.json") + " > " + out + " 2>&1";
  CHECK(std::system(command.c_str()) == 0);
  const std::string checked = ReadFile(out);
  INFO(checked);
  CHECK(checked.find("warning: sos_button: device 'sos_button' (Loginovo ZG-101Z) does not "
                     "expose property 'tamper'; it exposes: action, battery_low") !=
        std::string::npos);
  CHECK(checked.find("config OK") != std::string::npos);
}

TEST_CASE(
    "zigbee exposes: a device that reports but never its zone's property is a sensor trouble, "
    "restored when it comes") {
  ExposesHome home;
  home.hub.config["unbound_grace_s"] = 5;
  home.hub.config["zones"].push_back({{"id", "sos_tamper"},
                                      {"type", "tamper_24h"},
                                      {"device", "sos_button"},
                                      {"property", "tamper"}});
  REQUIRE(home.Start());
  home.hub.Zigbee("sos_button", {{"battery_low", false}, {"linkquality", 90}});
  const auto trouble = home.hub.WaitUplinkEvent("zone_unbound", 15s);
  REQUIRE(trouble.has_value());
  CHECK((*trouble)["zone"] == "sos_tamper");
  CHECK((*trouble)["contact_id"]["code"] == 380);
  const std::string log = home.hub.DaemonLog();
  CHECK(log.find("never its zone's property 'tamper'; it sends: battery_low, linkquality") !=
        std::string::npos);
  home.hub.Zigbee("sos_button", {{"battery_low", false}, {"tamper", false}});
  CHECK(home.hub.WaitUplinkEvent("trouble_restore").has_value());
}

TEST_CASE("zigbee exposes: an emergency button on a silent panic zone stays silent") {
  ExposesHome home;
  for (json& zone : home.hub.config["zones"]) {
    if (zone["id"] == "sos") zone["silent"] = true;
  }
  REQUIRE(home.Start());
  // IAS ACE buttons (Heiman HS1RC, Immax) say "emergency": a keypad request unless a panic
  // zone watches the device.
  home.hub.Zigbee("sos_button", {{"action", "emergency"}});
  const auto panic = home.hub.WaitUplinkEvent("silent_panic");
  REQUIRE(panic.has_value());
  CHECK((*panic)["zone"] == "sos");
  std::this_thread::sleep_for(500ms);
  CHECK(home.hub.local->Received("zigbee2mqtt/hall_siren/set").empty());
  for (const json& event : home.hub.UplinkEvents()) CHECK(event["type"] != "panic");
}

TEST_CASE("zigbee exposes: a door chime on a siren with only an on/off switch stops after it") {
  ExposesHome home;
  home.hub.config["outputs"].push_back({{"id", "door_chime"},
                                        {"kind", "chime"},
                                        {"zigbee", "hall_chime"},
                                        {"driver", "tuya_siren"}});
  for (json& zone : home.hub.config["zones"]) {
    if (zone["id"] == "front_door") zone["chime"] = true;
  }
  home.extra_inventory.push_back(Paired("hall_chime", "Tuya", "TS0216", 6));
  REQUIRE(home.Start());
  REQUIRE(home.hub.local->Subscribe("zigbee2mqtt/hall_chime/set"));
  REQUIRE(home.hub.AllClosed());
  home.hub.Zigbee("front_door", {{"contact", false}});
  // TS0216 exposes a settable binary `alarm`: on, and off again when the 2 s chime is over.
  const auto on = home.hub.local->WaitFor(
      "zigbee2mqtt/hall_chime/set",
      [](const Message& m) {
        return m.Json() == json{{"alarm", true}};
      },
      5s);
  REQUIRE(on.has_value());
  const auto off = home.hub.local->WaitFor(
      "zigbee2mqtt/hall_chime/set",
      [](const Message& m) {
        return m.Json() == json{{"alarm", false}};
      },
      5s);
  CHECK(off.has_value());
}

}  // namespace
}  // namespace homesec::testing
