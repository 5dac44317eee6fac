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
const char* const kCommandTemplate =
    R"({"action":"{{action}}","code":"{{code}}","request_id":"ha-{{ now().timestamp() }}",)"
    R"("time":"{{ now().isoformat() }}"})";

LocalTopics MakeLocalTopics(const AppConfig& config) {
  return LocalTopics{config.local_mqtt.topic_prefix.empty() ? "homesec/" + config.hub.id
                                                            : config.local_mqtt.topic_prefix};
}

std::string DeviceClassFor(const ZoneConfig& zone) {
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
      return "lock";
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
                          {"value_template", "{{ 'ON' if value_json.open else 'OFF' }}"},
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
