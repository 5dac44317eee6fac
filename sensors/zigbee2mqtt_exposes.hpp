// What a Zigbee device can say and be told, read from its definition's `exposes` in
// Zigbee2MQTT's retained bridge/devices inventory: the contract Zigbee2MQTT itself publishes
// (zigbee-herdsman-converters' exposes: binary with value_on/value_off, enum with values,
// numeric with a range, composites such as a siren's `warning`, specifics such as `lock` whose
// features are top-level keys). The decoder reads a device's state with this table first and
// falls back to the families by name (MeaningOfKey) for devices it has no definition of yet.
// See docs/devices.md, "Binding".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace homesec {

// One top-level key of a device's state message, as its definition exposes it.
struct ExposedKey {
  std::string key;                     // the state payload key ("water_leak_alarm_1")
  std::string type;                    // binary | enum | numeric | text | composite | list
  std::string meaning;                 // the panel property it feeds (rules/types.hpp), "" = none
  nlohmann::json value_on, value_off;  // binary: what "active" and "inactive" are
  std::vector<std::string> values;     // enum
};

// A composite's feature that homesec sets (a siren's warning/squawk fields).
struct ExposedFeature {
  std::string type;  // binary | enum | numeric
  std::vector<std::string> values;
  nlohmann::json value_on, value_off;
  std::optional<double> value_min, value_max;
};

// How a siren is told to sound, from what it exposes as settable.
struct SirenCapabilities {
  // `warning` composite (IAS WD startWarning): its features by name (mode, level, strobe,
  // strobe_level, strobe_duty_cycle, duration).
  std::map<std::string, ExposedFeature> warning;
  bool has_warning = false;
  // `squawk` composite (IAS WD squawk): state, level, strobe.
  std::map<std::string, ExposedFeature> squawk;
  bool has_squawk = false;
  // A settable one-key switch (`alarm` on Tuya and Heiman sirens, `siren_on`, `alarm_siren`,
  // `siren`, `state_siren`): boolean, "ON"/"OFF", an enum of sounds, or a number.
  std::string switch_key;
  std::optional<ExposedFeature> switch_feature;
  // Philips' `trigger_siren` composite (duration).
  std::map<std::string, ExposedFeature> trigger;
  bool has_trigger = false;
  bool any() const { return has_warning || switch_feature.has_value() || has_trigger; }
};

struct DeviceCapabilities {
  std::string model;
  std::string vendor;
  std::map<std::string, ExposedKey> keys;  // by state key
  std::vector<std::string> actions;        // values of the `action` enum
  SirenCapabilities siren;
  bool has_battery_low = false;
  // Every panel property some exposed key or action value feeds: the families, and the keys
  // with decoders of their own (a lock's state and lock_state, door_state, opening_state,
  // handle_position, the sos and vibration actions).
  std::vector<std::string> Feeds() const;
};

// A zone's explicit binding of one Zigbee2MQTT key (zones[].zigbee_property): the key feeds
// `property` of `device`, and no other key of that device does. `active`: the values that mean
// active (the zone's "active" list); empty = what the exposes say (value_on, the enum table),
// else the family's default.
struct KeyBinding {
  std::string device;    // DeviceId
  std::string key;       // the z2m state key
  std::string property;  // the panel property
  std::vector<nlohmann::json> active;
};

// From a bridge/devices entry's `definition` (an object with model, vendor, exposes); nullopt
// when it has no exposes list. Malformed parts are skipped, never thrown on.
std::optional<DeviceCapabilities> CapabilitiesFromDefinition(const nlohmann::json& definition);

// The panel property a Zigbee2MQTT key feeds by its name alone (the families of docs/devices.md:
// water_leak_alarm_2 -> water_leak, presence -> occupancy, sos -> panic ...); "" when the name
// is not one of them. Keys with their own decoders (action, state, lock_state, door_state,
// opening_state, handle_position, status, alarm) are not families.
std::string MeaningOfKey(std::string_view key);

// For an enum key of a family: whether `value` means active (a presence_state "presence", a
// smoke_state "alarm"); nullopt for a value that says nothing (e.g. "unknown").
std::optional<bool> EnumValueActive(std::string_view meaning, std::string_view value);

// The user-facing meaning words a zone may name (docs/devices.md): contact, water, smoke, gas,
// co, motion, vibration, tamper, panic, battery_low, lock ... -> the panel property; nullopt for
// an unknown word. Panel property names are accepted as themselves.
std::optional<std::string> PropertyForMeaning(std::string_view word);

}  // namespace homesec
