// Config section "zones": what each device property means to the panel. Besides the fields
// themselves this checks the zone against the installation: the device exists, can report the
// property, the property fits the zone type, and no device property is watched by two zones.
#include <algorithm>
#include <map>
#include <set>

#include "daemon/config_sections.hpp"

namespace homesec {
namespace {

const std::vector<std::string> kZoneTypeNames{
    "entry_exit", "entry_follower", "perimeter", "interior", "tamper_24h", "fire_24h",
    "water_24h",  "gas_24h",        "panic_24h", "lock",     "door_held"};
// Every property a device can report (rules/types.hpp).
const std::vector<std::string> kPropertyNames{"contact",     "latch",     "lock_state", "smoke",
                                              "water_leak",  "gas",       "co",         "tamper",
                                              "occupancy",   "vibration", "panic",      "keyswitch",
                                              "battery_low", "available", "test"};

// Which properties make sense for each zone type.
std::vector<std::string> PropertiesFor(ZoneType type) {
  switch (type) {
    case ZoneType::kEntryExit:
    case ZoneType::kDoorHeld:
      return {"contact", "latch"};
    case ZoneType::kPerimeter:
      return {"contact", "latch", "vibration"};
    case ZoneType::kInterior:
    case ZoneType::kEntryFollower:
      return {"contact", "latch", "occupancy", "vibration"};
    case ZoneType::kTamper24h:
      return {"tamper"};
    case ZoneType::kFire24h:
      return {"smoke"};
    case ZoneType::kWater24h:
      return {"water_leak"};
    case ZoneType::kGas24h:
      return {"gas", "co"};
    case ZoneType::kPanic24h:
      return {"panic"};
    case ZoneType::kLock:
      return {"lock_state"};
  }
  return {};
}

// The property a GPIO input line reports (sensors/gpio_inputs.cpp).
std::string GpioProperty(LineRole role) {
  return std::string(ToString(role));
}

const DeviceConfig* FindDevice(const std::vector<DeviceConfig>& devices, const std::string& id) {
  for (const DeviceConfig& device : devices) {
    if (device.id == id) return &device;
  }
  return nullptr;
}

std::string Quoted(const std::string& text) {
  return "'" + text + "'";
}

// Options that only one zone type understands: set on another type they do nothing, which is
// almost always a mistake (the wrong zone, or the wrong type).
void CheckTypeOnlyOption(ObjectReader& reader, std::string_view key, ZoneType type,
                         ZoneType required) {
  if (reader.Has(key) && type != required) {
    reader.errors().Add(
        reader.PathOf(key), "only applies to " + std::string(ToString(required)) + " zones",
        "this zone is " + std::string(ToString(type)) + ": remove the key or change the type");
  }
}

void ReadBypass(ObjectReader& reader, ZoneType type, ZoneConfig& zone) {
  const nlohmann::json* bypass = reader.Get("bypass_in");
  if (bypass == nullptr) {
    if (type == ZoneType::kInterior || type == ZoneType::kEntryFollower) {
      zone.bypass_in = {Mode::kArmedHome, Mode::kArmedNight};
    }
    return;
  }
  const std::string path = reader.PathOf("bypass_in");
  if (!bypass->is_array()) {
    reader.errors().Add(path, "expected an array of modes, got " + JsonTypeName(*bypass),
                        R"(e.g. ["armed_home", "armed_night"])");
    return;
  }
  if (Is24Hour(type) && !bypass->empty()) {
    reader.errors().Add(path, "a 24-hour zone cannot be bypassed by mode",
                        "24-hour zones (fire, water, gas, tamper, panic) are always active");
    return;
  }
  for (std::size_t i = 0; i < bypass->size(); ++i) {
    const nlohmann::json& item = (*bypass)[i];
    const std::string item_path = IndexPath(path, i);
    const std::string text = item.is_string() ? item.get<std::string>() : std::string();
    const std::optional<Mode> mode = ParseMode(text);
    if (!mode || !IsArmedMode(*mode)) {
      std::string hint = item.is_string() ? DidYouMean(text, ArmedModeNames()) : std::string();
      if (hint.empty()) hint = "one of " + JoinAlternatives(ArmedModeNames());
      reader.errors().Add(item_path,
                          item.is_string() ? "not an armed mode: '" + text + "'"
                                           : "expected a mode name, got " + JsonTypeName(item),
                          hint);
      continue;
    }
    zone.bypass_in.insert(*mode);
  }
}

// The property the zone watches: explicit, or what its device reports, or the type's default.
void ReadProperty(ObjectReader& reader, ZoneType type, const DeviceConfig* device,
                  ZoneConfig& zone) {
  const auto* gpio = device != nullptr ? std::get_if<GpioLineConfig>(&device->source) : nullptr;
  const std::vector<std::string> allowed = PropertiesFor(type);
  if (!reader.Has("property")) {
    if (gpio != nullptr) {
      zone.property = GpioProperty(gpio->role);
    } else {
      zone.property = allowed.front();
      return;  // the type's own default always fits it
    }
  } else if (const nlohmann::json* word = reader.Get("property");
             word->is_string() && PropertyForMeaning(word->get<std::string>())) {
    // The meaning words of docs/devices.md ("water", "motion", "lock" ...) name the property.
    zone.property = *PropertyForMeaning(word->get<std::string>());
  } else if (!reader.Choice("property", zone.property, kPropertyNames)) {
    return;
  }
  // A defaulted property is reported at the device that implied it.
  const std::string path = reader.PathOf(reader.Has("property") ? "property" : "device");
  if (std::find(allowed.begin(), allowed.end(), zone.property) == allowed.end()) {
    reader.errors().Add(path,
                        "property " + Quoted(zone.property) + " makes no sense for a " +
                            std::string(ToString(type)) + " zone",
                        "use " + JoinAlternatives(allowed) + ", or another zone type");
    return;
  }
  if (gpio != nullptr && zone.property != GpioProperty(gpio->role)) {
    reader.errors().Add(path,
                        "device " + Quoted(device->id) + " is a GPIO " +
                            std::string(ToString(gpio->role)) + " line and reports only " +
                            Quoted(GpioProperty(gpio->role)),
                        "set the line's \"role\" to " + Quoted(zone.property) +
                            " or watch property " + Quoted(GpioProperty(gpio->role)));
  }
}

// zigbee_property: the Zigbee2MQTT key that feeds the zone's property, and `active`: the values
// that mean active, where the key's own expose does not say (an enum's words, an IAS alarm_1).
void ReadZigbeeBinding(ObjectReader& reader, const DeviceConfig* device, const ZoneConfig& zone,
                       std::vector<KeyBinding>& bindings) {
  const bool has_key = reader.Has("zigbee_property");
  if (!has_key) {
    if (reader.Has("active")) {
      reader.errors().Add(reader.PathOf("active"), "only applies with \"zigbee_property\"",
                          "name the Zigbee2MQTT key whose values these are");
    }
    return;
  }
  KeyBinding binding;
  if (!reader.String("zigbee_property", binding.key)) return;
  if (binding.key.empty() || binding.key.size() > 64 ||
      binding.key.find_first_of("/+#\" ") != std::string::npos) {
    reader.errors().Add(reader.PathOf("zigbee_property"),
                        "invalid Zigbee2MQTT property " + Quoted(binding.key),
                        "a key of the device's state message, e.g. \"water_leak_alarm_1\"");
    return;
  }
  if (device == nullptr || zone.property.empty()) return;  // reported at "device" / "property"
  if (!std::holds_alternative<ZigbeeDeviceConfig>(device->source)) {
    reader.errors().Add(reader.PathOf("zigbee_property"),
                        "device " + Quoted(device->id) + " is not a Zigbee device",
                        "zigbee_property binds a key of a Zigbee2MQTT device's state");
    return;
  }
  if (const nlohmann::json* active = reader.Get("active")) {
    const std::string path = reader.PathOf("active");
    if (!active->is_array() || active->empty()) {
      reader.errors().Add(path, "expected a non-empty list of values, got " + JsonTypeName(*active),
                          R"(the values that mean active, e.g. ["alarm", "pre_alarm"] or [true])");
      return;
    }
    for (std::size_t i = 0; i < active->size(); ++i) {
      const nlohmann::json& value = (*active)[i];
      if (!value.is_string() && !value.is_boolean() && !value.is_number()) {
        reader.errors().Add(IndexPath(path, i), "expected a string, true/false or a number, got " +
                                                    JsonTypeName(value));
        return;
      }
      binding.active.push_back(value);
    }
  }
  binding.device = zone.device;
  binding.property = zone.property;
  bindings.push_back(std::move(binding));
}

}  // namespace

void ReadZones(const nlohmann::json* zones, const std::vector<DeviceConfig>& devices,
               ConfigErrors& errors, std::vector<ZoneConfig>& out,
               std::vector<KeyBinding>& bindings) {
  if (zones == nullptr) {
    errors.Add("zones", "missing (required)", "declare at least one zone");
    return;
  }
  if (!zones->is_array()) {
    errors.Add("zones", "expected an array, got " + JsonTypeName(*zones));
    return;
  }
  std::vector<std::string> device_ids;
  for (const DeviceConfig& device : devices) device_ids.push_back(device.id);

  std::set<std::string> ids;
  std::map<int, std::string> numbers;                      // number -> zone id
  std::map<std::string, std::string> watched;              // "device/property" -> zone id
  std::map<std::string, std::vector<std::string>> groups;  // cross-zone group -> paths
  for (std::size_t i = 0; i < zones->size(); ++i) {
    const std::string path = IndexPath("zones", i);
    ObjectReader reader(
        (*zones)[i], path, errors,
        {"id", "name", "number", "type", "device", "property", "bypass_in", "chime",
         "allow_open_at_arming", "silent", "swinger_limit", "cross_zone_group", "door_held_s",
         "lock_wrong_code_burst", "lock_wrong_code_window_s", "zigbee_property", "active"});
    if (!reader.ok()) continue;
    ZoneConfig zone;
    if (reader.String("id", zone.id, /*required=*/true)) {
      CheckId(zone.id, reader.PathOf("id"), errors);
      if (!zone.id.empty() && !ids.insert(zone.id).second) {
        errors.Add(reader.PathOf("id"), "duplicate zone id " + Quoted(zone.id),
                   "every zone needs its own id");
      }
    }
    reader.String("name", zone.name);

    // Contact ID zone numbers (CCC) default to the position in the list.
    zone.number = static_cast<int>(i) + 1;
    const bool explicit_number = reader.Int("number", zone.number, 1, 999);
    if (const auto [it, inserted] = numbers.emplace(zone.number, zone.id); !inserted) {
      errors.Add(explicit_number ? reader.PathOf("number") : path,
                 "zone number " + std::to_string(zone.number) + " is already used by zone " +
                     Quoted(it->second),
                 explicit_number ? "zone numbers (Contact ID CCC) must be unique"
                                 : "this zone's number defaults to its position; give it an "
                                   "explicit unique \"number\"");
    }

    std::string type_name;
    const bool type_ok = reader.Choice("type", type_name, kZoneTypeNames, /*required=*/true);
    if (type_ok) zone.type = *ParseZoneType(type_name);

    const DeviceConfig* device = nullptr;
    if (reader.String("device", zone.device, /*required=*/true)) {
      device = FindDevice(devices, zone.device);
      if (device == nullptr) {
        std::string hint = DidYouMean(zone.device, device_ids);
        if (hint.empty()) hint = "declare it under \"devices\" first";
        errors.Add(reader.PathOf("device"), "no device named " + Quoted(zone.device), hint);
      }
    }
    if (type_ok) {
      ReadProperty(reader, zone.type, device, zone);
      ReadZigbeeBinding(reader, device, zone, bindings);
      ReadBypass(reader, zone.type, zone);
      CheckTypeOnlyOption(reader, "silent", zone.type, ZoneType::kPanic24h);
      CheckTypeOnlyOption(reader, "door_held_s", zone.type, ZoneType::kDoorHeld);
      CheckTypeOnlyOption(reader, "lock_wrong_code_burst", zone.type, ZoneType::kLock);
      CheckTypeOnlyOption(reader, "lock_wrong_code_window_s", zone.type, ZoneType::kLock);
    }
    if (device != nullptr && !zone.property.empty()) {
      const std::string key = zone.device + "/" + zone.property;
      if (const auto [it, inserted] = watched.emplace(key, zone.id); !inserted) {
        errors.Add(reader.Has("property") ? reader.PathOf("property") : reader.PathOf("device"),
                   "property " + Quoted(zone.property) + " of device " + Quoted(zone.device) +
                       " is already watched by zone " + Quoted(it->second),
                   "one device property belongs to one zone; merge the two zones");
      }
    }
    reader.Bool("chime", zone.chime);
    reader.Bool("allow_open_at_arming", zone.allow_open_at_arming);
    reader.Bool("silent", zone.silent);
    reader.Int("swinger_limit", zone.swinger_limit, 0, 100);
    if (reader.String("cross_zone_group", zone.cross_zone_group) &&
        !zone.cross_zone_group.empty()) {
      groups[zone.cross_zone_group].push_back(reader.PathOf("cross_zone_group"));
    }
    reader.Duration("door_held_s", zone.door_held_limit, 10, 86400);
    reader.Int("lock_wrong_code_burst", zone.lock_wrong_code_burst, 2, 100);
    reader.Duration("lock_wrong_code_window_s", zone.lock_wrong_code_window, 10, 86400);
    out.push_back(std::move(zone));
  }
  // Cross-zone confirmation needs a second zone to confirm the first.
  for (const auto& [group, paths] : groups) {
    if (paths.size() < 2) {
      errors.Add(paths.front(), "cross-zone group " + Quoted(group) + " has only this zone",
                 "an alarm in a cross-zone group waits for a second zone of the same group; "
                 "add another zone to it or remove the key");
    }
  }
}

}  // namespace homesec
