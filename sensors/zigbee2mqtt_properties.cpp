// Zigbee2MQTT property mapping: z2m keys and their device-specific spellings onto the panel's
// normalised properties. Every rule here is backed by a line of tests/data/zigbee2mqtt.jsonl
// or a zigbee-herdsman-converters converter named beside it.
#include "sensors/zigbee2mqtt_properties.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <string_view>

#include "rules/json_limits.hpp"
#include "rules/text.hpp"

namespace homesec {
namespace {

using nlohmann::json;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A short, safe rendering of an offending value for a warning (never used for codes/PINs).
std::string Show(const json& value) {
  if (value.is_structured()) return std::string("a JSON ") + value.type_name();  // no deep dump
  return PrintableText(DumpJson(value), 40);
}

// bool, or the strings some converters publish instead ("ON"/"OFF" from the Tuya CO box,
// "true"/"false" from attribute topics and old battery_low).
std::optional<bool> AsBool(const json& value) {
  if (value.is_boolean()) return value.get<bool>();
  if (!value.is_string()) return std::nullopt;
  const std::string text = Lower(value.get<std::string>());
  if (text == "true" || text == "on") return true;
  if (text == "false" || text == "off") return false;
  return std::nullopt;
}

// number, or a numeric string such as "100.00" (battery in early 1.x).
std::optional<double> AsNumber(const json& value) {
  if (value.is_number()) return value.get<double>();
  if (!value.is_string()) return std::nullopt;
  const std::string& text = value.get_ref<const std::string&>();
  double number = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, number);
  if (ec != std::errc() || ptr != end || text.empty() || !std::isfinite(number)) {
    return std::nullopt;
  }
  return number;
}

class Mapper {
 public:
  explicit Mapper(MappedState* out) : out_(out) {}

  void Add(const std::string& property, Value value, const std::string& key, bool event = false,
           bool momentary = false) {
    out_->values.push_back({property, std::move(value), property + "@" + key, event, momentary});
  }
  void Warn(const std::string& key, const std::string& what, const json& value) {
    out_->warnings.push_back(key + ": " + what + ", got " + Show(value));
  }

  // A family key (MeaningOfKey) or a bound key: `active` decides, the value is the panel
  // property's form (contact "open"/"closed", numbers for battery, else true/false).
  void Meaning(const std::string& key, const std::string& property, const json& value,
               const std::function<std::optional<bool>(const json&)>& active) {
    if (value.is_null()) return Add(property, std::monostate{}, key);
    if (property == "battery") return Battery(key, value);
    const std::optional<bool> on = active(value);
    if (!on) return Warn(key, "not a value that says active or inactive", value);
    if (property == "contact") return Add(property, std::string(*on ? "open" : "closed"), key);
    Add(property, *on, key);
  }

  void Battery(const std::string& key, const json& value) {
    if (value.is_null()) return Add("battery", std::monostate{}, key);
    if (auto n = AsNumber(value)) return Add("battery", *n, key);
    Warn(key, "expected a number", value);
  }

  // Window handles: Senoro opening_state, Shelly SBDW-103C handle_position (closed/tilted/open).
  void HandlePosition(const std::string& key, const json& value) {
    if (value.is_null()) return Add("latch", std::monostate{}, key);
    if (!value.is_string()) return Warn(key, "expected closed/open/tilted", value);
    const std::string text = Lower(value.get<std::string>());
    if (text == "closed" || text == "open" || text == "tilted") return Add("latch", text, key);
    Warn(key, "expected closed/open/tilted", value);
  }

  // PushOk POK019 `status`: its motor/handle state. Only the position-like values say anything
  // about the window; "stuck" means the position is uncertain. Other devices use `status` for
  // unrelated things, so unknown values are ignored rather than warned about.
  void Pok019Status(const std::string& key, const json& value) {
    if (!value.is_string()) return;
    const std::string text = Lower(value.get<std::string>());
    if (text == "tilted" || text == "micro_ventilation") return Add("latch", "tilted", key);
    if (text == "middle" || text == "moving") return Add("latch", "open", key);
    if (text == "stuck") return Add("latch", std::monostate{}, key);
  }

  // `state` is a lock's only when it is a lock word; switches and sirens use ON/OFF.
  void LockWord(const std::string& key, const json& value) {
    if (!value.is_string()) return;
    const std::string text = value.get<std::string>();
    // Yale Control4 module spells them LOCKED/UNLOCKED; Aqara ZNMS12LM uses LOCK/UNLOCK with
    // value_on "UNLOCK", which is the same meaning (on = unlocked).
    if (text == "LOCK" || text == "LOCKED") return Add("lock_state", std::string("locked"), key);
    if (text == "UNLOCK" || text == "UNLOCKED") {
      return Add("lock_state", std::string("unlocked"), key);
    }
  }

  // fz.lock lock_state: not_fully_locked is a bolt that did not throw, i.e. jammed.
  void LockState(const std::string& key, const json& value) {
    if (value.is_null()) return Add("lock_state", std::monostate{}, key);
    if (!value.is_string()) return Warn(key, "expected locked/unlocked/not_fully_locked", value);
    const std::string text = value.get<std::string>();
    if (text == "locked" || text == "unlocked") return Add("lock_state", text, key);
    if (text == "not_fully_locked") return Add("lock_state", std::string("jammed"), key);
    Warn(key, "expected locked/unlocked/not_fully_locked", value);
  }

  // ID Lock door_state: the door (contact) and its fault reports.
  void DoorState(const std::string& key, const json& value) {
    if (value.is_null()) return Add("contact", std::monostate{}, key);
    if (!value.is_string()) return Warn(key, "expected a door state", value);
    const std::string text = value.get<std::string>();
    if (text == "open" || text == "closed") return Add("contact", text, key);
    if (text == "error_jammed") return Add("lock_state", std::string("jammed"), key);
    if (text == "error_forced_open") {
      Add("lock_state", std::string("forced"), key);
      return Add("contact", std::string("open"), key);
    }
    if (text == "error_unspecified" || text == "undefined") return;
    Warn(key, "unknown door state", value);
  }

  // Yale Control4 module alarm strings (zhc yale.ts c4_alarm). A boolean `alarm` is a Tuya
  // siren's own state, not a lock alarm.
  void LockAlarm(const std::string& key, const json& value) {
    if (!value.is_string()) return;
    const std::string text = value.get<std::string>();
    if (text == "deadbolt_jammed") return Add("lock_state", std::string("jammed"), key);
    // The lock itself counted too many wrong PINs at its keypad.
    if (text == "tamper_alarm_keypad_attempts") {
      return Add("lock_state", std::string("wrong_code"), key);
    }
    // The outside escutcheon was removed: an attack on the cylinder.
    if (text == "tamper_alarm_front_escutcheon") {
      return Add("lock_state", std::string("forced"), key);
    }
  }

  void Action(const json& object) {
    const json& value = *object.find("action");
    if (value.is_null()) return;  // keypads report action:null when merely woken up
    if (!value.is_string()) return Warn("action", "expected a string", value);
    const std::string action = value.get<std::string>();
    if (action.empty()) return;  // 1.x reset after every action: not an event
    if (auto command = KeypadCommandFor(action)) return Keypad(object, *command, action);
    // Aqara DJT11LM: vibration, tilt and drop are all movement of what it is mounted on. Older
    // firmware never reports the end of it, so the event is a pulse.
    if (action == "vibration" || action == "tilt" || action == "drop") {
      return Add("vibration", true, "action", /*event=*/true, /*momentary=*/true);
    }
    // SOS buttons and remotes (Tuya, Heiman, Sonoff): a press is a panic for the zone that
    // binds the device's "panic".
    if (action == "sos") return Add("panic", true, "action", /*event=*/true, /*momentary=*/true);
    if (auto lock = LockActionState(action)) Add("lock_state", *lock, "action", /*event=*/true);
  }

 private:
  // fz.lock_operation_event, the Yale C4 module and the Aqara S2 (ZNMS12LM/13LM) actions.
  static std::optional<std::string> LockActionState(const std::string& action) {
    auto ends_with = [&](std::string_view suffix) {
      return action.size() >= suffix.size() &&
             action.compare(action.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    auto has = [&](std::string_view part) { return action.find(part) != std::string::npos; };
    // unlock_failure_invalid_pin_or_id, finger_not_match, password_not_match ...
    if (has("failure") || ends_with("_not_match")) return "wrong_code";
    if (action == "error_jammed") return "jammed";
    if (action == "error_forced_open") return "forced";
    // Audit and configuration events say nothing about the bolt.
    if (action.rfind("pin_code_", 0) == 0 || action == "unknown" ||
        action == "reverse_lock_cancel") {
      return std::nullopt;
    }
    // keypad_unlock, manual_unlock, lock_opened_inside, finger_open, password_open ...
    if (has("unlock") || has("opened") || ends_with("_open")) return "unlocked";
    // lock, locked, manual_lock, auto_lock, keypad_lock, lock_module, reverse_lock ...
    if (action == "lock" || action == "locked" || has("_lock") || action.rfind("lock_", 0) == 0) {
      return "locked";
    }
    return std::nullopt;
  }

  void Keypad(const json& object, CommandAction command, const std::string& action) {
    KeypadRequest request{command, std::nullopt, std::nullopt, action};
    if (auto it = object.find("action_code"); it != object.end() && !it->is_null()) {
      // A ZCL string: keep it as typed so leading zeros survive ("0042").
      if (it->is_string()) {
        request.code = it->get<std::string>();
      } else if (it->is_number_unsigned() || it->is_number_integer()) {
        request.code = std::to_string(it->get<long long>());
      } else {
        out_->warnings.push_back("action_code: expected a string");  // never echo a code
      }
    }
    if (auto it = object.find("action_transaction"); it != object.end() && !it->is_null()) {
      if (it->is_number_integer() || it->is_number_unsigned()) {
        request.transaction = it->get<int>();
      } else {
        Warn("action_transaction", "expected an integer", *it);
      }
    }
    out_->keypad = std::move(request);
  }

  MappedState* out_;
};

}  // namespace

std::optional<CommandAction> KeypadCommandFor(const std::string& action) {
  static const std::map<std::string, CommandAction> kActions = {
      {"disarm", CommandAction::kDisarm},
      {"arm_day_zones", CommandAction::kArmHome},
      {"arm_night_zones", CommandAction::kArmNight},
      {"arm_all_zones", CommandAction::kArmAway},
      // Remotes and keypads outside IAS ACE (Tuya, Heiman, Linkind, Immax): the same requests.
      {"arm_partial_zones", CommandAction::kArmHome},
      {"arm_home", CommandAction::kArmHome},
      {"arm_stay", CommandAction::kArmHome},
      {"home", CommandAction::kArmHome},
      {"arm_night", CommandAction::kArmNight},
      {"arm_away", CommandAction::kArmAway},
      {"away", CommandAction::kArmAway},
      {"emergency", CommandAction::kPanic},
      {"panic", CommandAction::kPanic},
      {"fire", CommandAction::kFire},
      {"medical", CommandAction::kMedical},
  };
  auto it = kActions.find(action);
  if (it == kActions.end()) return std::nullopt;
  return it->second;
}

namespace {

// Whether a family value is active when no expose says: booleans and their strings (contact
// inverted: Zigbee2MQTT's contact true is closed), enum words by the family table.
std::optional<bool> FamilyActive(const std::string& key, const std::string& property,
                                 const json& value) {
  // Zigbee2MQTT's contact and garage_door_contact are true when closed; contact_alarm_N, like
  // every other alarm bit, is true when active.
  const bool true_is_closed = key == "contact" || key == "garage_door_contact";
  if (auto b = AsBool(value)) return true_is_closed ? !*b : *b;
  if (value.is_string()) return EnumValueActive(property, Lower(value.get<std::string>()));
  return std::nullopt;
}

// Whether a value is active by the device's own expose of the key.
std::optional<bool> ExposedActive(const ExposedKey& exposed, const json& value) {
  // contact and garage_door_contact are true when closed, whatever value_on says: zhc's e.contact()
  // declares value_on false, while TERNCY-DC01 and Tuya's garage doors declare value_on true with
  // the same "closed (= true)" description (tests/data/zhc/README.md).
  if ((exposed.key == "contact" || exposed.key == "garage_door_contact") && value.is_boolean()) {
    return !value.get<bool>();
  }
  if (exposed.type == "binary") {
    if (value == exposed.value_on) return true;
    if (value == exposed.value_off) return false;
    return std::nullopt;
  }
  if (exposed.type == "enum" && value.is_string()) {
    return EnumValueActive(exposed.meaning, Lower(value.get<std::string>()));
  }
  return std::nullopt;
}

const KeyBinding* BindingOf(const std::vector<KeyBinding>* bindings, const std::string& key) {
  if (bindings == nullptr) return nullptr;
  for (const KeyBinding& binding : *bindings) {
    if (binding.key == key) return &binding;
  }
  return nullptr;
}

bool PropertyBound(const std::vector<KeyBinding>* bindings, const std::string& property) {
  if (bindings == nullptr) return false;
  return std::any_of(bindings->begin(), bindings->end(),
                     [&](const KeyBinding& b) { return b.property == property; });
}

}  // namespace

MappedState MapStateObject(const json& object, const DeviceCapabilities* caps,
                           const std::vector<KeyBinding>* bindings) {
  MappedState out;
  Mapper mapper(&out);
  for (const auto& item : object.items()) {
    // Not a structured binding: clang 14 cannot capture one in a lambda (P1091, clang 16).
    const std::string& key = item.key();
    const json& value = item.value();
    const ExposedKey* exposed = nullptr;
    if (caps != nullptr) {
      auto it = caps->keys.find(key);
      if (it != caps->keys.end()) exposed = &it->second;
    }
    if (const KeyBinding* binding = BindingOf(bindings, key)) {
      mapper.Meaning(key, binding->property, value, [&](const json& v) -> std::optional<bool> {
        if (!binding->active.empty()) {
          return std::find(binding->active.begin(), binding->active.end(), v) !=
                 binding->active.end();
        }
        if (exposed != nullptr) {
          if (auto on = ExposedActive(*exposed, v)) return on;
        }
        return FamilyActive(key, binding->property, v);
      });
      continue;
    }
    if (key == "opening_state" || key == "handle_position") {
      mapper.HandlePosition(key, value);
    } else if (key == "status") {
      mapper.Pok019Status(key, value);
    } else if (key == "state") {
      mapper.LockWord(key, value);
    } else if (key == "lock_state") {
      mapper.LockState(key, value);
    } else if (key == "door_state") {
      mapper.DoorState(key, value);
    } else if (key == "alarm") {
      mapper.LockAlarm(key, value);
    } else if (key == "action") {
      mapper.Action(object);
    } else {
      const std::string property = exposed != nullptr ? exposed->meaning : MeaningOfKey(key);
      if (property.empty() || PropertyBound(bindings, property)) continue;
      // A numeric `gas` is a concentration and a numeric `water` a meter, not a wrong type.
      if (value.is_number() && (key == "gas" || key == "water")) continue;
      mapper.Meaning(key, property, value, [&](const json& v) -> std::optional<bool> {
        if (exposed != nullptr) {
          if (auto on = ExposedActive(*exposed, v)) return on;
        }
        return FamilyActive(key, property, v);
      });
    }
  }
  // An explicit binding wins over the families: nothing else feeds a bound property.
  if (bindings != nullptr) {
    std::erase_if(out.values, [&](const MappedValue& v) {
      const std::string key = v.slot.substr(v.slot.find('@') + 1);
      return PropertyBound(bindings, v.property) && BindingOf(bindings, key) == nullptr;
    });
  }
  return out;
}

int Severity(const std::string& property, const Value& value) {
  if (std::holds_alternative<std::monostate>(value)) return 1;  // unknown: above "secure"
  if (const bool* b = std::get_if<bool>(&value)) return *b ? 2 : 0;
  const std::string* text = std::get_if<std::string>(&value);
  if (text == nullptr) return 0;
  static const std::map<std::string, int> kLock = {{"locked", 0},     {"unlocked", 2},
                                                   {"wrong_code", 3}, {"jammed", 4},
                                                   {"picked", 5},     {"forced", 6}};
  static const std::map<std::string, int> kOpening = {
      {"closed", 0}, {"tilted", 2}, {"open", 3}, {"forced", 4}};
  const auto& table = property == "lock_state" ? kLock : kOpening;
  auto it = table.find(*text);
  return it == table.end() ? 1 : it->second;
}

}  // namespace homesec
