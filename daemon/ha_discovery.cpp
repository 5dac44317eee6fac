// Home Assistant discovery payloads
// (https://www.home-assistant.io/integrations/alarm_control_panel.mqtt/).
#include "daemon/ha_discovery.hpp"
#include "rules/json_limits.hpp"

#include <nlohmann/json.hpp>

namespace homesec {
namespace {

nlohmann::json Device(const AppConfig& config) {
  return nlohmann::json{
      {"identifiers", nlohmann::json::array({"homesec_" + config.hub.id})},
      {"name", config.hub.name.empty() ? "homesec " + config.hub.id : config.hub.name},
      {"manufacturer", "homesec"},
      {"model", "homesecd"}};
}

bool Contains(const std::string& text, const char* word) {
  return text.find(word) != std::string::npos;
}

}  // namespace

// Home Assistant renders it with `action` and `code` for each command; now() makes every
// command's request id unique and stamps its time, which homesecd needs to refuse a replay
// (docs/security.md).
// to_json makes any typed code valid JSON (a quote once broke the command) and an empty one
// null (it was the text "None").
const char* const kCommandTemplate =
    R"({"action":{{ action | to_json }},"code":{{ code | to_json }},)"
    R"("request_id":"ha-{{ now().timestamp() }}","time":"{{ now().isoformat() }}"})";

LocalTopics MakeLocalTopics(const AppConfig& config) {
  return LocalTopics{config.local_mqtt.topic_prefix.empty() ? "homesec/" + config.hub.id
                                                            : config.local_mqtt.topic_prefix};
}

std::string DeviceClassFor(const ZoneConfig& zone) {
  // The property says what the sensor is before the zone type says how the panel uses it.
  if (zone.property == "co") return "carbon_monoxide";
  if (zone.property == "vibration") return "vibration";
  switch (zone.type) {
    case ZoneType::kFire24h:
      return "smoke";
    case ZoneType::kWater24h:
      return "moisture";
    case ZoneType::kGas24h:
      return "gas";
    case ZoneType::kTamper24h:
      return "tamper";
    case ZoneType::kLock:
      // The zone is open when the cylinder is attacked (forced, picked, jammed): safety's on is
      // "unsafe". lock's on means unlocked, which a locked, attacked door is not.
      return "safety";
    case ZoneType::kInterior:
    case ZoneType::kEntryFollower:
      return zone.property == "occupancy" ? "motion" : "door";
    case ZoneType::kPanic24h:
      return "safety";
    case ZoneType::kPerimeter:
      // A window latch or a zone named like a window is a window; other perimeter zones doors.
      if (zone.property == "latch" || Contains(zone.id, "window")) return "window";
      return "door";
    case ZoneType::kEntryExit:
    case ZoneType::kDoorHeld:
      return "door";
  }
  return "opening";
}

std::vector<MqttOut> DiscoveryMessages(const AppConfig& config) {
  std::vector<MqttOut> out;
  if (!config.local_mqtt.discovery) return out;
  const LocalTopics topics = MakeLocalTopics(config);
  const std::string& base = config.local_mqtt.discovery_prefix;
  const std::string& hub = config.hub.id;

  nlohmann::json panel{
      {"name", nullptr},
      {"unique_id", "homesec_" + hub + "_panel"},
      {"state_topic", topics.State()},
      // Its own account's topic: the broker vouches that it is Home Assistant, so its wrong
      // codes lock out only Home Assistant (docs/security.md §6.1).
      {"command_topic", config.local_mqtt.home_assistant_account.empty()
                            ? topics.Command()
                            : topics.AccountCommand(config.local_mqtt.home_assistant_account)},
      // HA renders {{action}} and {{code}}; homesecd checks the code, not Home Assistant.
      {"command_template", kCommandTemplate},
      {"code", "REMOTE_CODE"},
      {"code_arm_required", config.panel.codes.code_required_to_arm},
      {"code_disarm_required", true},
      // homesecd takes TRIGGER without a code (docs/protocol.md §3.4); Home Assistant drops a
      // trigger without one unless told.
      {"code_trigger_required", false},
      {"supported_features",
       nlohmann::json::array({"arm_home", "arm_away", "arm_night", "arm_vacation", "trigger"})},
      {"availability_topic", topics.Availability()},
      {"json_attributes_topic", topics.Dispatch()},
      {"device", Device(config)}};
  out.push_back(MqttOut{base + "/alarm_control_panel/" + hub + "/config", DumpJson(panel), true});

  for (const ZoneConfig& zone : config.panel.zones) {
    nlohmann::json sensor{{"name", zone.name.empty() ? zone.id : zone.name},
                          {"unique_id", "homesec_" + hub + "_" + zone.id},
                          {"state_topic", topics.Zone(zone.id)},
                          // "None" is Home Assistant's unknown: a zone homesecd does not
                          // know (and refuses to arm on) must not show as closed.
                          {"value_template",
                           "{{ 'None' if value_json.status == 'unknown' else ('ON' if "
                           "value_json.open else 'OFF') }}"},
                          {"json_attributes_topic", topics.Zone(zone.id)},
                          {"device_class", DeviceClassFor(zone)},
                          {"availability_topic", topics.Availability()},
                          {"device", Device(config)}};
    out.push_back(MqttOut{base + "/binary_sensor/" + hub + "_" + zone.id + "/config",
                          DumpJson(sensor), true});
  }
  return out;
}

}  // namespace homesec
