// Home Assistant discovery payloads.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "daemon/ha_discovery.hpp"
#include "daemon/local_command.hpp"

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

// The discovery config on `topic`; null when there is none.
nlohmann::json ConfigOn(const AppConfig& config, const std::string& topic) {
  for (const MqttOut& out : DiscoveryMessages(config)) {
    if (out.topic == topic) return nlohmann::json::parse(out.payload);
  }
  return nullptr;
}

nlohmann::json Panel(const AppConfig& config) {
  return ConfigOn(config, "homeassistant/alarm_control_panel/h1/config");
}

}  // namespace

TEST_CASE("discovery: the alarm panel passes the typed code through to homesecd") {
  const auto messages = DiscoveryMessages(TwoZones());
  REQUIRE(!messages.empty());
  CHECK(messages[0].topic == "homeassistant/alarm_control_panel/h1/config");
  for (const MqttOut& message : messages) CHECK(message.retain);
  const auto panel = nlohmann::json::parse(messages[0].payload);
  CHECK(panel["code"] == "REMOTE_CODE");
  CHECK(panel["state_topic"] == "homesec/h1/state");
  // Home Assistant's own account topic, which only it may write: its own lockout source.
  CHECK(panel["command_topic"] == "homesec/h1/command/homeassistant");
  CHECK(panel["command_template"] == kCommandTemplate);
  CHECK(panel["availability"] == nlohmann::json::array({{{"topic", "homesec/h1/availability"}}}));
}

TEST_CASE("discovery: the panel publishes as the configured account, or on the shared topic") {
  AppConfig config = TwoZones();
  config.local_mqtt.command_accounts = {"ha-kitchen"};
  config.local_mqtt.home_assistant_account = "ha-kitchen";
  CHECK(Panel(config)["command_topic"] == "homesec/h1/command/ha-kitchen");
  config.local_mqtt.home_assistant_account = "";
  CHECK(Panel(config)["command_topic"] == "homesec/h1/command");
}

TEST_CASE("discovery: one binary sensor per zone with a device class from its type") {
  const auto door = ConfigOn(TwoZones(), "homeassistant/binary_sensor/h1_front_door/config");
  const auto smoke = ConfigOn(TwoZones(), "homeassistant/binary_sensor/h1_hall_smoke/config");
  CHECK(door["device_class"] == "door");
  CHECK(smoke["device_class"] == "smoke");
  CHECK(smoke["state_topic"] == "homesec/h1/zone/hall_smoke");
}

TEST_CASE("discovery: off means no messages") {
  AppConfig config = TwoZones();
  config.local_mqtt.discovery = false;
  CHECK(DiscoveryMessages(config).empty());
}

namespace {

// What Home Assistant renders from the command template (its Jinja variables `action` and
// `code`, `code` None when nothing was typed; to_json as Python's json.dumps; now() fixed).
std::string Render(std::string text, const std::string& action,
                   const std::optional<std::string>& code) {
  auto replace = [&text](const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
      text.replace(at, from.size(), to);
      at += to.size();
    }
  };
  replace("{{ action | to_json }}", nlohmann::json(action).dump());
  replace("{{ code | to_json }}", code ? nlohmann::json(*code).dump() : "null");
  replace("{{action}}", action);
  replace("{{code}}", code.value_or("None"));
  replace("{{ now().timestamp() }}", "1796170000.123456");
  replace("{{ now().isoformat() }}", "2026-12-02T01:00:00.123456+00:00");
  return text;
}

}  // namespace

TEST_CASE(
    "discovery: any code a resident types reaches homesecd as valid JSON, and no code as none") {
  const std::string command_template = kCommandTemplate;
  // A code with a quote or a backslash (keypads in Home Assistant take any text).
  const std::string code = R"(12"3\4)";
  INFO(Render(command_template, "DISARM", code));
  const LocalCommandParse quoted =
      ParseLocalCommand(Render(command_template, "DISARM", code), false);
  REQUIRE(quoted.command.has_value());
  CHECK(quoted.command->code == std::optional<std::string>(code));
  // No code typed (a trigger): Home Assistant's None is no code, not the text "None".
  const LocalCommandParse none = ParseLocalCommand(Render(command_template, "TRIGGER", {}), false);
  REQUIRE(none.command.has_value());
  CHECK_FALSE(none.command->code.has_value());
}

TEST_CASE("discovery: a trigger needs no code, as homesecd takes it") {
  CHECK(Panel(TwoZones())["code_trigger_required"] == false);
}

TEST_CASE("discovery: a zone homesecd does not know shows unknown, not closed") {
  const auto sensor = ConfigOn(TwoZones(), "homeassistant/binary_sensor/h1_front_door/config");
  const std::string value_template = sensor["value_template"];
  // Home Assistant sets a binary sensor unknown when its template renders "None" (rendered in
  // tests/integration/home_assistant_test.cpp as Home Assistant does).
  CHECK(value_template.find("'None' if not value_json.known") != std::string::npos);
  ZoneChanged unknown;
  unknown.status = ZoneStatus::kTrouble;  // a zone in trouble may be unknown all the same
  CHECK(ZonePayload(unknown)["known"] == false);
}

TEST_CASE("discovery: the device class follows the zone's meaning") {
  ZoneConfig zone;
  zone.type = ZoneType::kGas24h;
  zone.property = "co";
  CHECK(DeviceClassFor(zone) == "carbon_monoxide");
  zone.property = "gas";
  CHECK(DeviceClassFor(zone) == "gas");
  zone.type = ZoneType::kPerimeter;
  zone.property = "vibration";
  CHECK(DeviceClassFor(zone) == "vibration");
  // A lock zone is "open" when the cylinder is attacked (forced, picked, jammed): safety's
  // on = unsafe says that; lock's on = unlocked would call a locked door unlocked.
  zone.type = ZoneType::kLock;
  zone.property = "lock_state";
  CHECK(DeviceClassFor(zone) == "safety");
}

}  // namespace homesec

namespace homesec {

TEST_CASE("discovery: a refused arm is a failed_to_arm notice with the open zones") {
  CommandResult result;
  result.action = CommandAction::kArmAway;
  result.source = "mqtt:homeassistant";
  result.reason = "zones_open";
  result.open_zones = {"kitchen_window"};
  const auto notice = NoticeForResult(result);
  REQUIRE(notice.has_value());
  CHECK((*notice)["event_type"] == "failed_to_arm");
  CHECK((*notice)["open_zones"] == nlohmann::json::array({"kitchen_window"}));
  result.reason = "invalid_code";
  CHECK((*NoticeForResult(result))["event_type"] == "invalid_code");
  result.reason = "locked_out";
  CHECK((*NoticeForResult(result))["event_type"] == "locked_out");
  result.reason = "not_allowed";
  CHECK((*NoticeForResult(result))["event_type"] == "command_refused");
  result.accepted = true;
  result.reason = "ok";
  CHECK_FALSE(NoticeForResult(result).has_value());
}

TEST_CASE("discovery: every notice's event type is one the event entity declares") {
  const std::vector<std::string>& types = NoticeTypes();
  const auto declared = [&](const std::optional<nlohmann::json>& notice) {
    return !notice || std::find(types.begin(), types.end(),
                                (*notice)["event_type"].get<std::string>()) != types.end();
  };
  for (const char* reason : {"zones_open", "invalid_code", "locked_out", "not_allowed", "other"}) {
    CommandResult result;
    result.reason = reason;
    CHECK(declared(NoticeForResult(result)));
  }
  for (int category = 0; category <= static_cast<int>(EventCategory::kTest); ++category) {
    for (const char* type : {"armed", "disarmed", "alarm_cancel", "code_lockout", "burglary"}) {
      Event event;
      event.category = static_cast<EventCategory>(category);
      event.type = type;
      CHECK(declared(NoticeForEvent(event)));
    }
  }
}

TEST_CASE("discovery: a silent event is never a notice") {
  Event duress;
  duress.category = EventCategory::kAlarm;
  duress.type = "duress";
  duress.silent = true;
  CHECK_FALSE(NoticeForEvent(duress).has_value());
  duress.silent = false;
  CHECK((*NoticeForEvent(duress))["event_type"] == "alarm");
}

TEST_CASE("discovery: only a config whose unique_id is this hub's is homesecd's own") {
  const AppConfig config = TwoZones();
  for (const MqttOut& out : DiscoveryMessages(config)) {
    CHECK(IsOwnDiscovery(config, out.topic, out.payload));
  }
  const std::string topic = "homeassistant/binary_sensor/h1_old_zone/config";
  CHECK(IsOwnDiscovery(config, topic,
                       R"({"uniq_id":"homesec_h1_old_zone","dev":{"ids":["homesec_h1"]}})"));
  CHECK(IsOwnDiscovery(config, topic,
                       R"({"unique_id":"homesec_h1_old","device":{"via_device":"homesec_h1"}})"));
  CHECK_FALSE(IsOwnDiscovery(config, topic, R"({"unique_id":"homesec_h1_old_zone"})"));
  CHECK_FALSE(IsOwnDiscovery(config, topic,
                             R"({"unique_id":"homesec_h2_old_zone","dev":{"ids":"homesec_h2"}})"));
  CHECK_FALSE(IsOwnDiscovery(config, topic, R"({"unique_id":"homesec_h10_zone"})"));
  // Hub "h1_x" on the same broker: its unique ids start like h1's, its device is not h1.
  CHECK_FALSE(IsOwnDiscovery(
      config, topic, R"({"unique_id":"homesec_h1_x_zone","dev":{"ids":["homesec_h1_x"]}})"));
  CHECK_FALSE(IsOwnDiscovery(config, topic, R"({"unique_id":12})"));
  CHECK_FALSE(IsOwnDiscovery(config, topic, "not json"));
  CHECK_FALSE(IsOwnDiscovery(config, topic, ""));
  CHECK_FALSE(
      IsOwnDiscovery(config, "zigbee2mqtt/x/config", R"({"unique_id":"homesec_h1_old_zone"})"));
}

}  // namespace homesec
