// Zigbee2MQTT decoder: topic routing (friendly names may hold '/' and spaces), payload caps,
// repeat suppression, availability and the bridge's online/offline state. The property mapping
// lives in zigbee2mqtt_properties.cpp, the other bridge topics in zigbee2mqtt_bridge.cpp.
#include "sensors/zigbee2mqtt_decoder.hpp"

#include <algorithm>
#include <cctype>
#include <exception>

#include <nlohmann/json.hpp>

#include "rules/json_limits.hpp"
#include "rules/text.hpp"
#include "sensors/zigbee2mqtt_properties.hpp"

namespace homesec {

using nlohmann::json;

struct Zigbee2MqttDecoder::Target {
  enum class Kind {
    kBridge,         // rest = bridge sub-topic ("state", "devices", "event", "response/x")
    kState,          // <base>/<name>
    kAvailability,   // <base>/<name>/availability
    kAttribute,      // <base>/<name>/<property> (advanced.output: attribute)
    kOwnCommand,     // <base>/<name>/set|get: what we (or others) send to devices
    kUnknownDevice,  // a friendly name the config does not know
  };
  Kind kind = Kind::kUnknownDevice;
  std::string device;  // DeviceId
  std::string name;    // friendly name
  std::string rest;
};

namespace {

bool IsCommandSuffix(std::string_view suffix) {
  return suffix == "set" || suffix == "get" || suffix.rfind("set/", 0) == 0 ||
         suffix.rfind("get/", 0) == 0;
}

// The bridge/ sub-topics zigbee2mqtt_bridge.cpp decodes.
bool IsDecodedBridgeTopic(std::string_view subtopic) {
  return subtopic == "state" || subtopic == "devices" || subtopic == "event" || subtopic == "log" ||
         subtopic.rfind("response/", 0) == 0;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

Zigbee2MqttDecoder::Zigbee2MqttDecoder(std::string base_topic,
                                       std::vector<std::pair<std::string, std::string>> devices)
    : base_(std::move(base_topic)) {
  for (auto& [id, name] : devices) {
    id_by_name_[name] = id;
    name_by_id_[id] = name;
  }
}

std::vector<std::string> Zigbee2MqttDecoder::Subscriptions() const {
  return {base_ + "/#"};
}

void Zigbee2MqttDecoder::SetWatched(std::vector<std::pair<std::string, std::string>> watched) {
  watched_ = std::move(watched);
}

void Zigbee2MqttDecoder::SetBindings(const std::vector<KeyBinding>& bindings) {
  bindings_.clear();
  for (const KeyBinding& binding : bindings) bindings_[binding.device].push_back(binding);
}

const DeviceCapabilities* Zigbee2MqttDecoder::CapabilitiesOf(const std::string& device) const {
  auto name = name_by_id_.find(device);
  return name == name_by_id_.end() ? nullptr : CapabilitiesNamed(name->second);
}

const DeviceCapabilities* Zigbee2MqttDecoder::CapabilitiesNamed(
    const std::string& friendly_name) const {
  auto it = capabilities_.find(friendly_name);
  return it == capabilities_.end() ? nullptr : &it->second;
}

// The longest configured friendly name that the topic starts with wins, so that "h6/T1" is the
// device "h6/T1" even when a device "h6" exists too.
Zigbee2MqttDecoder::Target Zigbee2MqttDecoder::Route(std::string_view rest) const {
  Target target;
  if (rest.rfind("bridge/", 0) == 0) {
    target.kind = Target::Kind::kBridge;
    target.rest = std::string(rest.substr(7));
    return target;
  }
  // Candidate names: the whole rest, then every prefix ending before a '/', longest first.
  for (std::size_t end = rest.size(); end != std::string_view::npos && end > 0;
       end = rest.rfind('/', end - 1)) {
    auto it = id_by_name_.find(std::string(rest.substr(0, end)));
    if (it == id_by_name_.end()) continue;
    target.device = it->second;
    target.name = it->first;
    if (end == rest.size()) {
      target.kind = Target::Kind::kState;
      return target;
    }
    target.rest = std::string(rest.substr(end + 1));
    if (target.rest == "availability") {
      target.kind = Target::Kind::kAvailability;
    } else if (IsCommandSuffix(target.rest)) {
      target.kind = Target::Kind::kOwnCommand;
    } else {
      target.kind = Target::Kind::kAttribute;
    }
    return target;
  }
  // Not configured. Commands to other devices are not ours to judge.
  const auto slash = rest.rfind('/');
  const std::string_view last = slash == std::string_view::npos ? rest : rest.substr(slash + 1);
  if (last == "set" || last == "get" || rest.find("/set/") != std::string_view::npos ||
      rest.find("/get/") != std::string_view::npos) {
    target.kind = Target::Kind::kOwnCommand;
    return target;
  }
  target.kind = Target::Kind::kUnknownDevice;
  target.name = std::string(last == "availability" ? rest.substr(0, slash) : rest);
  return target;
}

Z2mDecoded Zigbee2MqttDecoder::Decode(std::string_view topic, std::string_view payload,
                                      bool retained) {
  ++counters_.messages;
  Z2mDecoded out;
  try {
    const std::string prefix = base_ + "/";
    if (topic.rfind(prefix, 0) != 0) {
      ++counters_.ignored;
      out.error =
          "topic '" + std::string(topic) + "' is not under the Zigbee2MQTT base '" + base_ + "'";
      return out;
    }
    const Target target = Route(topic.substr(prefix.size()));
    // bridge/info, bridge/definitions (megabytes in 2.x), bridge/groups ...: nothing we use, so
    // not even worth a size check.
    if (target.kind == Target::Kind::kBridge && !IsDecodedBridgeTopic(target.rest)) {
      ++counters_.ignored;
      return out;
    }
    const bool inventory = target.kind == Target::Kind::kBridge && target.rest == "devices";
    const std::size_t cap = inventory ? kMaxInventoryPayloadBytes : kMaxPayloadBytes;
    if (payload.size() > cap) {
      ++counters_.oversized;
      out.error = "payload of " + std::to_string(payload.size()) + " bytes on '" +
                  std::string(topic) + "' exceeds the " + std::to_string(cap) + "-byte cap";
      return out;
    }
    // An empty (retained) payload deletes a retained message, e.g. the old topics after a
    // rename: it clears, it is not a state.
    if (payload.empty() && target.kind != Target::Kind::kUnknownDevice) {
      ++counters_.ignored;
      return out;
    }
    switch (target.kind) {
      case Target::Kind::kBridge:
        DecodeBridge(target.rest, payload, retained, &out);
        break;
      case Target::Kind::kState:
        DecodeState(target.device, payload, retained, &out);
        break;
      case Target::Kind::kAvailability:
        DecodeAvailability(target.device, payload, retained, &out);
        break;
      case Target::Kind::kAttribute:
        DecodeAttribute(target.device, target.rest, payload, retained, &out);
        break;
      case Target::Kind::kOwnCommand:
        ++counters_.ignored;
        break;
      case Target::Kind::kUnknownDevice:
        if (payload.empty()) {
          ++counters_.ignored;
          break;
        }
        ++counters_.unknown_device;
        // Paired but unconfigured devices (bulbs, plugs) talk all day: say so once per name,
        // count every message.
        if (unknown_names_.size() < kMaxRememberedUnknown &&
            unknown_names_.insert(target.name).second) {
          out.error = "unknown Zigbee device '" + PrintableText(target.name, 100) +
                      "' (no device in the config has this friendly_name; further messages "
                      "from it are only counted)";
        }
        break;
    }
  } catch (const std::exception& e) {
    // Defensive: nothing above should throw, and a bad message must never stop the loop.
    ++counters_.malformed;
    out = Z2mDecoded{};
    out.error = "'" + PrintableText(topic, 200) + "': " + PrintableText(e.what(), 200);
  }
  counters_.bad_values += out.warnings.size();
  counters_.readings += out.readings.size();
  counters_.keypad_actions += out.keypad.size();
  return out;
}

namespace {

// A device's state message: a flat object of a few hundred bytes (composite exposes such as
// color or warning nest one level).
constexpr JsonLimits kStateLimits{kMaxPayloadBytes, 16, 4096};

// Parses a JSON object payload; on failure fills `error`.
std::optional<json> ParseObject(std::string_view payload, std::string* error) {
  std::optional<json> parsed = ParseJsonWithin(payload, kStateLimits, error);
  if (!parsed) return std::nullopt;
  if (!parsed->is_object()) {
    *error = "expected a JSON object, got " + std::string(parsed->type_name());
    return std::nullopt;
  }
  return parsed;
}

}  // namespace

void Zigbee2MqttDecoder::DecodeState(const std::string& device, std::string_view payload,
                                     bool retained, Z2mDecoded* out) {
  std::string error;
  std::optional<json> object = ParseObject(payload, &error);
  if (!object) {
    ++counters_.malformed;
    out->error = "device '" + device + "': " + error;
    return;
  }
  DecodeObject(device, *object, retained, out);
}

void Zigbee2MqttDecoder::DecodeObject(const std::string& device, const json& object, bool retained,
                                      Z2mDecoded* out) {
  out->device = device;
  if (const auto lqi = object.find("linkquality"); lqi != object.end() && lqi->is_number()) {
    out->linkquality = lqi->get<double>();
  }
  for (const auto& item : object.items()) {
    if (out->keys.size() >= kMaxReportedKeys) break;
    out->keys.push_back(PrintableText(item.key(), 64));
  }
  const auto bound = bindings_.find(device);
  MappedState mapped = MapStateObject(object, CapabilitiesOf(device),
                                      bound == bindings_.end() ? nullptr : &bound->second);
  DeriveBatteryLow(device, mapped.values);
  for (std::string& warning : mapped.warnings) {
    out->warnings.push_back("device '" + device + "': " + warning);
  }
  if (mapped.keypad) {
    if (retained) {
      // A retained replay of an old request must never arm or disarm anything.
      ++counters_.ignored;
    } else {
      KeypadRequest& request = *mapped.keypad;
      out->keypad.push_back({device, request.action, std::move(request.code), request.transaction,
                             std::move(request.raw_action)});
    }
  }

  // Per z2m key: drop what repeats the key's last value (z2m resends its whole cache with every
  // message); events pass unless they come from a retained replay.
  std::vector<const MappedValue*> changed;
  for (const MappedValue& value : mapped.values) {
    if (value.event && retained) continue;
    auto [it, inserted] = last_.try_emplace({device, value.slot}, value.value);
    const bool fresh = inserted || value.event || it->second != value.value;
    it->second = value.value;
    if (fresh) changed.push_back(&value);
  }
  // Per property: the most severe of the changed values.
  std::vector<std::string> order;
  for (const MappedValue* value : changed) {
    if (std::find(order.begin(), order.end(), value->property) == order.end()) {
      order.push_back(value->property);
    }
  }
  for (const std::string& property : order) {
    const MappedValue* best = nullptr;
    bool event = false;
    for (const MappedValue* value : changed) {
      if (value->property != property) continue;
      event = event || value->event;
      if (best == nullptr || Severity(property, value->value) > Severity(property, best->value)) {
        best = value;
      }
    }
    Emit(device, property, MostSevereState(device, property, best->value), retained, event, out);
    const bool has_state = std::any_of(
        mapped.values.begin(), mapped.values.end(),
        [&](const MappedValue& value) { return value.property == property && !value.event; });
    if (best->momentary && !has_state) Emit(device, property, false, retained, false, out);
  }
}

Value Zigbee2MqttDecoder::MostSevereState(const std::string& device, const std::string& property,
                                          const Value& changed) const {
  // Several family keys feeding one property (a leak sensor's two probes, an mmWave sensor's
  // areas) are one zone: it is wet while any probe is, so a probe turning dry must not dry the
  // zone while the other is still wet. The keys with decoders of their own (a lock's cached
  // alarm text, door_state, the action events) keep their per-message meaning.
  if (property == "battery") return changed;
  Value best = changed;
  const std::string prefix = property + "@";
  for (auto it = last_.lower_bound({device, prefix});
       it != last_.end() && it->first.first == device && it->first.second.starts_with(prefix);
       ++it) {
    const std::string key = it->first.second.substr(prefix.size());
    if (MeaningOfKey(key) != property && !IsBound(device, key)) continue;
    if (Severity(property, it->second) > Severity(property, best)) best = it->second;
  }
  return best;
}

bool Zigbee2MqttDecoder::IsBound(const std::string& device, const std::string& key) const {
  const auto bound = bindings_.find(device);
  if (bound == bindings_.end()) return false;
  return std::any_of(bound->second.begin(), bound->second.end(),
                     [&](const KeyBinding& b) { return b.key == key; });
}

void Zigbee2MqttDecoder::DeriveBatteryLow(const std::string& device,
                                          std::vector<MappedValue>& values) {
  const DeviceCapabilities* caps = CapabilitiesOf(device);
  if (caps != nullptr && caps->has_battery_low) return;
  if (std::any_of(values.begin(), values.end(),
                  [](const MappedValue& v) { return v.property == "battery_low"; })) {
    reports_battery_low_.insert(device);
  }
  if (reports_battery_low_.count(device)) return;
  for (std::size_t i = 0, n = values.size(); i < n; ++i) {
    const double* percent = std::get_if<double>(&values[i].value);
    if (values[i].property != "battery" || percent == nullptr) continue;
    // One trouble and one restore: low at or under the threshold, OK again only well above it;
    // in between it stays what it was (unknown at first).
    const auto known = battery_low_derived_.find(device);
    bool low = false;
    if (*percent <= battery_low_percent_) {
      low = true;
    } else if (*percent < battery_low_percent_ + kBatteryRestoreMargin) {
      if (known == battery_low_derived_.end()) return;
      low = known->second;
    }
    battery_low_derived_[device] = low;
    values.push_back({"battery_low", low, "battery_low@battery%"});
    return;
  }
}

void Zigbee2MqttDecoder::DecodeAttribute(const std::string& device, const std::string& attribute,
                                         std::string_view payload, bool retained, Z2mDecoded* out) {
  // advanced.output "attribute_and_json" repeats each key on its own topic. Actions would then
  // count twice, so only the JSON message carries them.
  if (attribute == "action" || attribute.rfind("action_", 0) == 0) {
    ++counters_.ignored;
    return;
  }
  std::string error;
  std::optional<json> parsed = ParseJsonWithin(payload, kStateLimits, &error);
  json value;
  if (parsed) {
    value = std::move(*parsed);
  } else if (payload.size() <= 256 && IsValidUtf8(payload)) {
    value = std::string(payload);  // plain text such as "ON"
  } else {
    ++counters_.malformed;
    out->error = "neither JSON nor a short UTF-8 text value";
    return;
  }
  json object = json::object();
  object[attribute] = std::move(value);
  DecodeObject(device, object, retained, out);
  if (out->readings.empty() && out->warnings.empty()) ++counters_.ignored;  // nothing we use
}

void Zigbee2MqttDecoder::DecodeAvailability(const std::string& device, std::string_view payload,
                                            bool retained, Z2mDecoded* out) {
  // z2m >= 1.24 (and all of 2.x): {"state":"online"}; 1.x default: plain online/offline.
  std::string state(Trim(payload));
  if (!state.empty() && state.front() == '{') {
    std::string error;
    std::optional<json> object = ParseObject(payload, &error);
    const json* value = nullptr;
    if (object && object->contains("state")) value = &(*object)["state"];
    if (value == nullptr || !value->is_string()) {
      ++counters_.malformed;
      out->error = "device '" + device + "' availability: expected {\"state\":...}";
      return;
    }
    state = value->get<std::string>();
  }
  if (state != "online" && state != "offline") {
    ++counters_.malformed;
    out->error = "device '" + device + "' availability: expected online or offline";
    return;
  }
  const bool available = state == "online";
  device_available_[device] = available;
  Emit(device, "available", available, retained, /*event=*/false, out);
}

void Zigbee2MqttDecoder::SetBridgeOnline(bool online, bool retained, Z2mDecoded* out) {
  const bool was_offline = bridge_offline_;
  if (!bridge_known_ || was_offline == online) {  // log changes, not every retained replay
    out->notices.push_back({online ? "bridge_online" : "bridge_offline", "",
                            online
                                ? "Zigbee2MQTT bridge is online"
                                : "Zigbee2MQTT bridge is offline: every Zigbee device is unknown"});
  }
  bridge_known_ = true;
  bridge_offline_ = !online;
  // Offline: nothing any Zigbee device reported can be trusted until the bridge is back, so
  // every device becomes unknown (the panel turns that into a trouble after its grace period).
  // Online again: each device goes back to what its own availability topic last said.
  if (!online) {
    for (const auto& [name, id] : id_by_name_) {
      Emit(id, "available", std::monostate{}, retained, false, out);
    }
  } else if (was_offline) {
    for (const auto& [name, id] : id_by_name_) {
      auto it = device_available_.find(id);
      Emit(id, "available", it == device_available_.end() ? true : it->second, retained, false,
           out);
    }
  }
}

void Zigbee2MqttDecoder::Emit(const std::string& device, const std::string& property,
                              const Value& value, bool retained, bool event, Z2mDecoded* out) {
  auto [it, inserted] = last_.try_emplace({device, property}, value);
  if (!inserted && !event && it->second == value) return;
  it->second = value;
  Reading reading;
  reading.device = device;
  reading.property = property;
  reading.value = value;
  reading.initial = retained;
  out->readings.push_back(std::move(reading));
}

}  // namespace homesec
