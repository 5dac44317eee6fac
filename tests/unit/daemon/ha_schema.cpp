// The discovery check: mirrors what Home Assistant's MQTT discovery does with a config message
// (discovery.py: topic match, abbreviations, "~" topic base, origin; then the platform's
// DISCOVERY_SCHEMA) and reports each thing it would drop or refuse. The schema's data lives in
// tests/data/ha/mqtt_discovery_schema.json; the value types and named rules are implemented
// here (ha_schema_values.cpp holds the value checks).
#include "tests/unit/daemon/ha_schema.hpp"

#include <algorithm>

#include "tests/unit/daemon/ha_schema_values.hpp"

namespace homesec {
namespace {

using nlohmann::json;

bool Has(const json& object, const std::string& key) {
  return object.is_object() && object.contains(key);
}

std::vector<std::string> Keys(const json& object) {
  std::vector<std::string> keys;
  for (const auto& item : object.items()) keys.push_back(item.key());
  return keys;
}

bool ListHas(const json& list, const json& value) {
  return list.is_array() && std::find(list.begin(), list.end(), value) != list.end();
}

// discovery.py _replace_abbreviations: an abbreviated key replaces its long form.
void Expand(json& object, const json& table) {
  if (!object.is_object()) return;
  for (const auto& [abbreviation, full] : table.items()) {
    if (abbreviation == full.get<std::string>() || !object.contains(abbreviation)) continue;
    json value = std::move(object[abbreviation]);
    object.erase(abbreviation);
    object[full.get<std::string>()] = std::move(value);
  }
}

// discovery.py _replace_all_abbreviations.
void ExpandAll(json& payload, const json& tables, bool component_only) {
  Expand(payload, tables["entity"]);
  if (Has(payload, "availability")) {
    json& availability = payload["availability"];
    if (availability.is_array()) {
      for (json& entry : availability) Expand(entry, tables["entity"]);
    } else {
      Expand(availability, tables["entity"]);
    }
  }
  if (component_only) return;
  if (Has(payload, "origin")) Expand(payload["origin"], tables["origin"]);
  if (Has(payload, "device")) Expand(payload["device"], tables["device"]);
  if (Has(payload, "components") && payload["components"].is_object()) {
    for (auto& item : payload["components"].items()) ExpandAll(item.value(), tables, true);
  }
}

// discovery.py _replace_topic_base: "~" at either end of a *topic value stands for the base.
std::string WithBase(const std::string& value, const std::string& base) {
  std::string result = value;
  if (!value.empty() && value.front() == '~') result = base + value.substr(1);
  if (!value.empty() && value.back() == '~') result = value.substr(0, value.size() - 1) + base;
  return result;
}

void ReplaceTopicBase(json& payload) {
  const json base_value = payload["~"];
  payload.erase("~");
  const std::string base = base_value.is_string() ? base_value.get<std::string>()
                                                  : base_value.dump();  // Python's f"{base}"
  for (auto& item : payload.items()) {
    const std::string& key = item.key();
    if (item.value().is_string() && key.size() >= 5 && key.ends_with("topic")) {
      item.value() = WithBase(item.value().get<std::string>(), base);
    }
  }
  if (Has(payload, "availability") && payload["availability"].is_array()) {
    for (json& entry : payload["availability"]) {
      if (Has(entry, "topic") && entry["topic"].is_string()) {
        entry["topic"] = WithBase(entry["topic"].get<std::string>(), base);
      }
    }
  }
}

class Checker {
 public:
  Checker(const json& schema, std::vector<std::string>& out) : schema_(schema), out_(out) {}

  void Report(const std::string& where, const std::string& what) {
    out_.push_back(where + ": " + what);
  }

  // A nested object (device, origin, availability entry): vol.Schema's default refuses extra
  // keys, so an unknown key here makes Home Assistant refuse the whole config.
  void CheckObject(const std::string& where, const json& value, const std::string& name) {
    const json& spec = schema_["objects"][name];
    if (!value.is_object()) {
      Report(where, "expected a " + name + " object, got " + Shown(value));
      return;
    }
    const json& deprecated = spec.value("deprecated_keys", json::object());
    for (const auto& [key, item] : value.items()) {
      if (Has(deprecated, key)) {
        Report(where + "." + key, deprecated[key].get<std::string>());
      } else if (!Has(spec["keys"], key)) {
        Report(where + "." + key, "unknown " + name +
                                      " key: Home Assistant refuses the whole "
                                      "config (extra keys not allowed)" +
                                      DidYouMean(key, Keys(spec["keys"])));
      } else {
        CheckValue(where + "." + key, item, spec["keys"][key]);
      }
    }
    CheckRequired(where, value, spec["keys"]);
    CheckRules(where, value, spec.value("rules", json::array()));
  }

  // One entity's config (already expanded) against common keys and the platform's keys: an
  // unknown key is dropped (DISCOVERY_SCHEMA: extra=REMOVE_EXTRA).
  void CheckEntity(const std::string& component, const std::string& where, const json& payload,
                   bool shared_objects_checked) {
    const json& spec = schema_["components"][component];
    json keys = schema_["common"]["keys"];
    keys.update(spec["keys"]);
    for (const auto& [key, value] : payload.items()) {
      if (shared_objects_checked && (key == "device" || key == "origin")) continue;
      if (Has(keys, key)) {
        CheckValue(where + ": " + key, value, keys[key]);
      } else if (Has(schema_["removed_keys"], key)) {
        Report(where + ": " + key, schema_["removed_keys"][key].get<std::string>());
      } else {
        Report(where + ": " + key, "unknown " + component + " key: Home Assistant drops it" +
                                       DidYouMean(key, Keys(keys)));
      }
    }
    CheckRequired(where, payload, keys);
    CheckRules(where, payload, schema_["common"]["rules"]);
    CheckRules(where, payload, spec.value("rules", json::array()));
  }

  void CheckValue(const std::string& where, const json& value, const json& spec) {
    const std::string type = spec["type"];
    if (type == "enum" || type == "enum_list") {
      CheckEnum(where, value, spec);
    } else if (type == "object") {
      CheckObject(where, value, spec["object"].get<std::string>());
    } else if (type == "object_list") {  // cv.ensure_list: one object counts as a list of one
      const std::string object = spec["object"];
      if (!value.is_array()) {
        CheckObject(where, value, object);
        return;
      }
      for (std::size_t i = 0; i < value.size(); ++i) {
        CheckObject(where + "[" + std::to_string(i) + "]", value[i], object);
      }
    } else if (const std::string problem = ValueProblem(type, value); !problem.empty()) {
      Report(where, problem);
    }
  }

 private:
  void CheckEnum(const std::string& where, const json& value, const json& spec) {
    const std::string name = spec["enum"];
    const json& values = schema_["enums"][name];
    const bool list = spec["type"] == "enum_list";
    if (!list && value.is_null() && spec.value("nullable", false)) return;
    if (list && !value.is_array()) {
      Report(where, "expected a list of " + name + " values, got " + Shown(value));
      return;
    }
    for (const json& item : list ? value : json::array({value})) {
      std::string text = item.is_string() ? item.get<std::string>() : std::string();
      if (spec.value("lower", false)) text = AsciiLower(text);  // vol.Lower
      if (!item.is_string() || !ListHas(values, text)) {
        Report(where, Shown(item) + " is not one of the " + name + " values" +
                          DidYouMean(text, values.get<std::vector<std::string>>(), true));
      }
    }
  }

  void CheckRequired(const std::string& where, const json& object, const json& keys) {
    for (const auto& [key, spec] : keys.items()) {
      if (spec.value("required", false) && !Has(object, key)) {
        Report(where, "missing required key " + key);
      }
    }
  }

  void CheckRules(const std::string& where, const json& object, const json& rules) {
    for (const json& rule : rules) {
      const std::string name = rule["rule"];
      const std::string message = rule.value("message", "");
      if (name == "exclusive") {
        const auto present =
            std::count_if(rule["keys"].begin(), rule["keys"].end(),
                          [&](const json& key) { return Has(object, key.get<std::string>()); });
        if (present > 1) Report(where, message);
      } else if (name == "required_with") {
        if (Has(object, rule["with"].get<std::string>()) &&
            !Has(object, rule["key"].get<std::string>())) {
          Report(where, message);
        }
      } else if (name == "one_not_empty") {
        // value.get(...) is truthy: a non-empty list, or any single value (cv.ensure_list).
        const bool any = std::any_of(rule["keys"].begin(), rule["keys"].end(), [&](const json& k) {
          const std::string key = k.get<std::string>();
          return Has(object, key) && !object[key].is_null() &&
                 !(object[key].is_array() && object[key].empty());
        });
        if (!any) Report(where, message);
      } else if (name == "not_value") {
        const std::string key = rule["key"];
        if (Has(object, key) && object[key] == rule["value"]) Report(where + ": " + key, message);
      } else if (name == "min_items") {
        const std::string key = rule["key"];
        if (Has(object, key) && object[key].is_array() &&
            object[key].size() < rule["min"].get<std::size_t>()) {
          Report(where + ": " + key, message);
        }
      } else if (name == "sensor_units") {
        CheckSensorUnits(where, object);
      } else {
        Report(where, "the schema file names an unknown rule '" + name + "'");
      }
    }
  }

  // mqtt/sensor.py validate_sensor_state_and_device_class_config, then what SensorEntity
  // refuses or warns about (sensor/__init__.py, sensor/const.py).
  void CheckSensorUnits(const std::string& where, const json& config) {
    const json& sensor = schema_["sensor"];
    auto text = [&](const char* key) -> std::string {
      return Has(config, key) && config[key].is_string() ? config[key].get<std::string>() : "";
    };
    const std::string device_class = AsciiLower(text("device_class"));
    const std::string state_class = AsciiLower(text("state_class"));
    std::string unit = text("unit_of_measurement");
    if (unit.find_first_not_of(" \t\r\n") == std::string::npos) unit.clear();  // popped
    const json unit_value = unit.empty() ? json(nullptr) : json(unit);

    if (Has(config, "last_reset_value_template") && state_class != "total") {
      Report(where, "last_reset_value_template cannot be used together with state class '" +
                        state_class + "' (only total)");
    }
    if (Has(config, "options") && !config["options"].is_null()) {
      if (config["options"].is_array() && config["options"].empty()) {
        Report(where + ": options", "an empty options list is not allowed");
      }
      if (!state_class.empty() || !unit.empty()) {
        Report(where + ": options", "not allowed together with state_class or unit_of_measurement");
      }
      if (device_class != "enum") {
        Report(where + ": options",
               "must be used together with device class enum, got '" + device_class + "'");
      }
    }
    if (Has(sensor["state_class_units"], state_class) &&
        !ListHas(sensor["state_class_units"][state_class], unit_value)) {
      Report(where, "unit of measurement " + Shown(unit_value) +
                        " is not valid together with state class '" + state_class + "'");
    }
    if (ListHas(sensor["non_numeric_device_classes"], json(device_class))) {
      if (!unit.empty() || !state_class.empty()) {
        Report(where, "device class '" + device_class +
                          "' is not numeric: Home Assistant refuses a unit of measurement or a "
                          "state class with it");
      }
    }
    const json& state_classes = sensor["device_class_state_classes"];
    if (!state_class.empty() && Has(state_classes, device_class) &&
        state_classes[device_class] != "all" &&
        !ListHas(state_classes[device_class], json(state_class))) {
      Report(where, "state class '" + state_class + "' does not fit device class '" + device_class +
                        "' (Home Assistant logs a warning)");
    }
    if (unit.empty() || device_class.empty()) return;
    const std::string normal =  // AMBIGUOUS_UNITS
        ReplaceAll(unit, sensor["ambiguous_units"]["from"].get<std::string>(),
                   sensor["ambiguous_units"]["to"].get<std::string>());
    const json& units = sensor["device_class_units"];
    if (Has(units, device_class) && !ListHas(units[device_class], json(normal))) {
      Report(where, "unit of measurement '" + unit + "' is not valid together with device class '" +
                        device_class + "'");
    }
  }

  const json& schema_;
  std::vector<std::string>& out_;
};

// schemas.py DEVICE_DISCOVERY_SCHEMA (which refuses extra keys), then each component with the
// shared options it inherits (discovery.py _merge_common_device_options).
void CheckDeviceDiscovery(Checker& checker, const json& schema, const std::string& where,
                          json payload) {
  const json& spec = schema["device_discovery"];
  for (const auto& [key, value] : payload.items()) {
    if (!Has(spec["keys"], key)) {
      checker.Report(where + ": " + key,
                     "unknown device discovery key: Home Assistant refuses "
                     "the whole device payload" +
                         DidYouMean(key, Keys(spec["keys"])));
    } else {
      checker.CheckValue(where + ": " + key, value, spec["keys"][key]);
    }
  }
  for (const char* key : {"device", "origin", "components"}) {
    if (!Has(payload, key)) checker.Report(where, std::string("missing required key ") + key);
  }
  if (!Has(payload, "components") || !payload["components"].is_object()) return;
  for (auto& [id, config] : payload["components"].items()) {
    const std::string component_where = where + " component " + id;
    if (!config.is_object() || !Has(config, "platform") || !config["platform"].is_string()) {
      checker.Report(component_where, "a component needs platform, the component name");
      continue;
    }
    const std::string platform = config["platform"];
    config.erase("platform");
    if (!ListHas(schema["topic"]["supported_components"], json(platform))) {
      checker.Report(component_where, "platform '" + platform + "' is not supported");
      continue;
    }
    for (const json& option : spec["shared_options"]) {
      const std::string key = option;
      if (Has(payload, key) && !Has(config, key)) config[key] = payload[key];
    }
    for (const char* key : {"device", "origin"}) {
      if (Has(payload, key)) config[key] = payload[key];
    }
    if (Has(config, "~")) ReplaceTopicBase(config);
    if (!Has(schema["components"], platform)) {
      checker.Report(component_where, "the schema file does not describe " + platform);
      continue;
    }
    checker.CheckEntity(platform, platform + " (" + component_where + ")", config, true);
  }
}

}  // namespace

std::vector<std::string> CheckDiscovery(const json& schema, std::string_view topic,
                                        const json& payload) {
  std::vector<std::string> out;
  Checker checker(schema, out);
  const DiscoveryTopic parsed = ParseDiscoveryTopic(schema, topic);
  if (!parsed.problem.empty()) {
    out.push_back(std::string(topic) + ": " + parsed.problem);
    return out;
  }
  const std::string& component = parsed.component;
  const std::string where = component + " " + parsed.discovery_id;
  if (payload.is_null() || (payload.is_string() && payload.get<std::string>().empty())) {
    checker.Report(where, "an empty payload removes the entity, it is not a config");
    return out;
  }
  if (!payload.is_object()) {
    checker.Report(where, "the payload must be a JSON object, got " + Shown(payload));
    return out;
  }
  json expanded = payload;
  ExpandAll(expanded, schema["abbreviations"], false);
  if (component == "device") {
    CheckDeviceDiscovery(checker, schema, where, std::move(expanded));
    return out;
  }
  if (Has(expanded, "~")) ReplaceTopicBase(expanded);
  if (!Has(schema["components"], component)) {
    checker.Report(where, "Home Assistant supports " + component +
                              ", but tests/data/ha/mqtt_discovery_schema.json does not describe "
                              "it: add its keys there from homeassistant/components/mqtt/" +
                              component + ".py");
    return out;
  }
  checker.CheckEntity(component, where, expanded, false);
  return out;
}

}  // namespace homesec
