// Reading a Zigbee2MQTT definition's exposes into a capability table, and the property families
// by name. The expose shapes are zigbee-herdsman-converters' (lib/exposes.ts) as Zigbee2MQTT
// serialises them into bridge/devices; tests/data/zhc/ holds every security-relevant definition
// of the version named there, and tests/unit/sensors/zhc_definitions_test.cpp decodes them all.
#include "sensors/zigbee2mqtt_exposes.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <utility>

namespace homesec {
namespace {

using nlohmann::json;

std::string StringAt(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> StringsAt(const json& object, const char* key) {
  std::vector<std::string> out;
  auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return out;
  for (const json& value : *it) {
    if (value.is_string()) out.push_back(value.get<std::string>());
  }
  return out;
}

ExposedFeature FeatureOf(const json& expose) {
  ExposedFeature feature;
  feature.type = StringAt(expose, "type");
  feature.values = StringsAt(expose, "values");
  if (auto it = expose.find("value_on"); it != expose.end()) feature.value_on = *it;
  if (auto it = expose.find("value_off"); it != expose.end()) feature.value_off = *it;
  if (auto it = expose.find("value_min"); it != expose.end() && it->is_number()) {
    feature.value_min = it->get<double>();
  }
  if (auto it = expose.find("value_max"); it != expose.end() && it->is_number()) {
    feature.value_max = it->get<double>();
  }
  return feature;
}

int AccessOf(const json& expose) {
  auto it = expose.find("access");
  return it != expose.end() && it->is_number_integer() ? it->get<int>() : 0;
}

constexpr int kAccessSet = 2;

std::map<std::string, ExposedFeature> FeaturesOf(const json& composite) {
  std::map<std::string, ExposedFeature> out;
  auto it = composite.find("features");
  if (it == composite.end() || !it->is_array()) return out;
  for (const json& feature : *it) {
    if (!feature.is_object()) continue;
    std::string name = StringAt(feature, "property");
    if (name.empty()) name = StringAt(feature, "name");
    if (!name.empty()) out.emplace(std::move(name), FeatureOf(feature));
  }
  return out;
}

// Adds one expose (recursing into the features of specifics such as lock or switch, whose
// features are top-level state keys; a composite is one key holding an object).
void AddExpose(const json& expose, DeviceCapabilities& caps, int depth) {
  if (!expose.is_object() || depth > 4) return;
  const std::string type = StringAt(expose, "type");
  const std::string property = StringAt(expose, "property");
  const bool leaf = type == "binary" || type == "enum" || type == "numeric" || type == "text" ||
                    type == "list" || type == "composite";
  if (!leaf) {
    // lock, switch, light, cover, climate, fan: features carry their own properties.
    if (auto it = expose.find("features"); it != expose.end() && it->is_array()) {
      for (const json& feature : *it) AddExpose(feature, caps, depth + 1);
    }
    return;
  }
  if (property.empty()) return;
  const bool settable = (AccessOf(expose) & kAccessSet) != 0;
  if (type == "composite") {
    if (property == "warning" && settable) {
      caps.siren.has_warning = true;
      caps.siren.warning = FeaturesOf(expose);
    } else if (property == "squawk" && settable) {
      caps.siren.has_squawk = true;
      caps.siren.squawk = FeaturesOf(expose);
    } else if (property == "trigger_siren" && settable) {
      caps.siren.has_trigger = true;
      caps.siren.trigger = FeaturesOf(expose);
    }
  }
  static constexpr std::array<std::string_view, 5> kSwitches{"alarm", "siren", "siren_on",
                                                             "alarm_siren", "state_siren"};
  const bool is_switch = std::find(kSwitches.begin(), kSwitches.end(), property) != kSwitches.end();
  // The first one exposed wins (`alarm` before the others: it is listed first by the devices
  // that have two).
  if (is_switch && settable && type != "composite" && !caps.siren.switch_feature) {
    caps.siren.switch_key = property;
    caps.siren.switch_feature = FeatureOf(expose);
  }
  if (property == "action" && type == "enum") caps.actions = StringsAt(expose, "values");
  if (property == "battery_low") caps.has_battery_low = true;

  ExposedKey key;
  key.key = property;
  key.type = type;
  // A numeric `gas` is a concentration and a numeric `water` a meter: only binaries and enums
  // say active or not (and the battery its percentage).
  const bool states =
      type == "binary" || type == "enum" || (type == "numeric" && property == "battery");
  key.meaning = states ? MeaningOfKey(property) : std::string();
  key.values = StringsAt(expose, "values");
  if (auto it = expose.find("value_on"); it != expose.end()) key.value_on = *it;
  if (auto it = expose.find("value_off"); it != expose.end()) key.value_off = *it;
  caps.keys.insert_or_assign(property, std::move(key));
}

bool AllDigits(std::string_view text) {
  return !text.empty() && text.size() <= 2 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// stem, or stem_N with N one or two digits (IAS zones with two alarm bits, multi-probe and
// multi-area devices).
bool StemMatches(std::string_view key, std::string_view stem) {
  if (key == stem) return true;
  return key.size() > stem.size() + 1 && key.substr(0, stem.size()) == stem &&
         key[stem.size()] == '_' && AllDigits(key.substr(stem.size() + 1));
}

// "<before>N<after>" with N one or two digits: input_2_leak_detect_1 is input_ N _leak_detect_ M.
bool NumberedMatches(std::string_view key, std::string_view before, std::string_view middle,
                     std::string_view after_digits) {
  if (key.substr(0, before.size()) != before) return false;
  key.remove_prefix(before.size());
  const std::size_t at = key.find(middle);
  if (at == std::string_view::npos || !AllDigits(key.substr(0, at))) return false;
  key.remove_prefix(at + middle.size());
  if (after_digits.empty()) return key.empty();
  return key == after_digits || AllDigits(key);
}

}  // namespace

std::vector<std::string> DeviceCapabilities::Feeds() const {
  std::set<std::string> out;
  for (const auto& [name, key] : keys) {
    if (!key.meaning.empty()) out.insert(key.meaning);
    if (name == "lock_state") out.insert("lock_state");
    if (name == "state" && (key.value_on == "LOCK" || key.value_on == "UNLOCK")) {
      out.insert("lock_state");
    }
    if (name == "door_state") out.insert("contact");
    if (name == "opening_state" || name == "handle_position") out.insert("latch");
    // PushOk POK019's motor/handle status (Pok019Status in zigbee2mqtt_properties.cpp).
    if (name == "status" &&
        std::find(key.values.begin(), key.values.end(), "tilted") != key.values.end()) {
      out.insert("latch");
    }
  }
  for (const std::string& action : actions) {
    if (action == "sos") out.insert("panic");
    if (action == "vibration" || action == "tilt" || action == "drop") out.insert("vibration");
  }
  return {out.begin(), out.end()};
}

std::optional<DeviceCapabilities> CapabilitiesFromDefinition(const json& definition) {
  if (!definition.is_object()) return std::nullopt;
  auto exposes = definition.find("exposes");
  if (exposes == definition.end() || !exposes->is_array()) return std::nullopt;
  DeviceCapabilities caps;
  caps.model = StringAt(definition, "model");
  caps.vendor = StringAt(definition, "vendor");
  for (const json& expose : *exposes) AddExpose(expose, caps, 0);
  return caps;
}

std::string MeaningOfKey(std::string_view key) {
  struct Family {
    std::string_view stem;
    std::string_view property;
  };
  // Each `stem` also matches stem_N (tests/data/zhc/README.md lists where each comes from).
  static constexpr std::array<Family, 36> kFamilies{{
      {"contact", "contact"},
      {"contact_alarm", "contact"},
      {"garage_door_contact", "contact"},
      {"water_leak", "water_leak"},
      {"water_leak_alarm", "water_leak"},
      {"water_leak_zone", "water_leak"},
      {"water_leak_wire", "water_leak"},
      {"water_leak_both_zones", "water_leak"},
      {"active_water_leak", "water_leak"},
      {"water_leakage_state", "water_leak"},
      {"water", "water_leak"},
      {"water_sensor", "water_leak"},
      {"smoke", "smoke"},
      {"smoke_alarm", "smoke"},
      {"smoke_state", "smoke"},
      {"gas", "gas"},
      {"gas_alarm", "gas"},
      {"gas_state", "gas"},
      {"gas_sensor_state", "gas"},
      {"carbon_monoxide", "co"},
      {"carbon_monoxide_alarm", "co"},
      {"co_state", "co"},
      {"occupancy", "occupancy"},
      {"occupancy_alarm", "occupancy"},
      {"presence", "occupancy"},
      {"presence_state", "occupancy"},
      {"motion", "occupancy"},
      {"motion_state", "occupancy"},
      {"motion_status", "occupancy"},
      {"human_motion_state", "occupancy"},
      {"pir_detection", "occupancy"},
      {"vibration", "vibration"},
      {"tamper", "tamper"},
      {"tamper_alarm", "tamper"},
      {"sos", "panic"},
      {"sos_alarm", "panic"},
  }};
  for (const Family& family : kFamilies) {
    if (StemMatches(key, family.stem)) return std::string(family.property);
  }
  // Directional and combined occupancy of people counters and mmWave areas.
  static constexpr std::array<std::string_view, 4> kOccupancyParts{"occupancy_in", "occupancy_out",
                                                                   "occupancy_and", "occupancy_or"};
  if (std::find(kOccupancyParts.begin(), kOccupancyParts.end(), key) != kOccupancyParts.end() ||
      NumberedMatches(key, "mmwave_area", "_occupancy", "")) {
    return "occupancy";
  }
  if (NumberedMatches(key, "input_", "_leak_detect_", "0") ||
      NumberedMatches(key, "channel_", "_leak_detect_", "0")) {
    return "water_leak";
  }
  if (key == "tilt") return "vibration";
  if (StemMatches(key, "battery_low")) return "battery_low";
  if (key == "test" || key == "battery") return std::string(key);
  return {};
}

std::optional<bool> EnumValueActive(std::string_view meaning, std::string_view value) {
  // Values that say nothing about the zone.
  static constexpr std::array<std::string_view, 7> kNothing{
      "unknown", "undefined", "error", "offline", "init", "detecting", "error_unspecified"};
  if (std::find(kNothing.begin(), kNothing.end(), value) != kNothing.end()) return std::nullopt;
  // The quiet values of the families' enums (presence_state none, motion_state none,
  // smoke_state normal, gas_state normal, alarm_status ok ...); every other value is something
  // happening. Values are compared lower case.
  static constexpr std::array<std::string_view, 16> kQuiet{
      "none",   "normal", "clear",    "safe",        "idle",       "no",        "off", "closed",
      "absent", "vacant", "no_alarm", "no_presence", "unoccupied", "no_motion", "ok",  "locked"};
  if (std::find(kQuiet.begin(), kQuiet.end(), value) != kQuiet.end()) return false;
  // water_leakage_state: water_leakage_yes / water_leakage_no.
  if (value.ends_with("_no")) return false;
  if (value.ends_with("_yes")) return true;
  if (meaning == "contact") return value == "open" || value == "tilted";
  return true;
}

std::optional<std::string> PropertyForMeaning(std::string_view word) {
  static const std::map<std::string_view, std::string_view> kWords{{"contact", "contact"},
                                                                   {"latch", "latch"},
                                                                   {"lock", "lock_state"},
                                                                   {"lock_state", "lock_state"},
                                                                   {"water", "water_leak"},
                                                                   {"water_leak", "water_leak"},
                                                                   {"smoke", "smoke"},
                                                                   {"gas", "gas"},
                                                                   {"co", "co"},
                                                                   {"carbon_monoxide", "co"},
                                                                   {"motion", "occupancy"},
                                                                   {"presence", "occupancy"},
                                                                   {"occupancy", "occupancy"},
                                                                   {"vibration", "vibration"},
                                                                   {"tamper", "tamper"},
                                                                   {"panic", "panic"},
                                                                   {"sos", "panic"},
                                                                   {"battery_low", "battery_low"},
                                                                   {"test", "test"}};
  auto it = kWords.find(word);
  if (it == kWords.end()) return std::nullopt;
  return std::string(it->second);
}

}  // namespace homesec
