// Home Assistant's own discovery schemas (tests/data/ha/mqtt_discovery_schema.json): first the
// check itself, on examples from Home Assistant's documentation and on each kind of mistake it
// must catch; then every discovery payload homesecd publishes.
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/ha_discovery.hpp"
#include "tests/unit/daemon/ha_schema.hpp"

namespace homesec {
namespace {

const nlohmann::json& Schema() {
  static const nlohmann::json schema = [] {
    std::ifstream in(HOMESEC_TEST_DATA_DIR "/ha/mqtt_discovery_schema.json");
    return nlohmann::json::parse(in);
  }();
  return schema;
}

std::vector<std::string> Check(std::string_view topic, const std::string& payload) {
  return CheckDiscovery(Schema(), topic, nlohmann::json::parse(payload));
}

std::string Joined(const std::vector<std::string>& messages) {
  std::string text;
  for (const std::string& message : messages) text += message + "\n";
  return text;
}

// True when some message holds every one of `parts`.
bool Reports(const std::vector<std::string>& messages, std::initializer_list<std::string> parts) {
  for (const std::string& message : messages) {
    bool all = true;
    for (const std::string& part : parts) all = all && message.find(part) != std::string::npos;
    if (all) return true;
  }
  return false;
}

const char* const kBinarySensor = "homeassistant/binary_sensor/garden/config";

}  // namespace

TEST_CASE("home assistant schema: the examples of Home Assistant's documentation pass") {
  // www.home-assistant.io/integrations/mqtt/ (discovery examples) and the platform pages.
  const std::vector<std::pair<std::string, std::string>> examples{
      {kBinarySensor,
       R"({"name": null, "device_class": "motion",
           "state_topic": "homeassistant/binary_sensor/garden/state", "unique_id": "motion01ad",
           "device": {"identifiers": ["01ad"], "name": "Garden"}})"},
      {"homeassistant/sensor/sensorBedroomT/config",
       R"({"device_class": "temperature", "state_topic": "homeassistant/sensor/sensorBedroom/state",
           "unit_of_measurement": "°C", "value_template": "{{ value_json.temperature}}",
           "unique_id": "temp01ae",
           "device": {"identifiers": ["bedroom01ae"], "name": "Bedroom",
                      "manufacturer": "Example sensors Ltd.", "model": "Example Sensor",
                      "model_id": "K9", "serial_number": "12AE3010545", "hw_version": "1.01a",
                      "sw_version": "2024.1.0",
                      "configuration_url": "https://example.com/sensor_portal/config"}})"},
      {"homeassistant/switch/irrigation/config",
       R"({"name": null, "command_topic": "homeassistant/switch/irrigation/set",
           "state_topic": "homeassistant/switch/irrigation/state", "unique_id": "irr01ad",
           "device": {"identifiers": ["garden01ad"], "name": "Garden"}})"},
      // Abbreviations and a base topic.
      {"homeassistant/switch/irrigation/config",
       R"({"~": "homeassistant/switch/irrigation", "name": null, "uniq_id": "irr01ad",
           "cmd_t": "~/set", "stat_t": "~/state", "dev": {"ids": ["garden01ad"], "name": "Garden"}})"},
      {"homeassistant/button/bedroom_switch/reboot/config",
       R"({"unique_id": "bedroom_switch_reboot_btn", "name": "Restart Bedroom Switch",
           "command_topic": "home/bedroom/switch1/commands", "payload_press": "restart",
           "availability": [{"topic": "home/bedroom/switch1/available"}], "qos": 0,
           "retain": false, "entity_category": "config", "device_class": "restart"})"},
      // Remote code validation: Home Assistant passes the typed code on.
      {"homeassistant/alarm_control_panel/alarmdecoder/config",
       R"({"name": "Alarm", "state_topic": "alarmdecoder/panel",
           "command_topic": "alarmdecoder/panel/set", "code": "REMOTE_CODE",
           "command_template": "{ \"action\": \"{{ action }}\", \"code\":\"{{ code }}\" }"})"},
      {"homeassistant/event/doorbell/config",
       R"({"name": "Doorbell", "state_topic": "home/doorbell/state", "unique_id": "doorbell01",
           "event_types": ["press", "hold"], "device_class": "doorbell"})"},
      // Device-based discovery.
      {"homeassistant/device/0AFFD2/config",
       R"({"dev": {"ids": "0AFFD2", "name": "Garden", "mf": "Bla electronics", "mdl": "xya",
                   "sw": "1.0", "sn": "ea334450945afc", "hw": "1.0rev2"},
           "o": {"name": "bla2mqtt", "sw": "2.1", "url": "https://bla2mqtt.example.com/support"},
           "cmps": {
             "some_unique_component_id1": {"p": "sensor", "device_class": "temperature",
               "unit_of_measurement": "°C", "value_template": "{{ value_json.temperature}}",
               "unique_id": "temp01ae_t"},
             "some_unique_id2": {"p": "sensor", "device_class": "humidity",
               "unit_of_measurement": "%", "value_template": "{{ value_json.humidity}}",
               "unique_id": "temp01ae_h"}},
           "state_topic": "sensorBedroom/state", "qos": 2})"},
  };
  for (const auto& example : examples) {
    INFO(example.first << " " << example.second);
    const std::vector<std::string> messages = Check(example.first, example.second);
    CHECK_MESSAGE(messages.empty(), Joined(messages));
  }
}

TEST_CASE("home assistant schema: a misspelt key is reported as dropped, with the key meant") {
  const auto messages = Check(kBinarySensor, R"({"stat_topic": "garden/state"})");
  CHECK(Reports(messages, {"stat_topic", "Home Assistant drops it", "did you mean 'state_topic'"}));
  CHECK(Reports(messages, {"missing required key state_topic"}));
}

TEST_CASE("home assistant schema: a device class Home Assistant does not know is reported") {
  const auto messages = Check(kBinarySensor, R"({"state_topic": "g/s", "device_class": "dor"})");
  CHECK(Reports(messages, {"device_class", "\"dor\"", "did you mean 'door'"}));
  // vol.Lower: Home Assistant lower-cases the device class before it looks it up.
  CHECK(Check(kBinarySensor, R"({"state_topic": "g/s", "device_class": "DOOR"})").empty());
  CHECK(Check(kBinarySensor, R"({"state_topic": "g/s", "device_class": null})").empty());
  CHECK_FALSE(Check("homeassistant/switch/s/config",
                    R"({"command_topic": "s/set", "device_class": "door"})")
                  .empty());
}

TEST_CASE("home assistant schema: an event needs event_types, and at least one") {
  CHECK(Reports(Check("homeassistant/event/bell/config", R"({"state_topic": "bell/state"})"),
                {"missing required key event_types"}));
  CHECK(Reports(Check("homeassistant/event/bell/config",
                      R"({"state_topic": "bell/state", "event_types": []})"),
                {"event_types", "invalid event type"}));
  CHECK(Reports(Check("homeassistant/event/bell/config",
                      R"({"state_topic": "bell/state", "event_types": ["ring"],
                          "device_class": "bell"})"),
                {"device_class", "not one of the event_device_class values"}));
}

TEST_CASE("home assistant schema: abbreviated keys are expanded before the check") {
  const char* const abbreviated =
      R"({"stat_t": "garden/state", "dev_cla": "door", "uniq_id": "garden_door",
          "json_attr_t": "garden/state", "val_tpl": "{{ value_json.state }}",
          "dev": {"ids": "garden", "mf": "homesec", "mdl": "homesecd", "sw": "1.0"},
          "avty": [{"t": "garden/availability", "pl_avail": "up", "pl_not_avail": "down"}],
          "avty_mode": "all", "o": {"name": "homesec", "sw": "1.0", "url": "https://example.com"}})";
  const auto messages = Check(kBinarySensor, abbreviated);
  CHECK_MESSAGE(messages.empty(), Joined(messages));
  // An abbreviation of the wrong table is still an unknown key.
  CHECK(Reports(Check(kBinarySensor, R"({"stat_t": "g/s", "uniq_id": "g", "dev": {"uniq_id": "x",
                                        "ids": "g"}})"),
                {"device.uniq_id", "unknown device key", "refuses the whole config"}));
}

TEST_CASE("home assistant schema: values of the wrong type are reported") {
  const auto messages = Check("homeassistant/switch/s/config",
                              R"({"command_topic": "s/set", "qos": "1", "retain": "yes",
                                  "name": 5, "icon": "shield", "enabled_by_default": 1,
                                  "command_template": "{{ value"})");
  CHECK(Reports(messages, {"qos", "expected a QoS of 0, 1 or 2"}));
  CHECK(Reports(messages, {"retain", "expected true or false"}));
  CHECK(Reports(messages, {"name", "expected a string or null"}));
  CHECK(Reports(messages, {"icon", "prefix:name"}));
  CHECK(Reports(messages, {"enabled_by_default", "expected true or false"}));
  CHECK(Reports(messages, {"command_template", "'{{' is never closed"}));
  CHECK(Reports(Check(kBinarySensor, R"({"state_topic": "g/s", "off_delay": -5})"),
                {"off_delay", "integer >= 0"}));
}

TEST_CASE("home assistant schema: command topics take no wildcards, state topics only whole ones") {
  CHECK(Reports(Check("homeassistant/switch/s/config", R"({"command_topic": "s/+/set"})"),
                {"command_topic", "wildcards"}));
  CHECK(Reports(Check(kBinarySensor, R"({"state_topic": "garden/state+"})"),
                {"state_topic", "entire level"}));
  CHECK(Reports(Check(kBinarySensor, R"({"state_topic": "garden/#/state"})"),
                {"state_topic", "last character"}));
  CHECK(Reports(Check(kBinarySensor, R"({"state_topic": ""})"), {"must not be empty"}));
  CHECK(Check(kBinarySensor, R"({"state_topic": "garden/+/state/#"})").empty());
}

TEST_CASE(
    "home assistant schema: entity category is config or diagnostic, never config on a sensor") {
  CHECK(Reports(Check(kBinarySensor, R"({"state_topic": "g/s", "entity_category": "config"})"),
                {"entity_category", "cannot be added with entity category config"}));
  CHECK(Reports(Check("homeassistant/sensor/s/config",
                      R"({"state_topic": "g/s", "entity_category": "config"})"),
                {"entity_category", "a sensor cannot be added"}));
  CHECK(Reports(Check(kBinarySensor, R"({"state_topic": "g/s", "entity_category": "primary"})"),
                {"entity_category", "not one of the entity_category values"}));
  CHECK(Check(kBinarySensor, R"({"state_topic": "g/s", "entity_category": "diagnostic"})").empty());
  CHECK(Check("homeassistant/switch/s/config",
              R"({"command_topic": "s/set", "entity_category": "config"})")
            .empty());
}

TEST_CASE(
    "home assistant schema: availability entries need a topic, and exclude availability_topic") {
  CHECK(Reports(Check(kBinarySensor,
                      R"({"state_topic": "g/s", "availability": [{"payload_available": "up"}]})"),
                {"availability[0]", "missing required key topic"}));
  CHECK(Reports(Check(kBinarySensor, R"({"state_topic": "g/s", "availability_topic": "g/a",
                                        "availability": [{"topic": "g/a"}]})"),
                {"exclude each other"}));
  CHECK(Reports(Check(kBinarySensor, R"({"state_topic": "g/s", "availability_mode": "most"})"),
                {"availability_mode", "not one of the availability_mode values"}));
}

TEST_CASE(
    "home assistant schema: a device needs identifiers or connections, its entity a unique_id") {
  CHECK(Reports(Check(kBinarySensor,
                      R"({"state_topic": "g/s", "unique_id": "g", "device": {"name": "Garden"}})"),
                {"identifiers and connections"}));
  CHECK(Reports(Check(kBinarySensor, R"({"state_topic": "g/s", "device": {"identifiers": "g"}})"),
                {"device is ignored without unique_id"}));
  CHECK(Check(kBinarySensor, R"({"state_topic": "g/s", "unique_id": "g",
                                 "device": {"connections": [["mac", "02:5b:26:a8:dc:12"]]}})")
            .empty());
  CHECK(Reports(Check(kBinarySensor, R"({"state_topic": "g/s", "unique_id": "g",
                                        "device": {"connections": ["mac", "02:5b"]}})"),
                {"device.connections", "[type, id] pairs"}));
}

TEST_CASE(
    "home assistant schema: an alarm panel's features are Home Assistant's, its code any text") {
  const std::string base = R"("state_topic": "a/state", "command_topic": "a/set")";
  CHECK(Reports(
      Check("homeassistant/alarm_control_panel/a/config",
            "{" + base + R"(, "supported_features": ["arm_home", "disarm"]})"),
      {"supported_features", "\"disarm\" is not one of the alarm_supported_feature values"}));
  CHECK(Reports(Check("homeassistant/alarm_control_panel/a/config",
                      "{" + base + R"(, "supported_features": "arm_home"})"),
                {"supported_features", "expected a list"}));
  for (const char* code : {"REMOTE_CODE", "REMOTE_CODE_TEXT", "1234"}) {
    CHECK(Check("homeassistant/alarm_control_panel/a/config",
                "{" + base + R"(, "code": ")" + code + R"("})")
              .empty());
  }
  CHECK(Reports(Check("homeassistant/alarm_control_panel/a/config", R"({"state_topic": "a/s"})"),
                {"missing required key command_topic"}));
}

TEST_CASE(
    "home assistant schema: a sensor's options, unit and state class must fit its device class") {
  const std::string topic = "homeassistant/sensor/s/config";
  CHECK(Reports(Check(topic, R"({"state_topic": "s", "device_class": "temperature",
                                 "unit_of_measurement": "C"})"),
                {"'C' is not valid together with device class 'temperature'"}));
  CHECK(Check(topic, R"({"state_topic": "s", "device_class": "temperature",
                         "unit_of_measurement": "°C", "state_class": "measurement"})")
            .empty());
  CHECK(Reports(Check(topic, R"({"state_topic": "s", "device_class": "temperature",
                                 "options": ["hot", "cold"]})"),
                {"options", "device class enum"}));
  CHECK(Check(topic, R"({"state_topic": "s", "device_class": "enum", "options": ["a", "b"]})")
            .empty());
  CHECK(Reports(Check(topic, R"({"state_topic": "s", "device_class": "timestamp",
                                 "state_class": "measurement"})"),
                {"'timestamp' is not numeric"}));
  CHECK(Reports(Check(topic, R"({"state_topic": "s", "state_class": "measurement_angle",
                                 "unit_of_measurement": "rad"})"),
                {"state class 'measurement_angle'"}));
  CHECK(Reports(Check(topic, R"({"state_topic": "s", "device_class": "temperature",
                                 "unit_of_measurement": "°C", "state_class": "total"})"),
                {"does not fit device class 'temperature'"}));
  CHECK(Reports(Check(topic, R"({"state_topic": "s", "last_reset_value_template": "{{ 1 }}"})"),
                {"last_reset_value_template"}));
  // AMBIGUOUS_UNITS: the micro sign is read as the Greek mu.
  CHECK(Check(topic,
              "{\"state_topic\": \"s\", \"device_class\": \"pm25\", "
              "\"unit_of_measurement\": \"\u00b5g/m\u00b3\"}")
            .empty());
}

TEST_CASE("home assistant schema: the discovery topic's form and component are checked") {
  const std::string payload = R"({"state_topic": "g/s"})";
  CHECK(Check("homeassistant/binary_sensor/node1/garden/config", payload).empty());
  CHECK(Reports(Check("homeassistant/binary_sensor/front.door/config", payload),
                {"'front.door'", "[a-zA-Z0-9_-]"}));
  CHECK(Reports(Check("homeassistant/binary_sensor/garden/state", payload),
                {"not a discovery topic"}));
  CHECK(Reports(Check("homeassistant/binary_sensor/a/b/garden/config", payload),
                {"not a discovery topic"}));
  CHECK(Reports(Check("homeasistant/binary_sensor/garden/config", payload), {"discovery prefix"}));
  CHECK(Reports(Check("homeassistant/binary_sensors/garden/config", payload),
                {"does not support", "did you mean 'binary_sensor'"}));
  // Supported by Home Assistant but not described: a failure to fix, never a pass.
  CHECK(Reports(Check("homeassistant/light/garden/config", R"({"command_topic": "l/set"})"),
                {"does not describe it"}));
}

TEST_CASE("home assistant schema: object_id is gone, default_entity_id replaces it") {
  CHECK(Reports(Check(kBinarySensor, R"({"state_topic": "g/s", "obj_id": "garden"})"),
                {"object_id", "default_entity_id"}));
  CHECK(Check(kBinarySensor, R"({"state_topic": "g/s", "def_ent_id": "binary_sensor.garden"})")
            .empty());
}

TEST_CASE("home assistant schema: an origin needs a name") {
  CHECK(Reports(Check(kBinarySensor, R"({"state_topic": "g/s", "o": {"sw": "1.0"}})"),
                {"origin", "missing required key name"}));
}

TEST_CASE("home assistant schema: device discovery refuses unknown keys and needs unique ids") {
  const auto messages = Check("homeassistant/device/garden/config",
                              R"({"dev": {"ids": "garden"}, "o": {"name": "homesec"},
                                  "stat_topic": "g/s",
                                  "cmps": {"door": {"p": "binary_sensor", "state_topic": "g/s"},
                                           "bulb": {"p": "lamp"}}})");
  CHECK(Reports(messages, {"stat_topic", "refuses the whole device payload"}));
  CHECK(Reports(messages, {"door", "device is ignored without unique_id"}));
  CHECK(Reports(messages, {"bulb", "'lamp' is not supported"}));
  CHECK(Reports(Check("homeassistant/device/garden/config", R"({"dev": {"ids": "garden"}})"),
                {"missing required key origin"}));
}

namespace {

// Every zone type with every property it may watch (daemon/config_zones.cpp PropertiesFor),
// so that every device class DeviceClassFor picks is published at least once.
AppConfig RichConfig() {
  AppConfig config;
  config.hub.id = "shinan-xianyou-0042";
  config.hub.name = "3-201 Xianyou Rd";
  struct Zone {
    const char* id;
    ZoneType type;
    const char* property;
    const char* name;
  };
  const std::vector<Zone> zones{
      {"front_door", ZoneType::kEntryExit, "contact", "Front door"},
      {"front_door_latch", ZoneType::kEntryExit, "latch", ""},
      {"hall_follower", ZoneType::kEntryFollower, "occupancy", "Hall"},
      {"hall_follower_door", ZoneType::kEntryFollower, "contact", ""},
      {"hall_follower_latch", ZoneType::kEntryFollower, "latch", ""},
      {"hall_follower_glass", ZoneType::kEntryFollower, "vibration", ""},
      {"kitchen_window", ZoneType::kPerimeter, "contact", "K\u00fcche \"Fenster\" \\ 1"},
      {"bedroom_latch", ZoneType::kPerimeter, "latch", ""},
      {"patio_glass", ZoneType::kPerimeter, "vibration", ""},
      {"back_door", ZoneType::kPerimeter, "contact", ""},
      {"living_motion", ZoneType::kInterior, "occupancy", "Living room"},
      {"inner_door", ZoneType::kInterior, "contact", ""},
      {"inner_latch", ZoneType::kInterior, "latch", ""},
      {"safe_vibration", ZoneType::kInterior, "vibration", ""},
      {"siren_tamper", ZoneType::kTamper24h, "tamper", ""},
      {"hall_smoke", ZoneType::kFire24h, "smoke", "Hall smoke"},
      {"bath_leak", ZoneType::kWater24h, "water_leak", ""},
      {"kitchen_gas", ZoneType::kGas24h, "gas", ""},
      {"boiler_co", ZoneType::kGas24h, "co", ""},
      {"bedside_panic", ZoneType::kPanic24h, "panic", ""},
      {"front_lock", ZoneType::kLock, "lock_state", ""},
      {"unit_door", ZoneType::kDoorHeld, "contact", ""},
      {"unit_door_latch", ZoneType::kDoorHeld, "latch", ""},
  };
  for (const Zone& zone : zones) {
    ZoneConfig z;
    z.id = zone.id;
    z.type = zone.type;
    z.property = zone.property;
    z.name = zone.name;
    z.device = std::string(zone.id) + "_device";
    config.panel.zones.push_back(z);
    // Each on a device of its own: a GPIO line for the latches, Zigbee for the others.
    DeviceConfig device;
    device.id = z.device;
    if (z.property == "latch") {
      device.source = GpioLineConfig{};
    } else {
      ZigbeeDeviceConfig zigbee;
      zigbee.friendly_name = "room/" + z.id;
      device.source = zigbee;
      device.name = zone.name;
    }
    config.devices.push_back(device);
  }
  config.uplink.enabled = true;
  ZoneConfig silent;
  silent.id = "silent_panic";
  silent.type = ZoneType::kPanic24h;
  silent.property = "panic";
  silent.silent = true;
  config.panel.zones.push_back(silent);
  return config;
}

// The same hub as an installer may also set it up: the shared command topic, no code to arm,
// its own topic prefix, no hub name.
AppConfig RichConfigVariant() {
  AppConfig config = RichConfig();
  config.hub.name.clear();
  config.local_mqtt.home_assistant_account.clear();
  config.local_mqtt.topic_prefix = "site/flat-3";
  config.panel.codes.code_required_to_arm = false;
  config.panel.codes.code_required_to_bypass = false;
  config.uplink.enabled = false;
  return config;
}

// What an inventory tells of every Zigbee device: with a battery, and without one.
std::map<std::string, DeviceFacts> RichFacts(const AppConfig& config) {
  std::map<std::string, DeviceFacts> facts;
  bool battery = true;
  for (const DeviceConfig& device : config.devices) {
    if (!std::holds_alternative<ZigbeeDeviceConfig>(device.source)) continue;
    facts[device.id] = DeviceFacts{"SNZB-04", "SONOFF", "0x00124b0000000001", battery};
    battery = !battery;
  }
  return facts;
}

}  // namespace

TEST_CASE("home assistant schema: every discovery payload homesecd publishes is valid") {
  for (const AppConfig& config : {RichConfig(), RichConfigVariant()}) {
    // Before the inventory came, and after it named every device.
    std::vector<MqttOut> messages = DiscoveryMessages(config);
    REQUIRE_FALSE(messages.empty());
    for (MqttOut& message : DiscoveryMessages(config, RichFacts(config))) {
      messages.push_back(std::move(message));
    }
    for (const MqttOut& message : messages) {
      INFO("topic " << message.topic);
      INFO("payload " << message.payload);
      const nlohmann::json payload = nlohmann::json::parse(message.payload, nullptr, false);
      REQUIRE_MESSAGE(!payload.is_discarded(), "the payload is not JSON");
      // Whatever the component: one the schema file does not describe is reported as such.
      const std::vector<std::string> problems = CheckDiscovery(Schema(), message.topic, payload);
      CHECK_MESSAGE(problems.empty(), Joined(problems));
    }
  }
}

}  // namespace homesec
