// Home Assistant end to end: the real homesecd on a real broker, with Zigbee2MQTT's messages
// published as the bridge publishes them, seen as Home Assistant sees it. The test reads the
// retained discovery configs homesecd publishes, checks each against Home Assistant's schemas
// (tests/data/ha/), and derives every entity's state as Home Assistant would: availability from
// its availability topics, the state from its state topic through its value_template, rendered
// by Jinja2 as Home Assistant renders it (tests/tools/ha_render.py). Commands are Home
// Assistant's: the panel's command_template rendered with the action and the typed code.
#include <doctest/doctest.h>

#include <signal.h>

#include <cstdio>
#include <thread>

#include "rules/time.hpp"
#include "tests/integration/hub_fixture.hpp"
#include "tests/unit/daemon/ha_schema.hpp"

namespace homesec::testing {
namespace {

using nlohmann::json;

constexpr const char* kRenderer = HOMESEC_TEST_DATA_DIR "/../tools/ha_render.py";

// Renders each item ({"template", "value"} or {"template", "variables"}) as Home Assistant does.
std::vector<json> Render(const TempDir& dir, const json& items) {
  const std::string in = dir.File("render-in.json");
  const std::string out = dir.File("render-out.json");
  WriteFile(in, items.dump());
  const std::string command =
      std::string("/usr/bin/python3 ") + kRenderer + " < " + in + " > " + out;
  if (std::system(command.c_str()) != 0) return {};
  const json results = json::parse(ReadFile(out), nullptr, false);
  if (!results.is_array()) return {};
  return results.get<std::vector<json>>();
}

std::string RenderOne(const TempDir& dir, const json& item) {
  const std::vector<json> results = Render(dir, json::array({item}));
  if (results.size() != 1) return "<renderer failed>";
  if (results[0].contains("error")) return "<error " + results[0]["error"].get<std::string>() + ">";
  return results[0]["result"].get<std::string>();
}

json LoadSchema() {
  return json::parse(ReadFile(HOMESEC_TEST_DATA_DIR "/ha/mqtt_discovery_schema.json"));
}

// Home Assistant, as far as homesec's entities go: what it reads on the home broker.
class HomeAssistant {
 public:
  explicit HomeAssistant(HubFixture& hub) : hub_(hub) {}

  bool Subscribe() { return hub_.local->Subscribe("homeassistant/#"); }

  static std::string Topic(const std::string& component, const std::string& object) {
    return "homeassistant/" + component + "/" + object + "/config";
  }
  // The entity's discovery config as the broker retains it now; null when none or cleared.
  json Config(const std::string& component, const std::string& object) const {
    const std::vector<Message> messages = hub_.local->Received(Topic(component, object));
    if (messages.empty() || messages.back().payload.empty()) return nullptr;
    return messages.back().Json();
  }
  bool WaitConfig(const std::string& component, const std::string& object,
                  std::chrono::milliseconds timeout = 5s) const {
    const auto until = Clock::now() + timeout;
    while (Clock::now() < until) {
      if (!Config(component, object).is_null()) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  // Waits until the topic's latest message is an empty retained one: Home Assistant removes the
  // entity.
  bool WaitCleared(const std::string& topic, std::chrono::milliseconds timeout = 5s) const {
    const auto until = Clock::now() + timeout;
    while (Clock::now() < until) {
      const std::vector<Message> messages = hub_.local->Received(topic);
      if (!messages.empty() && messages.back().payload.empty()) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  // What Home Assistant shows: "unavailable", "unknown", "on"/"off" for a binary sensor, the
  // value for a sensor; "<absent>" without a config, "<invalid ...>" for what it would refuse.
  std::string State(const std::string& component, const std::string& object) const {
    const json config = Config(component, object);
    if (config.is_null()) return "<absent>";
    if (!Available(config)) return "unavailable";
    const std::vector<Message> states = hub_.local->Received(config.value("state_topic", ""));
    if (states.empty()) return "unknown";
    const std::string value = config.contains("value_template")
                                  ? RenderOne(hub_.dir, {{"template", config["value_template"]},
                                                         {"value", states.back().payload}})
                                  : states.back().payload;
    if (component == "binary_sensor" || component == "switch") {
      if (value == "ON") return "on";
      if (value == "OFF") return "off";
      if (value == "None") return "unknown";
      return "<invalid " + value + ">";
    }
    if (value == "None") return "unknown";
    if (component == "sensor" && config.contains("options")) {
      const auto& options = config["options"];
      if (std::find(options.begin(), options.end(), value) == options.end()) {
        return "<invalid " + value + ">";
      }
    }
    return value;
  }
  // Waits until State() is `want`.
  bool WaitState(const std::string& component, const std::string& object, const std::string& want,
                 std::chrono::milliseconds timeout = 5s) const {
    const auto until = Clock::now() + timeout;
    std::string last;
    while (Clock::now() < until) {
      last = State(component, object);
      if (last == want) return true;
      std::this_thread::sleep_for(50ms);
    }
    std::fprintf(stderr, "%s %s: shows '%s', not '%s'\n", component.c_str(), object.c_str(),
                 last.c_str(), want.c_str());
    return false;
  }

  // The entity's attributes (its json_attributes_topic through json_attributes_template).
  json Attributes(const std::string& component, const std::string& object) const {
    const json config = Config(component, object);
    if (config.is_null() || !config.contains("json_attributes_topic")) return nullptr;
    const std::vector<Message> messages = hub_.local->Received(config["json_attributes_topic"]);
    if (messages.empty()) return nullptr;
    if (!config.contains("json_attributes_template")) return messages.back().Json();
    return json::parse(RenderOne(hub_.dir, {{"template", config["json_attributes_template"]},
                                            {"value", messages.back().payload}}),
                       nullptr, false);
  }

  // What a switch sends when turned on or off (its command_template with `value` ON / OFF),
  // and a button when pressed.
  void Press(const std::string& component, const std::string& object,
             const std::string& value = "PRESS") const {
    const json config = Config(component, object);
    const std::string payload = RenderOne(
        hub_.dir, {{"template", config["command_template"]}, {"variables", {{"value", value}}}});
    hub_.local->Publish(config["command_topic"], payload, 1, false);
  }

  // What the alarm panel sends when the resident taps `action` having typed `code`.
  void PanelCommand(const std::string& action, const std::optional<std::string>& code) const {
    const json panel = Config("alarm_control_panel", kHubId);
    const json variables{{"action", action}, {"code", code ? json(*code) : json()}};
    const std::string payload =
        RenderOne(hub_.dir, {{"template", panel["command_template"]}, {"variables", variables}});
    hub_.local->Publish(panel["command_topic"], payload, 1, false);
  }

  // The notices of Home Assistant's event entity (its state topic), from index `from`.
  std::optional<json> WaitNotice(const std::string& event_type, std::size_t from = 0,
                                 std::chrono::milliseconds timeout = 5s) const {
    const json events = Config("event", std::string(kHubId) + "_events");
    if (events.is_null()) return std::nullopt;
    const auto found = hub_.local->WaitFor(
        events["state_topic"],
        [&](const Message& m) { return m.Json().value("event_type", "") == event_type; }, timeout,
        from);
    if (!found) return std::nullopt;
    return found->Json();
  }
  std::size_t Notices() const { return hub_.local->Received(HubFixture::Local("notice")).size(); }

 private:
  bool Available(const json& config) const {
    json entries = config.value("availability", json::array());
    if (config.contains("availability_topic")) {
      entries.push_back({{"topic", config["availability_topic"]}});
    }
    const std::string mode = config.value("availability_mode", "latest");
    std::vector<bool> available;
    for (const json& entry : entries) {
      const std::vector<Message> messages = hub_.local->Received(entry["topic"]);
      if (messages.empty()) {
        available.push_back(false);  // Home Assistant: unavailable until told
        continue;
      }
      std::string value = messages.back().payload;
      if (entry.contains("value_template")) {
        value = RenderOne(hub_.dir, {{"template", entry["value_template"]}, {"value", value}});
      }
      available.push_back(value == entry.value("payload_available", "online"));
    }
    if (available.empty()) return true;
    if (mode == "all")
      return std::all_of(available.begin(), available.end(), [](bool a) { return a; });
    if (mode == "any")
      return std::any_of(available.begin(), available.end(), [](bool a) { return a; });
    return available.back();
  }

  HubFixture& hub_;
};

// A Zigbee2MQTT definition with the exposes of a battery contact sensor.
json ContactSensor(const std::string& name, int n) {
  const json exposes = json::array(
      {{{"type", "binary"},
        {"name", "contact"},
        {"property", "contact"},
        {"access", 1},
        {"value_on", false},
        {"value_off", true}},
       {{"type", "numeric"},
        {"name", "battery"},
        {"property", "battery"},
        {"access", 1},
        {"unit", "%"}},
       {{"type", "numeric"}, {"name", "linkquality"}, {"property", "linkquality"}, {"access", 1}}});
  return {{"friendly_name", name},
          {"ieee_address", "0x00158d00000000" + std::to_string(10 + n)},
          {"type", "EndDevice"},
          {"supported", true},
          {"interview_completed", true},
          {"definition",
           {{"model", "MCCGQ11LM"},
            {"vendor", "Aqara"},
            {"description", "Door sensor"},
            {"exposes", exposes}}}};
}

struct HaHome {
  HaHome() : ha(hub) {}
  bool Start() {
    hub.WriteConfig();
    return ha.Subscribe() && hub.StartDaemon() && ha.WaitConfig("alarm_control_panel", kHubId) &&
           ha.WaitConfig("binary_sensor", std::string(kHubId) + "_front_door");
  }
  void PublishInventory() {
    hub.local->Publish(
        "zigbee2mqtt/bridge/devices",
        json::array(
            {{{"friendly_name", "Coordinator"}, {"type", "Coordinator"}, {"definition", nullptr}},
             ContactSensor("front_door", 1),
             ContactSensor("kitchen_window", 2)})
            .dump(),
        1, true);
  }
  static std::string Zone(const std::string& zone) { return std::string(kHubId) + "_" + zone; }
  // A smart lock cylinder on Zigbee, and its lock zone.
  void AddLock() {
    hub.config["devices"].push_back({{"id", "front_lock"}, {"zigbee", "front_lock"}});
    hub.config["zones"].push_back({{"id", "front_lock"},
                                   {"type", "lock"},
                                   {"device", "front_lock"},
                                   {"property", "lock_state"}});
  }

  HubFixture hub;
  HomeAssistant ha;
};

}  // namespace

TEST_CASE("home assistant: every retained discovery config is valid against its schema") {
  HaHome home;
  home.AddLock();
  REQUIRE(home.Start());
  home.PublishInventory();
  REQUIRE(home.ha.WaitConfig("sensor", home.Zone("front_door_battery")));
  std::this_thread::sleep_for(300ms);
  const json schema = LoadSchema();
  std::size_t checked = 0;
  for (const std::string& topic :
       {HomeAssistant::Topic("alarm_control_panel", kHubId),
        HomeAssistant::Topic("event", home.Zone("events")),
        HomeAssistant::Topic("sensor", home.Zone("watch")),
        HomeAssistant::Topic("binary_sensor", home.Zone("bridge")),
        HomeAssistant::Topic("binary_sensor", home.Zone("uplink")),
        HomeAssistant::Topic("sensor", home.Zone("troubles")),
        HomeAssistant::Topic("binary_sensor", home.Zone("front_door")),
        HomeAssistant::Topic("binary_sensor", home.Zone("front_lock")),
        HomeAssistant::Topic("sensor", home.Zone("front_lock_lock")),
        HomeAssistant::Topic("binary_sensor", home.Zone("front_door_online")),
        HomeAssistant::Topic("sensor", home.Zone("front_door_linkquality")),
        HomeAssistant::Topic("sensor", home.Zone("front_door_battery")),
        HomeAssistant::Topic("binary_sensor", home.Zone("front_door_battery_low"))}) {
    const std::vector<Message> messages = home.hub.local->Received(topic);
    INFO("topic " << topic);
    REQUIRE_FALSE(messages.empty());
    const json payload = messages.back().Json();
    REQUIRE(payload.is_object());
    const std::vector<std::string> problems = CheckDiscovery(schema, topic, payload);
    std::string joined;
    for (const std::string& problem : problems) joined += problem + "\n";
    CHECK_MESSAGE(problems.empty(), joined);
    // Where it comes from, and which version.
    CHECK(payload["origin"]["name"] == "homesec");
    CHECK(payload["origin"].contains("sw_version"));
    ++checked;
  }
  CHECK(checked == 13);
}

// Defect 1: a lock zone's entity said "Locked" while the lock was unlocked.
TEST_CASE("home assistant: a lock zone shows the cylinder's state, and unsafe only when attacked") {
  HaHome home;
  home.AddLock();
  REQUIRE(home.Start());
  CHECK(home.ha.Config("binary_sensor", home.Zone("front_lock"))["device_class"] == "safety");
  home.hub.Zigbee("front_lock", {{"state", "UNLOCK"}, {"lock_state", "unlocked"}});
  CHECK(home.ha.WaitState("sensor", home.Zone("front_lock_lock"), "unlocked"));
  CHECK(home.ha.WaitState("binary_sensor", home.Zone("front_lock"), "off"));
  home.hub.Zigbee("front_lock", {{"state", "LOCK"}, {"lock_state", "locked"}});
  CHECK(home.ha.WaitState("sensor", home.Zone("front_lock_lock"), "locked"));
  CHECK(home.ha.WaitState("binary_sensor", home.Zone("front_lock"), "off"));
  // Forced open: unsafe, whatever the cylinder said before.
  home.hub.Zigbee("front_lock", {{"door_state", "error_forced_open"}});
  CHECK(home.ha.WaitState("binary_sensor", home.Zone("front_lock"), "on"));
}

// Defect 2: refusals went only to command/result, which Home Assistant does not read.
TEST_CASE("home assistant: a refused arm and a wrong code reach its event entity with the reason") {
  HaHome home;
  REQUIRE(home.Start());
  REQUIRE(home.hub.AllClosed());
  const json events = home.ha.Config("event", home.Zone("events"));
  REQUIRE(events.is_object());
  const std::vector<std::string> types = events["event_types"];
  for (const char* type : {"failed_to_arm", "invalid_code", "locked_out", "alarm", "dispatch"}) {
    CHECK(std::find(types.begin(), types.end(), type) != types.end());
  }
  home.hub.Zigbee("kitchen_window", {{"contact", false}});
  REQUIRE(home.ha.WaitState("binary_sensor", home.Zone("kitchen_window"), "on"));
  std::size_t from = home.ha.Notices();
  home.ha.PanelCommand("ARM_AWAY", std::string(kPin));
  const auto refused = home.ha.WaitNotice("failed_to_arm", from);
  REQUIRE(refused.has_value());
  CHECK((*refused)["open_zones"] == json::array({"kitchen_window"}));
  CHECK((*refused)["reason"] == "zones_open");
  // Every event type it sends is one the entity declares (Home Assistant refuses others).
  from = home.ha.Notices();
  home.ha.PanelCommand("DISARM", std::string("0000"));
  const auto wrong = home.ha.WaitNotice("invalid_code", from);
  REQUIRE(wrong.has_value());
  CHECK((*wrong)["action"] == "DISARM");
  for (const Message& m : home.hub.local->Received(HubFixture::Local("notice"))) {
    const std::string type = m.Json().value("event_type", "");
    CHECK_MESSAGE(std::find(types.begin(), types.end(), type) != types.end(), type);
  }
}

// Defect 3: after SIGHUP an open zone in alarm was republished closed.
TEST_CASE("home assistant: after a reload a zone in alarm still shows open") {
  HaHome home;
  REQUIRE(home.Start());
  REQUIRE(home.hub.AllClosed());
  REQUIRE(home.hub.Arm());
  home.hub.Zigbee("kitchen_window", {{"contact", false}});
  REQUIRE(home.hub.WaitUplinkEvent("burglary").has_value());
  REQUIRE(home.ha.WaitState("binary_sensor", home.Zone("kitchen_window"), "on"));
  const std::string zone = HubFixture::Local("zone/kitchen_window");
  const std::size_t before = home.hub.local->Received(zone).size();
  home.hub.daemon.Signal(SIGHUP);
  REQUIRE(home.hub.local->WaitFor(
      zone, [](const Message&) { return true; }, 5s, before));
  std::this_thread::sleep_for(500ms);
  CHECK(home.ha.State("binary_sensor", home.Zone("kitchen_window")) == "on");
  CHECK(home.ha.Attributes("alarm_control_panel", kHubId)["alarm_zones"] ==
        json::array({"kitchen_window"}));
}

// Defect 4: a zone no reading has come for showed Closed.
TEST_CASE("home assistant: a zone homesecd knows nothing of shows unknown, then its state") {
  HaHome home;
  REQUIRE(home.Start());
  CHECK(home.ha.WaitState("binary_sensor", home.Zone("hall_motion"), "unknown"));
  home.hub.Zigbee("hall_motion", {{"occupancy", false}});
  CHECK(home.ha.WaitState("binary_sensor", home.Zone("hall_motion"), "off"));
  home.hub.Zigbee("hall_motion", {{"occupancy", true}});
  CHECK(home.ha.WaitState("binary_sensor", home.Zone("hall_motion"), "on"));
}

// Defect 5: a device Zigbee2MQTT reported offline kept looking live.
TEST_CASE("home assistant: a device reported offline makes its zone unavailable, and says so") {
  HaHome home;
  REQUIRE(home.Start());
  REQUIRE(home.hub.AllClosed());
  CHECK(home.ha.WaitState("binary_sensor", home.Zone("front_door"), "off"));
  CHECK(home.ha.WaitState("binary_sensor", home.Zone("front_door_online"), "on"));
  home.hub.local->Publish("zigbee2mqtt/front_door/availability", R"({"state":"offline"})", 1, true);
  CHECK(home.ha.WaitState("binary_sensor", home.Zone("front_door"), "unavailable"));
  CHECK(home.ha.WaitState("binary_sensor", home.Zone("front_door_online"), "off"));
  // Its diagnostics stay available: they say it is offline.
  CHECK(home.ha.State("binary_sensor", home.Zone("kitchen_window")) == "off");
  home.hub.local->Publish("zigbee2mqtt/front_door/availability", R"({"state":"online"})", 1, true);
  CHECK(home.ha.WaitState("binary_sensor", home.Zone("front_door"), "off"));
  CHECK(home.ha.WaitState("binary_sensor", home.Zone("front_door_online"), "on"));
}

// Defect 6: a CO zone was declared gas, a vibration zone door/window.
TEST_CASE("home assistant: CO and vibration zones have their own device classes") {
  HaHome home;
  home.hub.config["devices"].push_back({{"id", "boiler_co"}, {"zigbee", "boiler_co"}});
  home.hub.config["devices"].push_back({{"id", "patio_glass"}, {"zigbee", "patio_glass"}});
  home.hub.config["zones"].push_back(
      {{"id", "boiler_co"}, {"type", "gas_24h"}, {"device", "boiler_co"}, {"property", "co"}});
  home.hub.config["zones"].push_back({{"id", "patio_glass"},
                                      {"type", "perimeter"},
                                      {"device", "patio_glass"},
                                      {"property", "vibration"}});
  REQUIRE(home.Start());
  REQUIRE(home.ha.WaitConfig("binary_sensor", home.Zone("patio_glass")));
  CHECK(home.ha.Config("binary_sensor", home.Zone("boiler_co"))["device_class"] ==
        "carbon_monoxide");
  CHECK(home.ha.Config("binary_sensor", home.Zone("patio_glass"))["device_class"] == "vibration");
  home.hub.Zigbee("boiler_co", {{"carbon_monoxide", false}});
  CHECK(home.ha.WaitState("binary_sensor", home.Zone("boiler_co"), "off"));
}

// Defect 7: zones removed by a reload kept their retained discovery and state.
TEST_CASE("home assistant: a zone removed by a reload loses its entity and its state") {
  HaHome home;
  REQUIRE(home.Start());
  REQUIRE(home.ha.WaitConfig("binary_sensor", home.Zone("hall_motion")));
  json zones = json::array();
  for (const json& zone : home.hub.config["zones"]) {
    if (zone["id"] != "hall_motion") zones.push_back(zone);
  }
  home.hub.config["zones"] = zones;
  home.hub.WriteConfig();
  home.hub.daemon.Signal(SIGHUP);
  CHECK(home.ha.WaitCleared(HomeAssistant::Topic("binary_sensor", home.Zone("hall_motion"))));
  CHECK(home.ha.WaitCleared(HubFixture::Local("zone/hall_motion")));
  // The others stay.
  std::this_thread::sleep_for(300ms);
  CHECK_FALSE(home.ha.Config("binary_sensor", home.Zone("front_door")).is_null());
}

TEST_CASE("home assistant: a restart with discovery off clears every entity homesecd made") {
  HaHome home;
  REQUIRE(home.Start());
  home.PublishInventory();
  REQUIRE(home.ha.WaitConfig("sensor", home.Zone("front_door_battery")));
  REQUIRE(home.hub.StopDaemon());
  home.hub.config["local_mqtt"]["discovery"] = false;
  home.hub.WriteConfig();
  REQUIRE(home.hub.StartDaemon());
  for (const std::string& topic : {HomeAssistant::Topic("alarm_control_panel", kHubId),
                                   HomeAssistant::Topic("binary_sensor", home.Zone("front_door")),
                                   HomeAssistant::Topic("sensor", home.Zone("front_door_battery")),
                                   HomeAssistant::Topic("event", home.Zone("events"))}) {
    INFO(topic);
    CHECK(home.ha.WaitCleared(topic, 15s));
  }
}

// Defects 8 and 9: a trigger without a code was dropped; a code with a quote broke the command.
TEST_CASE("home assistant: a trigger needs no code, and a code with a quote arrives intact") {
  HaHome home;
  REQUIRE(home.Start());
  REQUIRE(home.hub.AllClosed());
  CHECK(home.ha.Config("alarm_control_panel", kHubId)["code_trigger_required"] == false);
  std::size_t from = home.ha.Notices();
  // A code with a quote and a backslash is a wrong code, not a broken request.
  home.ha.PanelCommand("DISARM", std::string(R"(12"3\4)"));
  CHECK(home.ha.WaitNotice("invalid_code", from).has_value());
  home.ha.PanelCommand("TRIGGER", std::nullopt);
  CHECK(home.hub.WaitState("triggered"));
  from = home.ha.Notices();
  home.ha.PanelCommand("DISARM", std::string(kPin));
  CHECK(home.hub.WaitState("disarmed"));
  CHECK(home.ha.WaitNotice("alarm_cancelled", from).has_value());
}

TEST_CASE(
    "home assistant: a bypass switch per zone, and a force-arm button, where no code is needed") {
  HaHome home;
  home.hub.config["codes"] = {{"code_required_to_arm", false}, {"code_required_to_bypass", false}};
  REQUIRE(home.Start());
  REQUIRE(home.hub.AllClosed());
  REQUIRE(home.ha.WaitConfig("switch", home.Zone("kitchen_window_bypass")));
  CHECK(home.ha.WaitState("switch", home.Zone("kitchen_window_bypass"), "off"));
  home.ha.Press("switch", home.Zone("kitchen_window_bypass"), "ON");
  CHECK(home.ha.WaitState("switch", home.Zone("kitchen_window_bypass"), "on"));
  CHECK(home.ha.Attributes("alarm_control_panel", kHubId)["bypassed_zones"] ==
        json::array({"kitchen_window"}));
  home.ha.Press("switch", home.Zone("kitchen_window_bypass"), "OFF");
  CHECK(home.ha.WaitState("switch", home.Zone("kitchen_window_bypass"), "off"));
  // Force-arm: the open door is bypassed and the panel arms.
  home.hub.Zigbee("front_door", {{"contact", false}});
  REQUIRE(home.ha.WaitState("binary_sensor", home.Zone("front_door"), "on"));
  REQUIRE(home.ha.WaitConfig("button", home.Zone("arm_away_force")));
  home.ha.Press("button", home.Zone("arm_away_force"));
  CHECK(home.hub.WaitState("armed_away"));
}

TEST_CASE("home assistant: no bypass switch or force button where a code is needed") {
  HaHome home;
  REQUIRE(home.Start());
  std::this_thread::sleep_for(300ms);
  CHECK(home.ha.Config("switch", home.Zone("kitchen_window_bypass")).is_null());
  CHECK(home.ha.Config("button", home.Zone("arm_away_force")).is_null());
}

TEST_CASE("home assistant: battery, link quality, bridge, platform and troubles as diagnostics") {
  HaHome home;
  REQUIRE(home.Start());
  home.PublishInventory();
  REQUIRE(home.ha.WaitConfig("sensor", home.Zone("front_door_battery")));
  const json battery = home.ha.Config("sensor", home.Zone("front_door_battery"));
  CHECK(battery["entity_category"] == "diagnostic");
  CHECK(battery["device"]["via_device"] == std::string("homesec_") + kHubId);
  CHECK(battery["device"]["model"] == "MCCGQ11LM");
  // The zone and its device's diagnostics are one Home Assistant device.
  CHECK(home.ha.Config("binary_sensor", home.Zone("front_door"))["device"]["identifiers"] ==
        battery["device"]["identifiers"]);
  home.hub.Zigbee("front_door", {{"contact", true}, {"battery", 97}, {"linkquality", 120}});
  CHECK(home.ha.WaitState("sensor", home.Zone("front_door_battery"), "97"));
  CHECK(home.ha.WaitState("binary_sensor", home.Zone("front_door_online"), "on"));
  CHECK(home.ha.WaitState("sensor", home.Zone("front_door_linkquality"), "120", 40s));
  CHECK(home.ha.WaitState("sensor", home.Zone("troubles"), "0"));
  home.hub.Zigbee("front_door", {{"contact", true}, {"battery", 3}, {"linkquality", 110}});
  CHECK(home.ha.WaitState("binary_sensor", home.Zone("front_door_battery_low"), "on"));
  CHECK(home.ha.WaitState("sensor", home.Zone("troubles"), "1"));
  const json troubles = home.ha.Attributes("sensor", home.Zone("troubles"));
  CHECK(troubles["troubles"][0]["type"] == "battery_low");
  CHECK(troubles["troubles"][0]["device"] == "front_door");
  // The bridge and the district platform.
  home.hub.local->Publish("zigbee2mqtt/bridge/state", R"({"state":"online"})", 1, true);
  CHECK(home.ha.WaitState("binary_sensor", home.Zone("bridge"), "on"));
  CHECK(home.ha.WaitState("binary_sensor", home.Zone("uplink"), "on"));
  home.hub.local->Publish("zigbee2mqtt/bridge/state", R"({"state":"offline"})", 1, true);
  CHECK(home.ha.WaitState("binary_sensor", home.Zone("bridge"), "off"));
  home.hub.district.Kill();
  CHECK(home.ha.WaitState("binary_sensor", home.Zone("uplink"), "off", 20s));
}

TEST_CASE("home assistant: the vacant-house watch sensor follows the registered watch") {
  HaHome home;
  REQUIRE(home.Start());
  REQUIRE(home.hub.AllClosed());
  CHECK(home.ha.WaitState("sensor", home.Zone("watch"), "none"));
  const std::string expected_return =
      FormatRfc3339(std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()) +
                    std::chrono::hours(72));
  const std::size_t from = home.ha.Notices();
  home.hub.Command({{"action", "WATCH_START"},
                    {"code", kPin},
                    {"request_id", "ha-watch"},
                    {"watch", {{"expected_return", expected_return}, {"contact_phone", "110"}}}});
  REQUIRE(home.hub.WaitResult("ha-watch").has_value());
  CHECK(home.ha.WaitState("sensor", home.Zone("watch"), "active"));
  const json watch = home.ha.Attributes("sensor", home.Zone("watch"));
  CHECK(watch["expected_return"] == expected_return);
  CHECK(watch["watch_id"].is_string());
  CHECK(home.ha.WaitNotice("watch", from).has_value());
  CHECK(home.ha.State("alarm_control_panel", kHubId) == "armed_vacation");
}

TEST_CASE("home assistant: the panel's attributes say who armed, what is open, and the watch") {
  HaHome home;
  REQUIRE(home.Start());
  REQUIRE(home.hub.AllClosed());
  CHECK(home.ha.WaitState("sensor", home.Zone("watch"), "none"));
  REQUIRE(home.hub.Arm());
  home.hub.Zigbee("front_door", {{"contact", false}});
  REQUIRE(home.hub.WaitState("pending"));
  const auto until = Clock::now() + 5s;
  json attributes;
  while (Clock::now() < until) {
    attributes = home.ha.Attributes("alarm_control_panel", kHubId);
    if (attributes.is_object() && attributes.value("delay", json()) == "entry") break;
    std::this_thread::sleep_for(50ms);
  }
  REQUIRE(attributes.is_object());
  CHECK(attributes["mode"] == "pending");
  CHECK(attributes["target_mode"] == "armed_away");
  CHECK(attributes["delay"] == "entry");
  CHECK(attributes["delay_ends"].is_string());
  CHECK(attributes["changed_by"] == "alice");
  CHECK(attributes["open_zones"] == json::array({"front_door"}));
  const std::size_t from = home.ha.Notices();
  REQUIRE(home.hub.WaitUplinkEvent("burglary").has_value());
  const auto alarm = home.ha.WaitNotice("alarm", from);
  REQUIRE(alarm.has_value());
  CHECK((*alarm)["zone"] == "front_door");
  std::this_thread::sleep_for(200ms);
  CHECK(home.ha.Attributes("alarm_control_panel", kHubId)["triggered_by"] == "front_door");
}

}  // namespace homesec::testing
