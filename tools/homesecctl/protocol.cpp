// homesecctl's messages on the local MQTT interface; see protocol.hpp.
#include "tools/homesecctl/protocol.hpp"

#include <algorithm>

#include "daemon/ha_discovery.hpp"
#include "rules/text.hpp"

namespace homesec {

std::string StringField(const nlohmann::json& json, const char* key) {
  const auto it = json.find(key);
  return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<bool> OptionalBool(const nlohmann::json& json, const char* key) {
  const auto it = json.find(key);
  if (it == json.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

std::optional<double> OptionalNumber(const nlohmann::json& json, const char* key) {
  const auto it = json.find(key);
  if (it == json.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

nlohmann::json MakeCommandRequest(CommandAction action, const std::optional<std::string>& code,
                                  bool force, const std::string& request_id) {
  nlohmann::json request{
      {"action", std::string(ToString(action))}, {"force", force}, {"request_id", request_id}};
  if (code && !code->empty()) request["code"] = *code;
  return request;
}

nlohmann::json MakeBypassRequest(const CtlArgs& args, const std::optional<std::string>& code,
                                 const std::string& request_id) {
  const bool bypass = args.command == CtlCommand::kBypass;
  nlohmann::json request{
      {"action", std::string(ToString(bypass ? CommandAction::kBypass : CommandAction::kUnbypass))},
      {"zone", args.zone},
      {"request_id", request_id}};
  if (bypass) request["until_disarm"] = args.until_disarm;
  if (code && !code->empty()) request["code"] = *code;
  return request;
}

nlohmann::json MakePairRequest(const CtlArgs& args, const std::string& code, bool stop,
                               const std::string& request_id) {
  nlohmann::json request{
      {"action", std::string(ToString(stop ? CommandAction::kPairStop : CommandAction::kPair))},
      {"request_id", request_id}};
  if (!stop) {
    request["seconds"] = args.pair_seconds;
    if (!args.pair_device.empty()) request["device"] = args.pair_device;
  }
  if (!code.empty()) request["code"] = code;
  return request;
}

nlohmann::json MakeWalkTestRequest(const CtlArgs& args, const std::string& code, bool stop,
                                   const std::string& request_id) {
  nlohmann::json request{{"action", std::string(ToString(stop ? CommandAction::kWalkTestStop
                                                              : CommandAction::kWalkTest))},
                         {"request_id", request_id}};
  if (!stop) {
    request["seconds"] = args.walk_seconds;
    if (!args.walk_zones.empty()) request["zones"] = args.walk_zones;
  }
  if (!code.empty()) request["code"] = code;
  return request;
}

nlohmann::json MakeTroubleAckRequest(const CtlArgs& args, const std::string& code,
                                     const std::string& request_id) {
  nlohmann::json request{{"action", std::string(ToString(CommandAction::kTroubleAck))},
                         {"request_id", request_id}};
  if (!args.trouble_id.empty()) request["trouble"] = args.trouble_id;
  if (!code.empty()) request["code"] = code;
  return request;
}

std::vector<AlarmMemoryEntry> AlarmMemoryFrom(const nlohmann::json& list) {
  std::vector<AlarmMemoryEntry> memory;
  if (!list.is_array()) return memory;
  for (const nlohmann::json& e : list) {
    if (!e.is_object() || memory.size() >= 1000) continue;
    const std::optional<WallTime> time = ParseRfc3339(StringField(e, "time"));
    if (!time) continue;
    AlarmMemoryEntry entry;
    entry.zone = PrintableText(StringField(e, "zone"), 100);
    entry.type = PrintableText(StringField(e, "type"), 60);
    entry.time = *time;
    entry.restored = ParseRfc3339(StringField(e, "restored"));
    entry.count = static_cast<int>(std::clamp(OptionalNumber(e, "count").value_or(1), 1.0, 1e6));
    memory.push_back(std::move(entry));
  }
  return memory;
}

nlohmann::json MakeWatchRequest(const CtlArgs& args, const std::string& code,
                                const std::string& keyholder_pin, const std::string& request_id) {
  CommandAction action = CommandAction::kWatchCancel;
  if (args.command == CtlCommand::kWatchStart) action = CommandAction::kWatchStart;
  if (args.command == CtlCommand::kWatchExtend) action = CommandAction::kWatchExtend;
  nlohmann::json request{
      {"action", std::string(ToString(action))}, {"code", code}, {"request_id", request_id}};
  if (action == CommandAction::kWatchExtend) {
    request["watch"] = {{"expected_return", FormatRfc3339(*args.watch_return)}};
  } else if (action == CommandAction::kWatchStart) {
    nlohmann::json watch{
        {"departure", args.watch_departure ? FormatRfc3339(*args.watch_departure) : "now"},
        {"expected_return", FormatRfc3339(*args.watch_return)},
        {"contact_phone", args.watch_phone},
        {"notes", args.watch_notes}};
    if (!args.keyholder.empty()) {
      watch["keyholder"] = {{"name", args.keyholder},
                            {"pin", keyholder_pin},
                            {"valid_from", FormatRfc3339(*args.keyholder_from)},
                            {"valid_until", FormatRfc3339(*args.keyholder_until)}};
      if (!args.keyholder_hours.empty()) watch["keyholder"]["hours"] = args.keyholder_hours;
      if (args.rearm_after_s) watch["rearm_after_keyholder_s"] = *args.rearm_after_s;
    }
    request["watch"] = std::move(watch);
  }
  return request;
}

std::optional<CommandResult> ParseCommandReply(std::string_view payload,
                                               const std::string& request_id) {
  const nlohmann::json json = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || StringField(json, "request_id") != request_id) return std::nullopt;
  const auto accepted = json.find("accepted");
  if (accepted == json.end() || !accepted->is_boolean()) return std::nullopt;
  CommandResult result;
  result.request_id = request_id;
  result.accepted = accepted->get<bool>();
  result.reason = StringField(json, "reason");
  result.message = StringField(json, "message");
  result.user = StringField(json, "user");
  result.watch_id = StringField(json, "watch_id");
  if (const auto action = ParseCommandAction(StringField(json, "action"))) {
    result.action = *action;
  }
  if (const auto memory = json.find("alarm_memory"); memory != json.end()) {
    result.alarm_memory = AlarmMemoryFrom(*memory);
  }
  if (const auto zones = json.find("open_zones"); zones != json.end() && zones->is_array()) {
    for (const nlohmann::json& zone : *zones) {
      if (zone.is_string()) result.open_zones.push_back(zone.get<std::string>());
    }
  }
  return result;
}

PanelStatus InitialStatus(const AppConfig& config) {
  PanelStatus status;
  for (const ZoneConfig& zone : config.panel.zones) {
    ZoneView view{zone.id, zone.name, "unknown", std::nullopt};
    view.type = std::string(ToString(zone.type));
    view.property = zone.property.empty() ? DefaultProperty(zone.type) : zone.property;
    view.device = zone.device;
    status.zones.push_back(view);
  }
  for (const DeviceConfig& device : config.devices) {
    DeviceView view;
    view.id = device.id;
    if (const auto* zigbee = std::get_if<ZigbeeDeviceConfig>(&device.source)) {
      view.friendly_name = zigbee->friendly_name;
      view.source = "zigbee " + zigbee->friendly_name;
    } else if (const auto* line = std::get_if<GpioLineConfig>(&device.source)) {
      const std::string number = std::holds_alternative<int>(line->line)
                                     ? std::to_string(std::get<int>(line->line))
                                     : std::get<std::string>(line->line);
      view.source = "gpio " + line->chip + " line " + number;
      view.model = "GPIO line " + line->chip + "/" + number;
    }
    for (const ZoneConfig& zone : config.panel.zones) {
      if (zone.device == device.id) view.zones.push_back(zone.id);
    }
    status.devices.push_back(view);
  }
  return status;
}

namespace {

// The last topic level after `parent`, when it is one printable level.
std::optional<std::string> ChildOf(const std::string& parent, const std::string& topic) {
  std::optional<std::string> id = ChildLevel(parent, topic);
  if (!id || PrintableText(*id, 100) != *id) return std::nullopt;
  return id;
}

void ApplyHub(const nlohmann::json& json, HubView& hub) {
  hub.published = true;
  hub.bridge_online = OptionalBool(json, "bridge_online");
  hub.uplink_online = OptionalBool(json, "uplink_online");
  hub.troubles.clear();
  if (const auto list = json.find("troubles"); list != json.end() && list->is_array()) {
    for (const nlohmann::json& entry : *list) {
      if (!entry.is_object()) continue;
      ActiveTrouble trouble{PrintableText(StringField(entry, "type"), 60),
                            PrintableText(StringField(entry, "zone"), 100),
                            PrintableText(StringField(entry, "device"), 100)};
      // A daemon from before since/acknowledged: since unknown (the epoch), not acknowledged.
      trouble.since = ParseRfc3339(StringField(entry, "since")).value_or(WallTime{});
      trouble.acknowledged = OptionalBool(entry, "acknowledged").value_or(false);
      hub.troubles.push_back(std::move(trouble));
      if (hub.troubles.size() >= 1000) break;
    }
  }
}

void ApplyDevice(const nlohmann::json& json, DeviceView& device) {
  device.published = true;
  device.available = OptionalBool(json, "available");
  device.battery = OptionalNumber(json, "battery");
  device.battery_low = OptionalBool(json, "battery_low");
  device.linkquality = OptionalNumber(json, "linkquality");
  device.last_seen = PrintableText(StringField(json, "last_seen"), 40);
  device.vendor = PrintableText(StringField(json, "vendor"), 64);
  device.model = PrintableText(StringField(json, "model"), 64);
  device.description = PrintableText(StringField(json, "description"), 128);
}

}  // namespace

bool ApplyStatusMessage(const std::string& topic_prefix, const std::string& topic,
                        std::string_view payload, PanelStatus& status) {
  // Retained text anyone on the broker may have written: printable and short before it is shown
  // or put into homesecctl's JSON output (an invalid byte made dumping it throw).
  if (topic == topic_prefix + "/state") {
    status.state = PrintableText(payload, 40);
    return true;
  }
  if (topic == topic_prefix + "/availability") {
    status.availability = PrintableText(payload, 40);
    return true;
  }
  if (topic == topic_prefix + "/panel") {
    const nlohmann::json json = nlohmann::json::parse(payload, nullptr, false);
    if (json.is_object()) {
      status.panel_published = true;
      const auto memory = json.find("alarm_memory");
      status.alarm_memory =
          memory == json.end() ? std::vector<AlarmMemoryEntry>{} : AlarmMemoryFrom(*memory);
    }
    return true;
  }
  if (topic == topic_prefix + "/hub") {
    const nlohmann::json json = nlohmann::json::parse(payload, nullptr, false);
    if (json.is_object()) ApplyHub(json, status.hub);
    return true;
  }
  if (const auto device = ChildOf(topic_prefix + "/device/", topic)) {
    const nlohmann::json json = nlohmann::json::parse(payload, nullptr, false);
    for (DeviceView& view : status.devices) {
      if (view.id == *device && json.is_object()) ApplyDevice(json, view);
    }
    return true;
  }
  const std::optional<std::string> zone = ChildOf(topic_prefix + "/zone/", topic);
  if (!zone) return false;
  const std::string& id = *zone;
  ZoneView* view = nullptr;
  for (ZoneView& zone : status.zones) {
    if (zone.id == id) view = &zone;
  }
  if (view == nullptr) {
    // Published by a daemon running a different config: still worth showing.
    status.zones.push_back(ZoneView{id, "", "unknown", std::nullopt});
    view = &status.zones.back();
  }
  const nlohmann::json json = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (json.is_object()) {
    view->status = StringField(json, "status");
    if (view->status.empty()) view->status = "unknown";
    if (const auto open = json.find("open"); open != json.end() && open->is_boolean()) {
      view->open = open->get<bool>();
    }
    // A daemon before "known" was published: known unless it said unknown.
    view->known = OptionalBool(json, "known").value_or(view->status != "unknown");
    view->available = OptionalBool(json, "available").value_or(true);
    view->bypassed = OptionalBool(json, "bypassed").value_or(view->status == "bypassed");
    view->alarm = OptionalBool(json, "alarm").value_or(view->status == "alarm");
    view->trouble = OptionalBool(json, "trouble").value_or(view->status == "trouble");
    view->battery_low = OptionalBool(json, "battery_low").value_or(false);
    view->lock_state = PrintableText(StringField(json, "lock_state"), 40);
  }
  return true;
}

}  // namespace homesec
