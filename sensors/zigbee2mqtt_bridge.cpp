// Zigbee2MQTT bridge topics: bridge/state (online/offline, the bridge's MQTT last will),
// bridge/devices (the paired-device inventory for the installer), bridge/event (joins, leaves,
// interviews), bridge/response/<request>, and the legacy 1.x bridge/log. Everything else under
// bridge/ (info, config, definitions, groups, extensions, logging, our own requests) is
// counted as ignored.
#include <algorithm>
#include <cctype>
#include <string>

#include <nlohmann/json.hpp>

#include "rules/json_limits.hpp"
#include "rules/text.hpp"
#include "sensors/zigbee2mqtt_decoder.hpp"

namespace homesec {
namespace {

using nlohmann::json;

// bridge/devices, the inventory, is the largest and deepest payload Zigbee2MQTT publishes: 2-5
// KiB and about 150 values per device, exposes nested up to 6 levels (composite > features >
// composite > ...). 150,000 values is a thousand devices; parsed, at most about 15 MiB.
constexpr JsonLimits kBridgeLimits{kMaxInventoryPayloadBytes, 32, 150000};

std::string StringAt(const json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool BoolAt(const json& object, const char* key) {
  if (!object.is_object()) return false;
  auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

// bridge/devices entry (1.x and 2.x shapes; definition is null for the coordinator and for
// unsupported devices).
PairedDevice ParseInventoryEntry(const json& entry) {
  PairedDevice device;
  device.friendly_name = StringAt(entry, "friendly_name");
  device.ieee_address = StringAt(entry, "ieee_address");
  device.type = StringAt(entry, "type");
  device.supported = BoolAt(entry, "supported");
  device.interview_completed = BoolAt(entry, "interview_completed");
  if (auto it = entry.find("definition"); it != entry.end() && it->is_object()) {
    device.model = StringAt(*it, "model");
    device.vendor = StringAt(*it, "vendor");
    device.description = StringAt(*it, "description");
  }
  return device;
}

// Legacy bridge/log {"type":"devices","message":[{ieeeAddr, type, model, friendly_name}]}.
PairedDevice ParseLegacyEntry(const json& entry) {
  PairedDevice device;
  device.friendly_name = StringAt(entry, "friendly_name");
  device.ieee_address = StringAt(entry, "ieeeAddr");
  device.type = StringAt(entry, "type");
  device.model = StringAt(entry, "model");
  device.vendor = StringAt(entry, "vendor");
  device.description = StringAt(entry, "description");
  device.supported = !device.model.empty();
  device.interview_completed = true;
  return device;
}

// An IEEE address as Zigbee2MQTT writes it ("0x00158d0001a2b3c4"), or empty for anything else:
// it is shown to the installer and matched against the config.
std::string IeeeAt(const json& object) {
  const std::string text = StringAt(object, "ieee_address");
  if (text.size() != 18 || !text.starts_with("0x")) return {};
  for (std::size_t i = 2; i < text.size(); ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(text[i]))) return {};
  }
  return text;
}

BridgeEvent ParseBridgeEvent(const std::string& type, const json& data) {
  BridgeEvent event;
  event.type = type;
  event.friendly_name = PrintableText(StringAt(data, "friendly_name"), 128);
  event.ieee_address = IeeeAt(data);
  if (type != "device_interview") return event;
  event.status = PrintableText(StringAt(data, "status"), 16);
  if (event.status != "successful") return event;
  if (auto it = data.find("supported"); it != data.end() && it->is_boolean()) {
    event.supported = it->get<bool>();
  }
  if (auto it = data.find("definition"); it != data.end() && it->is_object()) {
    event.model = PrintableText(StringAt(*it, "model"), 64);
    event.vendor = PrintableText(StringAt(*it, "vendor"), 64);
    event.description = PrintableText(StringAt(*it, "description"), 128);
  }
  return event;
}

BridgeResponse ParseBridgeResponse(const std::string& request, const json& parsed) {
  BridgeResponse response;
  response.request = request;
  response.ok = StringAt(parsed, "status") == "ok";
  if (!response.ok) {
    response.error = PrintableText(StringAt(parsed, "error"), 200);
    if (response.error.empty()) response.error = "no status";
  }
  if (auto it = parsed.find("transaction"); it != parsed.end()) {
    if (it->is_number_integer()) {
      response.transaction = std::to_string(it->get<long long>());
    } else if (it->is_string()) {
      response.transaction = PrintableText(it->get<std::string>(), 64);
    }
  }
  if (auto data = parsed.find("data"); data != parsed.end() && data->is_object()) {
    if (auto time = data->find("time"); time != data->end() && time->is_number_integer()) {
      const long long t = time->get<long long>();
      if (t >= 0 && t <= 255) response.time = static_cast<int>(t);
    }
  }
  return response;
}

std::string DefinitionText(const json& definition) {
  const std::string vendor = StringAt(definition, "vendor");
  const std::string model = StringAt(definition, "model");
  if (model.empty()) return {};
  return vendor.empty() ? model : vendor + " " + model;
}

}  // namespace

void Zigbee2MqttDecoder::DecodeBridge(const std::string& subtopic, std::string_view payload,
                                      bool retained, Z2mDecoded* out) {
  if (subtopic == "state") {
    // 2.x: {"state":"online"}; 1.x default: plain online/offline.
    std::string state(payload);
    std::string ignored;  // plain text (1.x) is no JSON
    const std::optional<json> parsed = ParseJsonWithin(payload, JsonLimits{4096, 4}, &ignored);
    if (parsed && parsed->is_object()) state = StringAt(*parsed, "state");
    if (state == "online" || state == "offline")
      return SetBridgeOnline(state == "online", retained, out);
    ++counters_.malformed;
    out->error = "bridge/state: expected online or offline";
    return;
  }
  std::string error;
  std::optional<json> document = ParseJsonWithin(payload, kBridgeLimits, &error);
  if (!document) {
    ++counters_.malformed;
    out->error = "bridge/" + PrintableText(subtopic, 100) + ": " + error;
    return;
  }
  const json& parsed = *document;

  if (subtopic == "devices") {
    if (!parsed.is_array()) {
      ++counters_.malformed;
      out->error = "bridge/devices: expected a JSON array";
      return;
    }
    std::vector<PairedDevice> devices;
    capabilities_.clear();
    for (const json& entry : parsed) {
      if (!entry.is_object()) continue;
      devices.push_back(ParseInventoryEntry(entry));
      const auto definition = entry.find("definition");
      if (definition == entry.end() || devices.back().friendly_name.empty()) continue;
      if (auto caps = CapabilitiesFromDefinition(*definition)) {
        capabilities_.insert_or_assign(devices.back().friendly_name, std::move(*caps));
      }
    }
    out->notices.push_back(
        {"devices", "", std::to_string(devices.size()) + " devices paired with the bridge"});
    CompareInventory(devices, out);
    CheckExposes(out);
    out->devices = std::move(devices);
    return;
  }
  if (!parsed.is_object()) {
    ++counters_.malformed;
    out->error = "bridge/" + subtopic + ": expected a JSON object";
    return;
  }

  if (subtopic == "event") {
    const std::string type = StringAt(parsed, "type");
    static const json kNone = json::object();
    const json& data = parsed.contains("data") ? parsed["data"] : kNone;
    const std::string name = StringAt(data, "friendly_name");
    const std::string ieee = StringAt(data, "ieee_address");
    if (type == "device_joined" || type == "device_announce" || type == "device_leave" ||
        type == "device_interview") {
      out->events.push_back(ParseBridgeEvent(type, data));
    }
    if (type == "device_joined") {
      out->notices.push_back({"device_joined", name, "device " + ieee + " joined the network"});
    } else if (type == "device_announce") {
      out->notices.push_back({"device_announce", name, "device " + ieee + " announced itself"});
    } else if (type == "device_leave") {
      out->notices.push_back({"device_left", name, "device " + ieee + " left the network"});
    } else if (type == "device_interview") {
      std::string text = StringAt(data, "status");
      if (text == "successful") {
        const std::string model =
            data.contains("definition") ? DefinitionText(data["definition"]) : std::string();
        if (!model.empty()) text += ": " + model;
        text += BoolAt(data, "supported") ? " (supported)" : " (not supported)";
      }
      out->notices.push_back({"interview", name, text});
    } else {
      ++counters_.ignored;
    }
    return;
  }

  if (subtopic == "log") {  // 1.x only; removed in 2.0
    const std::string type = StringAt(parsed, "type");
    if (type == "devices" && parsed.contains("message") && parsed["message"].is_array()) {
      std::vector<PairedDevice> devices;
      for (const json& entry : parsed["message"]) {
        if (entry.is_object()) devices.push_back(ParseLegacyEntry(entry));
      }
      out->notices.push_back(
          {"devices", "", std::to_string(devices.size()) + " devices paired with the bridge"});
      CompareInventory(devices, out);
      out->devices = std::move(devices);
    } else if (type == "pairing") {
      const std::string message = StringAt(parsed, "message");
      static const json kNone = json::object();
      const json& meta = parsed.contains("meta") ? parsed["meta"] : kNone;
      const std::string name = StringAt(meta, "friendly_name");
      if (message.rfind("interview_", 0) == 0) {
        std::string text = message.substr(10);  // started | successful | failed
        const std::string model = DefinitionText(meta);
        if (!model.empty()) text += ": " + model;
        if (message == "interview_successful") {
          text += BoolAt(meta, "supported") ? " (supported)" : " (not supported)";
        }
        out->notices.push_back({"interview", name, text});
      } else {
        out->notices.push_back({"pairing", name, message});
      }
    } else {
      ++counters_.ignored;
    }
    return;
  }

  // bridge/response/<request>: {"data":..., "status":"ok"|"error", "error"?, "transaction"?}
  const std::string request = subtopic.substr(9);
  const std::string status = StringAt(parsed, "status");
  std::string text = request + ": " + (status.empty() ? "no status" : status);
  if (status == "error") text += ": " + StringAt(parsed, "error");
  out->notices.push_back({"response", "", text});
  out->response = ParseBridgeResponse(request, parsed);
}

void Zigbee2MqttDecoder::CheckExposes(Z2mDecoded* out) {
  // Never silent: a zone whose property its device cannot report would stay unknown forever.
  for (const auto& [device, property] : watched_) {
    const DeviceCapabilities* caps = CapabilitiesOf(device);
    if (caps == nullptr || property == "available" || property == "battery_low") continue;
    const auto named = name_by_id_.find(device);
    const std::string name = named == name_by_id_.end() ? device : named->second;
    const auto bound = bindings_.find(device);
    std::string key_text;
    bool found = false;
    if (bound != bindings_.end()) {
      for (const KeyBinding& binding : bound->second) {
        if (binding.property != property) continue;
        key_text = "key '" + binding.key + "'";
        found = caps->keys.count(binding.key) > 0;
      }
    }
    if (key_text.empty()) {
      const std::vector<std::string> feeds = caps->Feeds();
      key_text = "property '" + property + "'";
      found = std::find(feeds.begin(), feeds.end(), property) != feeds.end();
    }
    if (found) continue;
    std::string exposed;
    for (const auto& [key, expose] : caps->keys) {
      if (expose.type == "composite") continue;
      exposed += (exposed.empty() ? "" : ", ") + key;
    }
    out->notices.push_back({"not_exposed", name,
                            "device '" + device + "' (" + caps->vendor + " " + caps->model +
                                ") does not expose " + key_text +
                                "; it exposes: " + (exposed.empty() ? "nothing" : exposed)});
  }
}

void Zigbee2MqttDecoder::CompareInventory(const std::vector<PairedDevice>& paired,
                                          Z2mDecoded* out) {
  unconfigured_paired_.clear();
  configured_unpaired_.clear();
  for (const PairedDevice& device : paired) {
    if (device.type == "Coordinator") continue;
    if (!id_by_name_.count(device.friendly_name)) {
      unconfigured_paired_.push_back(device.friendly_name);
    }
  }
  for (const auto& entry : id_by_name_) {
    // Not a structured binding: clang 14 cannot capture one in a lambda (P1091, clang 16).
    const std::string& name = entry.first;
    const bool found = std::any_of(paired.begin(), paired.end(),
                                   [&](const PairedDevice& d) { return d.friendly_name == name; });
    if (!found) {
      configured_unpaired_.push_back(name);
      out->notices.push_back({"not_paired", name, "configured but not paired with the bridge"});
    }
  }
}

}  // namespace homesec
