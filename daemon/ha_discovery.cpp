// Home Assistant discovery payloads (https://www.home-assistant.io/integrations/mqtt/) and the
// documents of the local topics they read.
#include "daemon/ha_discovery.hpp"

#include <algorithm>

#include "rules/json_limits.hpp"

#ifndef HOMESEC_VERSION
#define HOMESEC_VERSION "0.0.0"
#endif

namespace homesec {
namespace {

using nlohmann::json;

bool Contains(const std::string& text, const char* word) {
  return text.find(word) != std::string::npos;
}

std::string HubIdentifier(const AppConfig& config) {
  return "homesec_" + config.hub.id;
}

json HubDevice(const AppConfig& config) {
  return json{{"identifiers", json::array({HubIdentifier(config)})},
              {"name", config.hub.name.empty() ? "homesec " + config.hub.id : config.hub.name},
              {"manufacturer", "homesec"},
              {"model", "homesecd"},
              {"sw_version", HOMESEC_VERSION}};
}

// A physical device: its own Home Assistant device, behind the hub. With its IEEE address it is
// also Zigbee2MQTT's device (Home Assistant merges devices that share an identifier), so a home
// that also runs Zigbee2MQTT's discovery sees one device, not two.
json PhysicalDevice(const AppConfig& config, const DeviceConfig& device, const DeviceFacts* facts) {
  json identifiers = json::array({HubIdentifier(config) + "_" + device.id});
  if (facts != nullptr && !facts->ieee.empty()) identifiers.push_back("zigbee2mqtt_" + facts->ieee);
  std::string name = device.name;
  if (name.empty()) {
    const auto* zigbee = std::get_if<ZigbeeDeviceConfig>(&device.source);
    name = zigbee != nullptr ? zigbee->friendly_name : device.id;
  }
  json out{{"identifiers", identifiers}, {"name", name}, {"via_device", HubIdentifier(config)}};
  if (facts != nullptr && !facts->model.empty()) out["model"] = facts->model;
  if (facts != nullptr && !facts->vendor.empty()) out["manufacturer"] = facts->vendor;
  if (std::holds_alternative<GpioLineConfig>(device.source)) out["model"] = "GPIO line";
  return out;
}

json Origin() {
  return json{{"name", "homesec"}, {"sw_version", HOMESEC_VERSION}};
}

json HubAvailability(const LocalTopics& topics) {
  return json::array({json{{"topic", topics.Availability()}}});
}

// Common to every entity: the ids, the device and origin, and the hub's availability.
json Entity(const AppConfig& config, const std::string& suffix, const json& name,
            const json& device) {
  return json{{"name", name},
              {"unique_id", HubIdentifier(config) + "_" + suffix},
              {"availability", HubAvailability(MakeLocalTopics(config))},
              {"device", device},
              {"origin", Origin()}};
}

void Add(std::vector<MqttOut>& out, const AppConfig& config, const std::string& component,
         const std::string& suffix, const json& payload) {
  out.push_back(MqttOut{config.local_mqtt.discovery_prefix + "/" + component + "/" + config.hub.id +
                            "_" + suffix + "/config",
                        DumpJson(payload), true});
}

json Diagnostic(json entity) {
  entity["entity_category"] = "diagnostic";
  return entity;
}

// "None" is Home Assistant's unknown, for binary sensors and sensors alike.
std::string OnOff(const std::string& expression) {
  return "{{ 'None' if " + expression + " is none else ('ON' if " + expression + " else 'OFF') }}";
}
std::string ValueOrNone(const std::string& expression) {
  return "{{ 'None' if " + expression + " is none else " + expression + " }}";
}

const DeviceConfig* FindDevice(const AppConfig& config, const std::string& id) {
  for (const DeviceConfig& device : config.devices) {
    if (device.id == id) return &device;
  }
  return nullptr;
}

const DeviceFacts* FactsOf(const std::map<std::string, DeviceFacts>& facts, const std::string& id) {
  const auto it = facts.find(id);
  return it == facts.end() ? nullptr : &it->second;
}

// Home Assistant's account topic, or the shared one.
std::string CommandTopic(const AppConfig& config, const LocalTopics& topics) {
  return config.local_mqtt.home_assistant_account.empty()
             ? topics.Command()
             : topics.AccountCommand(config.local_mqtt.home_assistant_account);
}

// A command without a code: a unique request id and the time, as kCommandTemplate has.
std::string CodelessTemplate(const std::string& fields) {
  return "{" + fields +
         R"(,"request_id":"ha-{{ now().timestamp() }}","time":"{{ now().isoformat() }}"})";
}

void AddPanel(std::vector<MqttOut>& out, const AppConfig& config, const LocalTopics& topics) {
  json panel = Entity(config, "panel", nullptr, HubDevice(config));
  panel["state_topic"] = topics.State();
  // Its own account's topic: the broker vouches that it is Home Assistant, so its wrong codes
  // lock out only Home Assistant (docs/security.md §6.1).
  panel["command_topic"] = CommandTopic(config, topics);
  // HA renders {{action}} and {{code}}; homesecd checks the code, not Home Assistant.
  panel["command_template"] = kCommandTemplate;
  panel["code"] = "REMOTE_CODE";
  panel["code_arm_required"] = config.panel.codes.code_required_to_arm;
  panel["code_disarm_required"] = true;
  // homesecd takes TRIGGER without a code (docs/protocol.md §3.4); Home Assistant drops a
  // trigger without one unless told.
  panel["code_trigger_required"] = false;
  panel["supported_features"] =
      json::array({"arm_home", "arm_away", "arm_night", "arm_vacation", "trigger"});
  panel["json_attributes_topic"] = topics.Panel();
  // The panel's own object id was the hub id before there were other entities: kept, so an
  // installation keeps its entity.
  out.push_back(MqttOut{
      config.local_mqtt.discovery_prefix + "/alarm_control_panel/" + config.hub.id + "/config",
      DumpJson(panel), true});

  // Force-arm: away with the open zones bypassed (homesec refuses a plain arm with zones open).
  // A button has no code to send: only where arming needs none.
  if (!config.panel.codes.code_required_to_arm) {
    json force =
        Entity(config, "arm_away_force", "Arm away, bypassing open zones", HubDevice(config));
    force["command_topic"] = CommandTopic(config, topics);
    force["command_template"] = CodelessTemplate(R"("action":"ARM_AWAY","force":true)");
    force["icon"] = "mdi:shield-lock-open";
    Add(out, config, "button", "arm_away_force", force);
  }

  json events = Entity(config, "events", "Events", HubDevice(config));
  events["state_topic"] = topics.Notice();
  events["event_types"] = NoticeTypes();
  events["icon"] = "mdi:shield-alert";
  Add(out, config, "event", "events", events);

  json watch = Entity(config, "watch", "Vacant-house watch", HubDevice(config));
  watch["state_topic"] = topics.Panel();
  watch["value_template"] = "{{ value_json.watch.state if value_json.watch else 'none' }}";
  watch["device_class"] = "enum";
  watch["options"] = json::array({"none", "scheduled", "arming", "blocked", "active", "visit",
                                  "overdue", "ended", "cancelled"});
  watch["json_attributes_topic"] = topics.Panel();
  watch["json_attributes_template"] = "{{ (value_json.watch or {}) | tojson }}";
  watch["icon"] = "mdi:home-export-outline";
  Add(out, config, "sensor", "watch", watch);
}

void AddHubDiagnostics(std::vector<MqttOut>& out, const AppConfig& config,
                       const LocalTopics& topics) {
  json bridge = Diagnostic(Entity(config, "bridge", "Zigbee bridge", HubDevice(config)));
  bridge["state_topic"] = topics.Hub();
  bridge["value_template"] = OnOff("value_json.bridge_online");
  bridge["device_class"] = "connectivity";
  Add(out, config, "binary_sensor", "bridge", bridge);

  if (config.uplink.enabled) {
    json uplink = Diagnostic(Entity(config, "uplink", "District platform", HubDevice(config)));
    uplink["state_topic"] = topics.Hub();
    uplink["value_template"] = OnOff("value_json.uplink_online");
    uplink["device_class"] = "connectivity";
    Add(out, config, "binary_sensor", "uplink", uplink);
  }

  json troubles = Diagnostic(Entity(config, "troubles", "Troubles", HubDevice(config)));
  troubles["state_topic"] = topics.Hub();
  troubles["value_template"] = "{{ value_json.troubles | count }}";
  troubles["json_attributes_topic"] = topics.Hub();
  troubles["json_attributes_template"] = "{{ {'troubles': value_json.troubles} | tojson }}";
  troubles["state_class"] = "measurement";
  troubles["icon"] = "mdi:alert-circle-outline";
  Add(out, config, "sensor", "troubles", troubles);
}

void AddZone(std::vector<MqttOut>& out, const AppConfig& config, const LocalTopics& topics,
             const ZoneConfig& zone, const json& device) {
  const std::string name = zone.name.empty() ? zone.id : zone.name;
  json sensor = Entity(config, zone.id, name, device);
  sensor["state_topic"] = topics.Zone(zone.id);
  // Unknown until a reading came: a zone homesecd does not know (and refuses to arm on) must not
  // show as closed. A lock zone is "unsafe" while attacked: in alarm.
  sensor["value_template"] = zone.type == ZoneType::kLock
                                 ? "{{ 'None' if not value_json.known else ('ON' if "
                                   "value_json.alarm else 'OFF') }}"
                                 : "{{ 'None' if not value_json.known else ('ON' if "
                                   "value_json.open else 'OFF') }}";
  sensor["json_attributes_topic"] = topics.Zone(zone.id);
  sensor["device_class"] = DeviceClassFor(zone);
  // Unavailable while its device is offline or silent, as well as while homesecd is.
  sensor["availability"].push_back(
      json{{"topic", topics.Zone(zone.id)},
           {"value_template", "{{ 'online' if value_json.available else 'offline' }}"}});
  sensor["availability_mode"] = "all";
  // Its object id, <hub>_<zone>, is the one it had before there were other entities.
  Add(out, config, "binary_sensor", zone.id, sensor);

  // A bypass switch where a resident may bypass without a code: Home Assistant's switch has no
  // code to send (with codes.code_required_to_bypass, bypass with homesecctl or a script that
  // sends the code: docs/home-assistant.md). Never for a zone that may not be bypassed.
  if (!config.panel.codes.code_required_to_bypass && BypassRefusal(zone.type).empty()) {
    json bypass = Entity(config, zone.id + "_bypass", name + " bypass", device);
    bypass["entity_category"] = "config";
    bypass["state_topic"] = topics.Zone(zone.id);
    bypass["value_template"] = "{{ 'ON' if value_json.bypassed else 'OFF' }}";
    bypass["command_topic"] = CommandTopic(config, topics);
    bypass["command_template"] =
        CodelessTemplate(R"("action":"{{ 'BYPASS' if value == 'ON' else 'UNBYPASS' }}","zone":)" +
                         json(zone.id).dump());
    bypass["icon"] = "mdi:shield-off-outline";
    Add(out, config, "switch", zone.id + "_bypass", bypass);
  }

  if (zone.type == ZoneType::kLock) {
    json lock = Entity(config, zone.id + "_lock", name + " lock", device);
    lock["state_topic"] = topics.Zone(zone.id);
    lock["value_template"] = "{{ value_json.lock_state if value_json.lock_state else 'None' }}";
    lock["availability"] = sensor["availability"];
    lock["availability_mode"] = "all";
    lock["icon"] = "mdi:lock-smart";
    Add(out, config, "sensor", zone.id + "_lock", lock);
  }
}

void AddDeviceDiagnostics(std::vector<MqttOut>& out, const AppConfig& config,
                          const LocalTopics& topics, const DeviceConfig& device,
                          const DeviceFacts* facts, const json& ha_device) {
  const std::string state = topics.Device(device.id);
  json online = Diagnostic(Entity(config, device.id + "_online", "Online", ha_device));
  online["state_topic"] = state;
  online["value_template"] = OnOff("value_json.available");
  online["device_class"] = "connectivity";
  Add(out, config, "binary_sensor", device.id + "_online", online);

  json link = Diagnostic(Entity(config, device.id + "_linkquality", "Link quality", ha_device));
  link["state_topic"] = state;
  link["value_template"] = ValueOrNone("value_json.linkquality");
  link["unit_of_measurement"] = "lqi";
  link["state_class"] = "measurement";
  link["icon"] = "mdi:signal";
  link["enabled_by_default"] = false;
  Add(out, config, "sensor", device.id + "_linkquality", link);

  if (facts == nullptr || !facts->battery) return;
  json battery = Diagnostic(Entity(config, device.id + "_battery", "Battery", ha_device));
  battery["state_topic"] = state;
  battery["value_template"] = ValueOrNone("value_json.battery");
  battery["device_class"] = "battery";
  battery["unit_of_measurement"] = "%";
  battery["state_class"] = "measurement";
  Add(out, config, "sensor", device.id + "_battery", battery);

  json low = Diagnostic(Entity(config, device.id + "_battery_low", "Battery low", ha_device));
  low["state_topic"] = state;
  low["value_template"] = OnOff("value_json.battery_low");
  low["device_class"] = "battery";
  Add(out, config, "binary_sensor", device.id + "_battery_low", low);
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

std::optional<std::string> ChildLevel(std::string_view parent, std::string_view topic) {
  if (!topic.starts_with(parent) || topic.size() == parent.size()) return std::nullopt;
  const std::string_view child = topic.substr(parent.size());
  if (child.find('/') != std::string_view::npos) return std::nullopt;
  return std::string(child);
}

std::string DeviceClassFor(const ZoneConfig& zone) {
  // The property says what the sensor is before the zone type says how the panel uses it.
  if (zone.property == "co") return "carbon_monoxide";
  if (zone.property == "vibration") return "vibration";
  if (zone.property == "tamper") return "tamper";
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
      if (Contains(zone.id, "garage")) return "garage_door";
      return "door";
    case ZoneType::kEntryExit:
    case ZoneType::kDoorHeld:
      return Contains(zone.id, "garage") ? "garage_door" : "door";
  }
  return "opening";
}

std::vector<MqttOut> DiscoveryMessages(const AppConfig& config,
                                       const std::map<std::string, DeviceFacts>& facts) {
  std::vector<MqttOut> out;
  if (!config.local_mqtt.discovery) return out;
  const LocalTopics topics = MakeLocalTopics(config);
  AddPanel(out, config, topics);
  AddHubDiagnostics(out, config, topics);
  for (const ZoneConfig& zone : config.panel.zones) {
    const DeviceConfig* device = FindDevice(config, zone.device);
    AddZone(out, config, topics, zone,
            device != nullptr ? PhysicalDevice(config, *device, FactsOf(facts, device->id))
                              : HubDevice(config));
  }
  for (const DeviceConfig& device : config.devices) {
    if (!std::holds_alternative<ZigbeeDeviceConfig>(device.source)) continue;
    const DeviceFacts* device_facts = FactsOf(facts, device.id);
    AddDeviceDiagnostics(out, config, topics, device, device_facts,
                         PhysicalDevice(config, device, device_facts));
  }
  return out;
}

std::string DiscoverySubscription(const AppConfig& config) {
  return config.local_mqtt.discovery_prefix + "/+/+/config";
}

bool IsOwnDiscovery(const AppConfig& config, std::string_view topic, std::string_view payload) {
  const std::string prefix = config.local_mqtt.discovery_prefix + "/";
  if (payload.empty() || !topic.starts_with(prefix) || !topic.ends_with("/config")) return false;
  std::string error;
  const std::optional<json> parsed = ParseJsonWithin(payload, kOwnDocumentLimits, &error);
  if (!parsed || !parsed->is_object()) return false;
  // Home Assistant accepts the abbreviations too.
  const auto field = [](const json& object, const char* name, const char* abbreviation) {
    const auto it = object.find(name);
    return it != object.end() ? it : object.find(abbreviation);
  };
  const auto id = field(*parsed, "unique_id", "uniq_id");
  if (id == parsed->end() || !id->is_string()) return false;
  const std::string hub = HubIdentifier(config);
  if (!id->get<std::string>().starts_with(hub + "_")) return false;
  // Hub ids may hold '_', so the unique_id's prefix alone could be another hub's ("h1" and
  // "h1_x"): the device must be this hub, or a device behind it.
  const auto device = field(*parsed, "device", "dev");
  if (device == parsed->end() || !device->is_object()) return false;
  const auto via = field(*device, "via_device", "via_dev");
  if (via != device->end() && via->is_string() && via->get<std::string>() == hub) return true;
  const auto ids = field(*device, "identifiers", "ids");
  if (ids == device->end()) return false;
  if (ids->is_string()) return ids->get<std::string>() == hub;
  return ids->is_array() && std::find(ids->begin(), ids->end(), json(hub)) != ids->end();
}

const std::vector<std::string>& NoticeTypes() {
  static const std::vector<std::string> kTypes{
      "armed",        "disarmed",         "failed_to_arm",
      "invalid_code", "locked_out",       "command_refused",
      "alarm",        "alarm_restored",   "alarm_cancelled",
      "trouble",      "trouble_restored", "bypass",
      "watch",        "dispatch"};
  return kTypes;
}

std::optional<json> NoticeForResult(const CommandResult& result) {
  if (result.accepted) return std::nullopt;  // the events say what it did
  json notice{{"action", std::string(ToString(result.action))},
              {"source", result.source},
              {"reason", result.reason},
              {"message", result.message}};
  if (result.reason == "zones_open") {
    notice["event_type"] = "failed_to_arm";
    notice["open_zones"] = result.open_zones;
  } else if (result.reason == "invalid_code") {
    notice["event_type"] = "invalid_code";
  } else if (result.reason == "locked_out") {
    notice["event_type"] = "locked_out";
  } else {
    notice["event_type"] = "command_refused";
  }
  return notice;
}

std::optional<json> NoticeForEvent(const Event& event) {
  if (event.silent) return std::nullopt;
  std::string type;
  switch (event.category) {
    case EventCategory::kAlarm:
      type = "alarm";
      break;
    case EventCategory::kRestore:
      type = "alarm_restored";
      break;
    case EventCategory::kTrouble:
      type = "trouble";
      break;
    case EventCategory::kTroubleRestore:
      type = "trouble_restored";
      break;
    case EventCategory::kArming:
      if (event.type == "armed") type = "armed";
      break;
    case EventCategory::kDisarming:
      type = event.type == "alarm_cancel" ? "alarm_cancelled" : "disarmed";
      break;
    case EventCategory::kAccess:
      // Refused commands are told by their result; the lockout itself by its event.
      if (event.type == "code_lockout") type = "locked_out";
      break;
    case EventCategory::kBypass:
      type = "bypass";
      break;
    case EventCategory::kWatch:
      type = "watch";
      break;
    case EventCategory::kDispatch:
    case EventCategory::kSystem:
    case EventCategory::kTest:
      break;
  }
  if (type.empty()) return std::nullopt;
  json notice{{"event_type", type},
              {"type", event.type},
              {"mode", std::string(ToString(event.mode))},
              {"text", event.text}};
  if (!event.zone.empty()) notice["zone"] = event.zone;
  if (!event.device.empty()) notice["device"] = event.device;
  if (!event.user.empty()) notice["user"] = event.user;
  if (!event.watch_id.empty()) notice["watch_id"] = event.watch_id;
  return notice;
}

json ZonePayload(const ZoneChanged& zone) {
  json payload{{"status", std::string(ToString(zone.status))},
               {"open", zone.open},
               {"known", zone.known},
               {"available", zone.available},
               {"bypassed", zone.bypassed},
               {"alarm", zone.alarm},
               {"trouble", zone.trouble},
               {"battery_low", zone.battery_low}};
  if (!zone.lock_state.empty()) payload["lock_state"] = zone.lock_state;
  return payload;
}

}  // namespace homesec
