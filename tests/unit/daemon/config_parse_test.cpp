// Config loader: a complete, valid config becomes the right AppConfig, and what it leaves out
// gets the documented defaults.
#include <doctest/doctest.h>

#include <fstream>

#include "daemon/config.hpp"
#include "tests/unit/daemon/config_test_support.hpp"

namespace homesec {
namespace {

nlohmann::json FullConfig() {
  return nlohmann::json::parse(R"({
    "_comment": "keys starting with an underscore are ignored",
    "hub": {"id": "shinan-xianyou-0042", "district": "qd-shinan", "name": "3-201 Xianyou Rd"},
    "storage": {"path": "/tmp/homesec-test.db"},
    "local_mqtt": {"host": "127.0.0.1", "port": 1883, "zigbee2mqtt_base": "z2m",
                   "topic_prefix": "home/sec", "discovery": false},
    "uplink": {"host": "platform.example", "port": 8884, "prefix": "homesec/v2",
               "heartbeat_s": 30, "max_inflight": 10, "client_id": "hub-42", "insecure": true},
    "devices": [
      {"id": "front_door", "name": "Front door", "zigbee": "front_door_sensor",
       "supervision": {"checkin_s": 3600, "unavailable_grace_s": 120}},
      {"id": "kitchen_latch", "gpio": {"chip": "sim0", "line": 3, "active_low": true,
        "bias": "pull_up", "debounce_ms": 20, "role": "latch"}},
      {"id": "hall_pir", "zigbee": "hall_pir"},
      {"id": "door_lock", "zigbee": "door_lock"},
      {"id": "smoke", "zigbee": "smoke_kitchen"},
      {"id": "panic_button", "gpio": {"chip": "gpiochip0", "line": "PANIC_BTN", "role": "panic"}}
    ],
    "zones": [
      {"id": "front_door", "name": "Front door", "type": "entry_exit", "device": "front_door",
       "chime": true},
      {"id": "kitchen_window", "number": 12, "type": "perimeter", "device": "kitchen_latch",
       "cross_zone_group": "ground", "allow_open_at_arming": true},
      {"id": "hall", "type": "interior", "device": "hall_pir", "property": "occupancy",
       "cross_zone_group": "ground", "swinger_limit": 3},
      {"id": "lock", "type": "lock", "device": "door_lock", "lock_wrong_code_burst": 3,
       "lock_wrong_code_window_s": 60},
      {"id": "smoke", "type": "fire_24h", "device": "smoke"},
      {"id": "panic", "type": "panic_24h", "device": "panic_button", "silent": true}
    ],
    "modes": {"armed_away": {"exit_delay_s": 45, "entry_delay_s": 20, "siren_s": 240},
              "armed_night": {"exit_delay_s": 0, "entry_delay_s": 10}},
    "codes": {"min_length": 6, "max_wrong": 3, "wrong_window_s": 300, "lockout_s": 120,
              "code_required_to_arm": false},
    "cross_zone_window_s": 300,
    "outputs": [
      {"id": "hall_siren", "kind": "siren", "zigbee": "hall_siren", "level": "very_high",
       "strobe": false},
      {"id": "relay", "kind": "siren", "gpio": {"chip": "sim0", "line": 7}},
      {"id": "dog", "kind": "deterrent", "gpio": {"chip": "sim0", "line": 8, "active_low": true}},
      {"id": "keypad", "kind": "keypad", "zigbee": "hall_keypad"},
      {"id": "tuya", "kind": "siren", "zigbee": "tuya_siren", "driver": "tuya_siren"}
    ],
    "log_level": "debug",
    "sim_gpio_dir": "/tmp/sim"
  })");
}

TEST_CASE("config: a complete valid config loads without errors") {
  const ConfigResult result = ParseConfig(FullConfig());
  INFO(test::AllErrors(result));
  REQUIRE(result.config.has_value());
  CHECK(result.errors.empty());
}

TEST_CASE("config: hub, storage and brokers are read as written") {
  const AppConfig config = *ParseConfig(FullConfig()).config;
  CHECK(config.hub.id == "shinan-xianyou-0042");
  CHECK(config.hub.district == "qd-shinan");
  CHECK(config.hub.name == "3-201 Xianyou Rd");
  CHECK(config.storage.path == "/tmp/homesec-test.db");
  CHECK(config.local_mqtt.zigbee2mqtt_base == "z2m");
  CHECK(config.local_mqtt.topic_prefix == "home/sec");
  CHECK_FALSE(config.local_mqtt.discovery);
  CHECK(config.uplink.broker.host == "platform.example");
  CHECK(config.uplink.broker.port == 8884);
  CHECK(config.uplink.prefix == "homesec/v2");
  CHECK(config.uplink.heartbeat == Seconds{30});
  CHECK(config.uplink.max_inflight == 10);
  CHECK(config.uplink.broker.client_id == "hub-42");
  CHECK_FALSE(config.uplink.broker.tls.has_value());
  CHECK(config.log_level == "debug");
  CHECK(config.sim_gpio_dir == "/tmp/sim");
}

TEST_CASE("config: GPIO and Zigbee devices become device configs with supervision") {
  const AppConfig config = *ParseConfig(FullConfig()).config;
  REQUIRE(config.devices.size() == 6);
  const DeviceConfig& door = config.devices[0];
  CHECK(door.name == "Front door");
  CHECK(std::get<ZigbeeDeviceConfig>(door.source).friendly_name == "front_door_sensor");
  CHECK(door.checkin_window == Seconds{3600});
  CHECK(door.unavailable_grace == Seconds{120});
  const auto& latch = std::get<GpioLineConfig>(config.devices[1].source);
  CHECK(latch.chip == "sim0");
  CHECK(std::get<int>(latch.line) == 3);
  CHECK(latch.active_low);
  CHECK(latch.bias == Bias::kPullUp);
  CHECK(latch.debounce == Millis{20});
  CHECK(latch.role == LineRole::kLatch);
  const auto& panic = std::get<GpioLineConfig>(config.devices[5].source);
  CHECK(std::get<std::string>(panic.line) == "PANIC_BTN");
  REQUIRE(config.panel.devices.size() == 6);
  CHECK(config.panel.devices[0].device == "front_door");
  CHECK(config.panel.devices[0].checkin_window == Seconds{3600});
  CHECK(config.panel.devices[0].unavailable_grace == Seconds{120});
}

TEST_CASE("config: zones carry their type, device, property and options") {
  const PanelConfig panel = ParseConfig(FullConfig()).config->panel;
  CHECK(panel.hub_id == "shinan-xianyou-0042");
  REQUIRE(panel.zones.size() == 6);
  const ZoneConfig& door = panel.zones[0];
  CHECK(door.type == ZoneType::kEntryExit);
  CHECK(door.name == "Front door");
  CHECK(door.chime);
  const ZoneConfig& window = panel.zones[1];
  CHECK(window.number == 12);
  CHECK(window.property == "latch");  // what its GPIO latch line reports
  CHECK(window.cross_zone_group == "ground");
  CHECK(window.allow_open_at_arming);
  CHECK(panel.zones[2].property == "occupancy");
  CHECK(panel.zones[2].swinger_limit == 3);
  CHECK(panel.zones[3].lock_wrong_code_burst == 3);
  CHECK(panel.zones[3].lock_wrong_code_window == Seconds{60});
  CHECK(panel.zones[5].type == ZoneType::kPanic24h);
  CHECK(panel.zones[5].property == "panic");
  CHECK(panel.zones[5].silent);
}

TEST_CASE("config: modes, codes and the cross-zone window fill the panel policy") {
  const PanelConfig panel = ParseConfig(FullConfig()).config->panel;
  const ModeTiming away = panel.TimingFor(Mode::kArmedAway);
  CHECK(away.exit_delay == Seconds{45});
  CHECK(away.entry_delay == Seconds{20});
  CHECK(away.siren == Seconds{240});
  const ModeTiming night = panel.TimingFor(Mode::kArmedNight);
  CHECK(night.exit_delay == Seconds{0});
  CHECK(night.entry_delay == Seconds{10});
  CHECK(night.siren == Seconds{180});  // default where the mode is silent about it
  CHECK(panel.codes.min_length == 6);
  CHECK(panel.codes.max_wrong == 3);
  CHECK(panel.codes.wrong_window == Seconds{300});
  CHECK(panel.codes.lockout == Seconds{120});
  CHECK_FALSE(panel.codes.code_required_to_arm);
  CHECK(panel.cross_zone_window == Seconds{300});
}

TEST_CASE("config: outputs pick their driver from their source and kind") {
  const AppConfig config = *ParseConfig(FullConfig()).config;
  REQUIRE(config.outputs.size() == 5);
  CHECK(config.outputs[0].driver == OutputDriver::kZigbeeSiren);
  CHECK(config.outputs[0].zigbee == "hall_siren");
  CHECK(config.outputs[0].level == "very_high");
  CHECK_FALSE(config.outputs[0].strobe);
  CHECK(config.outputs[1].driver == OutputDriver::kGpio);
  REQUIRE(config.outputs[1].gpio.has_value());
  CHECK(std::get<int>(config.outputs[1].gpio->line) == 7);
  CHECK(config.outputs[2].kind == "deterrent");
  CHECK(config.outputs[2].gpio->active_low);
  CHECK(config.outputs[3].driver == OutputDriver::kZigbeeKeypad);
  CHECK(config.outputs[4].driver == OutputDriver::kZigbeeTuyaSiren);
}

TEST_CASE("config defaults: zone numbers follow the list position") {
  const AppConfig config = *ParseConfig(test::MinimalConfig()).config;
  CHECK(config.panel.zones[0].number == 1);
  CHECK(config.panel.zones[1].number == 2);
}

TEST_CASE("config defaults: zone property follows the zone type") {
  nlohmann::json json = test::MinimalConfig();
  const char* types[][2] = {
      {"entry_exit", "contact"},     {"perimeter", "contact"}, {"interior", "contact"},
      {"entry_follower", "contact"}, {"door_held", "contact"}, {"fire_24h", "smoke"},
      {"water_24h", "water_leak"},   {"gas_24h", "gas"},       {"tamper_24h", "tamper"},
      {"panic_24h", "panic"},        {"lock", "lock_state"}};
  for (const auto& type_and_property : types) {
    // Not a structured binding: clang 14 cannot capture one (doctest's INFO captures).
    const char* type = type_and_property[0];
    const char* property = type_and_property[1];
    json["zones"][0] = {{"id", "z"}, {"type", type}, {"device", "front_door"}};
    const ConfigResult result = ParseConfig(json);
    INFO(type << ": " << test::AllErrors(result));
    REQUIRE(result.config.has_value());
    CHECK(result.config->panel.zones[0].property == property);
  }
}

TEST_CASE("config defaults: interior and entry-follower zones are bypassed in home and night") {
  nlohmann::json json = test::MinimalConfig();
  json["devices"].push_back({{"id", "pir"}, {"zigbee", "pir"}});
  json["devices"].push_back({{"id", "pir2"}, {"zigbee", "pir2"}});
  json["zones"].push_back({{"id", "hall"}, {"type", "interior"}, {"device", "pir"}});
  json["zones"].push_back({{"id", "corridor"}, {"type", "entry_follower"}, {"device", "pir2"}});
  const PanelConfig panel = ParseConfig(json).config->panel;
  const std::set<Mode> home_and_night{Mode::kArmedHome, Mode::kArmedNight};
  CHECK(panel.zones[0].bypass_in.empty());
  CHECK(panel.zones[1].bypass_in.empty());
  CHECK(panel.zones[2].bypass_in == home_and_night);
  CHECK(panel.zones[3].bypass_in == home_and_night);
}

TEST_CASE("config: an explicit bypass_in replaces the default") {
  nlohmann::json json = test::MinimalConfig();
  json["devices"].push_back({{"id", "pir"}, {"zigbee", "pir"}});
  json["zones"].push_back(
      {{"id", "hall"}, {"type", "interior"}, {"device", "pir"}, {"bypass_in", {"armed_night"}}});
  const PanelConfig panel = ParseConfig(json).config->panel;
  CHECK(panel.zones[2].bypass_in == std::set<Mode>{Mode::kArmedNight});
}

TEST_CASE("config defaults: topic prefix, client ids, storage, uplink and GPIO settings") {
  const AppConfig config = *ParseConfig(test::MinimalConfig()).config;
  CHECK(config.local_mqtt.topic_prefix == "homesec/shinan-xianyou-0042");
  CHECK(config.local_mqtt.broker.client_id == "homesecd-shinan-xianyou-0042");
  CHECK(config.uplink.broker.client_id == "shinan-xianyou-0042");
  CHECK(config.local_mqtt.zigbee2mqtt_base == "zigbee2mqtt");
  CHECK(config.local_mqtt.discovery);
  CHECK(config.storage.path == "/var/lib/homesec/homesec.db");
  CHECK(config.uplink.enabled);
  CHECK(config.uplink.prefix == "homesec/v1");
  CHECK(config.uplink.heartbeat == Seconds{60});
  CHECK(config.log_level == "info");
  CHECK(config.sim_gpio_dir == "/run/homesec/sim");
  const auto& line = std::get<GpioLineConfig>(config.devices[1].source);
  CHECK(line.debounce == Millis{50});
  CHECK(line.bias == Bias::kAsIs);
  CHECK(line.role == LineRole::kContact);
  CHECK(config.panel.codes.min_length == 4);
  CHECK(config.panel.TimingFor(Mode::kArmedAway).entry_delay == Seconds{30});
}

TEST_CASE("config defaults: an uplink with tls defaults to port 8883") {
  nlohmann::json json = test::MinimalConfig();
  json["uplink"] = {{"host", "platform.example"},
                    {"tls", {{"ca", "/dev/null"}, {"cert", "/dev/null"}, {"key", "/dev/null"}}}};
  const ConfigResult result = ParseConfig(json);
  INFO(test::AllErrors(result));
  REQUIRE(result.config.has_value());
  CHECK(result.config->uplink.broker.port == 8883);
  REQUIRE(result.config->uplink.broker.tls.has_value());
  CHECK(result.config->uplink.broker.tls->ca == "/dev/null");
}

TEST_CASE("config: a disabled uplink needs no host and no district") {
  nlohmann::json json = test::MinimalConfig();
  json["uplink"] = {{"enabled", false}};
  json["hub"].erase("district");
  const ConfigResult result = ParseConfig(json);
  INFO(test::AllErrors(result));
  REQUIRE(result.config.has_value());
  CHECK_FALSE(result.config->uplink.enabled);
}

TEST_CASE("config: codes.code_required_to_bypass defaults to true and may be turned off") {
  const ConfigResult defaults = ParseConfig(test::MinimalConfig());
  REQUIRE(defaults.config.has_value());
  CHECK(defaults.config->panel.codes.code_required_to_bypass);
  nlohmann::json json = test::MinimalConfig();
  json["codes"] = {{"code_required_to_bypass", false}};
  const ConfigResult off = ParseConfig(json);
  INFO(test::AllErrors(off));
  REQUIRE(off.config.has_value());
  CHECK_FALSE(off.config->panel.codes.code_required_to_bypass);
  CHECK(off.config->panel.codes.code_required_to_arm);  // the other policy is its own
  json["codes"] = {{"code_required_to_bypass", "no"}};
  test::RequireError(ParseConfig(json), "codes.code_required_to_bypass", "expected true or false",
                     "without quotes");
}

TEST_CASE("config: the example etc/homesec.json is valid") {
  // Its TLS files exist only on an installed hub: point them at a readable file here.
  std::ifstream file(std::string(HOMESEC_TEST_DATA_DIR) + "/../../etc/homesec.json");
  nlohmann::json json = nlohmann::json::parse(file);
  for (const char* key : {"ca", "cert", "key"}) json["uplink"]["tls"][key] = "/dev/null";
  const ConfigResult result = ParseConfig(json);
  INFO(test::AllErrors(result));
  REQUIRE(result.config.has_value());
  CHECK_FALSE(result.config->panel.zones.empty());
  CHECK_FALSE(result.config->outputs.empty());
  // Its normally-closed latches and lid switch are wired fail-safe (docs/gpio.md): pulled up,
  // active high, so an open window or a cut wire reads open.
  int fail_safe = 0;
  for (const nlohmann::json& device : json["devices"]) {
    if (!device.contains("gpio")) continue;
    const std::string role = device["gpio"].value("role", "contact");
    if (role != "latch" && role != "tamper") continue;
    INFO(device.dump());
    CHECK(device["gpio"]["active_low"] == false);
    CHECK(device["gpio"]["bias"] == "pull_up");
    ++fail_safe;
  }
  CHECK(fail_safe >= 3);
  // What --check-config prints after "config OK".
  const std::string summary = ConfigSummary(*result.config);
  INFO(summary);
  CHECK(summary.find("hub:          shinan-xianyou-0042") != std::string::npos);
  CHECK(summary.find("3 perimeter") != std::string::npos);
  CHECK(summary.find("GPIO)") != std::string::npos);
  CHECK(summary.find("hall_siren (siren)") != std::string::npos);
}

}  // namespace
}  // namespace homesec
