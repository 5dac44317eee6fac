// How one Zigbee2MQTT state payload (a JSON object of device properties) maps onto the panel's
// normalised properties. Pure and stateless: the decoder adds topic routing, repeat
// suppression and availability. Internal to sensors/ (the daemon uses zigbee2mqtt_decoder.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rules/types.hpp"
#include "sensors/zigbee2mqtt_exposes.hpp"

namespace homesec {

// One normalised value and where it came from. Several z2m keys can feed one property (a lock's
// `state`, `lock_state`, `alarm`, `action` all say something about "lock_state"); `slot` names
// the key so that a value z2m repeats from its cache is recognised per key.
struct MappedValue {
  std::string property;  // normalised name, rules/types.hpp
  Value value;
  std::string slot;    // "<property>@<z2m key>"
  bool event = false;  // from `action`: a happening, never a cached repeat
  // A momentary event (a vibration action): the property falls back to false right after,
  // unless the same message also reports the property's state itself.
  bool momentary = false;
};

struct KeypadRequest {
  CommandAction action = CommandAction::kDisarm;
  std::optional<std::string> code;
  std::optional<int> transaction;
  std::string raw_action;
};

struct MappedState {
  std::vector<MappedValue> values;
  std::optional<KeypadRequest> keypad;
  std::vector<std::string> warnings;  // "<key>: ..." for wrong types / unknown values
};

// Maps every key of a state object (unknown keys are ignored: z2m adds and drops diagnostic
// keys freely). `caps`: the device's exposes when the inventory named it, read first (value_on
// and value_off, enum values); keys it does not describe fall back to the families by name.
// `bindings`: the device's explicit zone bindings; a bound key feeds its property and no other
// key of the device feeds that property.
MappedState MapStateObject(const nlohmann::json& object, const DeviceCapabilities* caps = nullptr,
                           const std::vector<KeyBinding>* bindings = nullptr);

// When several changed values feed the same property in one message, the one that matters
// most wins: an open contact over a closed one, a forced lock over an unlocked one.
int Severity(const std::string& property, const Value& value);

// Keypad actions (IAS ACE): nullopt for anything that is not a keypad request.
std::optional<CommandAction> KeypadCommandFor(const std::string& action);

}  // namespace homesec
