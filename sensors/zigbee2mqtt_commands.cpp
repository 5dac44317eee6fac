// Zigbee2MQTT command encoders. Field names and allowed values follow the converters in
// zigbee-herdsman-converters (tz.warning, tz.squawk, tz.arm_mode, tz.lock) and z2m's
// constants.armNotification / constants.armMode; tests compare them with the corpus.
#include "sensors/zigbee2mqtt_commands.hpp"
#include "rules/json_limits.hpp"

#include <algorithm>
#include <initializer_list>

#include <nlohmann/json.hpp>

namespace homesec {
namespace {

// Keeps keys in the order written, which is how z2m's docs show them; receivers do not care.
using Json = nlohmann::ordered_json;

std::string DeviceTopic(const std::string& base, const std::string& name, const char* suffix) {
  return base + "/" + name + "/" + suffix;
}

MqttOut SetMessage(const std::string& base, const std::string& name, const Json& body) {
  return MqttOut{DeviceTopic(base, name, "set"), DumpJson(body), false};
}

}  // namespace

std::string_view ToString(WarningMode mode) {
  switch (mode) {
    case WarningMode::kStop:
      return "stop";
    case WarningMode::kBurglar:
      return "burglar";
    case WarningMode::kFire:
      return "fire";
    case WarningMode::kEmergency:
      return "emergency";
    case WarningMode::kPolicePanic:
      return "police_panic";
    case WarningMode::kFirePanic:
      return "fire_panic";
    case WarningMode::kEmergencyPanic:
      return "emergency_panic";
  }
  return "stop";
}

WarningMode WarningModeFor(SirenReason reason) {
  switch (reason) {
    case SirenReason::kBurglar:
      return WarningMode::kBurglar;
    case SirenReason::kFire:
      return WarningMode::kFire;
    case SirenReason::kEmergency:
      return WarningMode::kEmergency;
  }
  return WarningMode::kBurglar;
}

MqttOut SirenWarning(const std::string& base, const std::string& friendly_name,
                     const SirenWarningSpec& spec) {
  Json warning;
  warning["mode"] = ToString(spec.mode);
  if (spec.level) warning["level"] = *spec.level;
  if (spec.strobe) warning["strobe"] = *spec.strobe;
  if (spec.strobe_level) warning["strobe_level"] = *spec.strobe_level;
  if (spec.strobe_duty_cycle) warning["strobe_duty_cycle"] = *spec.strobe_duty_cycle;
  if (spec.duration) warning["duration"] = spec.duration->count();
  return SetMessage(base, friendly_name, Json{{"warning", warning}});
}

MqttOut SirenWarning(const std::string& base, const std::string& friendly_name, SirenReason reason,
                     const std::string& level, bool strobe, Seconds duration) {
  SirenWarningSpec spec;
  spec.mode = WarningModeFor(reason);
  spec.level = level;
  spec.strobe = strobe;
  spec.duration = duration.count() > 0 ? duration : kSirenUntilStopped;
  return SirenWarning(base, friendly_name, spec);
}

MqttOut SirenStop(const std::string& base, const std::string& friendly_name) {
  return SirenWarning(base, friendly_name,
                      SirenWarningSpec{WarningMode::kStop, {}, {}, {}, {}, {}});
}

MqttOut SirenSquawk(const std::string& base, const std::string& friendly_name, bool armed,
                    const std::string& level, bool strobe) {
  // tz.squawk reads value.state; the SIRZB-110 doc example's "mode" key is rejected.
  Json squawk;
  squawk["state"] = armed ? "system_is_armed" : "system_is_disarmed";
  squawk["level"] = level;
  squawk["strobe"] = strobe;
  return SetMessage(base, friendly_name, Json{{"squawk", squawk}});
}

MqttOut SirenAlarmSwitch(const std::string& base, const std::string& friendly_name, bool on,
                         AlarmSwitchForm form) {
  Json body;
  if (form == AlarmSwitchForm::kBoolean) {
    body["alarm"] = on;
  } else {
    body["alarm"] = on ? "START" : "OFF";
  }
  return SetMessage(base, friendly_name, body);
}

MqttOut TuyaSiren(const std::string& base, const std::string& friendly_name, bool on) {
  return SirenAlarmSwitch(base, friendly_name, on, AlarmSwitchForm::kBoolean);
}

namespace {

std::optional<std::string> FirstOf(const std::vector<std::string>& values,
                                   std::initializer_list<std::string_view> wanted) {
  for (std::string_view w : wanted) {
    for (const std::string& v : values) {
      if (v == w) return v;
    }
  }
  return std::nullopt;
}

// The exposed level nearest to `wanted`, louder before quieter.
std::string NearestLevel(const std::vector<std::string>& values, const std::string& wanted) {
  static const std::vector<std::string> kOrder{"low", "medium", "high", "very_high"};
  const auto at = std::find(kOrder.begin(), kOrder.end(), wanted);
  const std::ptrdiff_t from = at == kOrder.end() ? 2 : at - kOrder.begin();
  for (std::ptrdiff_t distance = 0; distance < 4; ++distance) {
    for (std::ptrdiff_t i : {from + distance, from - distance}) {
      if (i < 0 || i >= 4) continue;
      if (std::find(values.begin(), values.end(), kOrder[i]) != values.end()) return kOrder[i];
    }
  }
  return values.empty() ? wanted : values.front();
}

// The warning mode for a reason among the exposed ones: its own, then the nearest in kind.
std::string WarningModeAmong(const std::vector<std::string>& modes, SirenReason reason) {
  std::optional<std::string> mode;
  switch (reason) {
    case SirenReason::kBurglar:
      mode = FirstOf(
          modes, {"burglar", "police_panic", "emergency", "emergency_panic", "fire", "fire_panic"});
      break;
    case SirenReason::kFire:
      mode = FirstOf(
          modes, {"fire", "fire_panic", "emergency", "emergency_panic", "burglar", "police_panic"});
      break;
    case SirenReason::kEmergency:
      mode = FirstOf(
          modes, {"emergency", "emergency_panic", "burglar", "police_panic", "fire", "fire_panic"});
      break;
  }
  return mode.value_or(std::string(ToString(WarningModeFor(reason))));
}

// A duration in seconds within what the feature exposes.
// A duration in seconds within what the feature exposes, and never outside 0 .. 1 day whatever
// the inventory claims (a hostile value_min of 1e300 must not become an integer).
long long ClampSeconds(const ExposedFeature* feature, Seconds duration) {
  double value = static_cast<double>(duration.count());
  if (feature != nullptr && feature->value_max) value = std::min(value, *feature->value_max);
  if (feature != nullptr && feature->value_min) value = std::max(value, *feature->value_min);
  return static_cast<long long>(std::clamp(value, 0.0, 86400.0));
}

const ExposedFeature* FeatureNamed(const std::map<std::string, ExposedFeature>& features,
                                   const std::string& name) {
  auto it = features.find(name);
  return it == features.end() ? nullptr : &it->second;
}

Json WarningBody(const SirenCapabilities& caps, const SirenRequest& request) {
  Json warning;
  if (!request.on) {
    warning["mode"] = "stop";
    return warning;
  }
  const ExposedFeature* mode = FeatureNamed(caps.warning, "mode");
  warning["mode"] =
      WarningModeAmong(mode != nullptr ? mode->values : std::vector<std::string>{}, request.reason);
  if (const ExposedFeature* level = FeatureNamed(caps.warning, "level")) {
    warning["level"] = NearestLevel(level->values, request.level);
  }
  // strobe_level and strobe_duty_cycle are never sent: zhc 26's modern siren converter fails
  // on strobe_level (tests/data/zhc/README.md), and the defaults flash.
  if (FeatureNamed(caps.warning, "strobe") != nullptr) warning["strobe"] = request.strobe;
  if (const ExposedFeature* duration = FeatureNamed(caps.warning, "duration")) {
    warning["duration"] = ClampSeconds(
        duration, request.duration.count() > 0 ? request.duration : kSirenUntilStopped);
  }
  return warning;
}

std::optional<Json> SwitchValue(const ExposedFeature& feature, const SirenRequest& request) {
  if (feature.type == "binary") {
    if (request.on) return feature.value_on.is_null() ? Json(true) : Json(feature.value_on);
    return feature.value_off.is_null() ? Json(false) : Json(feature.value_off);
  }
  if (feature.type == "enum") {
    if (!request.on) return FirstOf(feature.values, {"stop", "off", "normal", "alarm_off", "idle"});
    std::optional<std::string> own;
    if (request.reason == SirenReason::kFire) own = FirstOf(feature.values, {"fire"});
    if (request.reason == SirenReason::kEmergency) own = FirstOf(feature.values, {"emergency"});
    if (own) return *own;
    return FirstOf(feature.values, {"burglar", "alarm_sound_light", "sound_light", "alarm_sound",
                                    "sound", "ring", "alarm", "on", "start"});
  }
  if (feature.type == "numeric") {
    if (request.on) return Json(feature.value_max.value_or(1));
    return Json(feature.value_min.value_or(0));
  }
  return std::nullopt;
}

}  // namespace

std::optional<MqttOut> SirenFromExposes(const SirenCapabilities& caps, const std::string& base,
                                        const std::string& friendly_name,
                                        const SirenRequest& request) {
  if (caps.has_warning) {
    return SetMessage(base, friendly_name, Json{{"warning", WarningBody(caps, request)}});
  }
  if (caps.switch_feature) {
    if (auto value = SwitchValue(*caps.switch_feature, request)) {
      return SetMessage(base, friendly_name, Json{{caps.switch_key, *value}});
    }
  }
  if (caps.has_trigger) {
    const long long duration =
        request.on
            ? ClampSeconds(FeatureNamed(caps.trigger, "duration"),
                           request.duration.count() > 0 ? request.duration : kSirenUntilStopped)
            : 0;
    return SetMessage(base, friendly_name, Json{{"trigger_siren", {{"duration", duration}}}});
  }
  return std::nullopt;
}

std::optional<MqttOut> SquawkFromExposes(const SirenCapabilities& caps, const std::string& base,
                                         const std::string& friendly_name, bool armed,
                                         const std::string& level) {
  if (caps.has_squawk) {
    Json squawk;
    const ExposedFeature* state = FeatureNamed(caps.squawk, "state");
    const std::string wanted = armed ? "system_is_armed" : "system_is_disarmed";
    squawk["state"] = state != nullptr && !state->values.empty()
                          ? FirstOf(state->values, {wanted}).value_or(state->values.front())
                          : wanted;
    if (const ExposedFeature* levels = FeatureNamed(caps.squawk, "level")) {
      squawk["level"] = NearestLevel(levels->values, level);
    }
    if (FeatureNamed(caps.squawk, "strobe") != nullptr) squawk["strobe"] = false;
    return SetMessage(base, friendly_name, Json{{"squawk", squawk}});
  }
  if (caps.has_warning) {
    // The shortest warning it takes, quiet and without flash.
    SirenRequest chirp{true, SirenReason::kBurglar, "low", false, Seconds{1}};
    return SetMessage(base, friendly_name, Json{{"warning", WarningBody(caps, chirp)}});
  }
  return std::nullopt;
}

std::string_view ToString(ArmNotification notification) {
  switch (notification) {
    case ArmNotification::kDisarm:
      return "disarm";
    case ArmNotification::kArmDayZones:
      return "arm_day_zones";
    case ArmNotification::kArmNightZones:
      return "arm_night_zones";
    case ArmNotification::kArmAllZones:
      return "arm_all_zones";
    case ArmNotification::kInvalidCode:
      return "invalid_code";
    case ArmNotification::kNotReady:
      return "not_ready";
    case ArmNotification::kAlreadyDisarmed:
      return "already_disarmed";
  }
  return "not_ready";
}

std::optional<ArmNotification> AcceptedNotification(CommandAction action) {
  switch (action) {
    case CommandAction::kDisarm:
      return ArmNotification::kDisarm;
    case CommandAction::kArmHome:
      return ArmNotification::kArmDayZones;
    case CommandAction::kArmNight:
      return ArmNotification::kArmNightZones;
    case CommandAction::kArmAway:
    case CommandAction::kArmVacation:
      return ArmNotification::kArmAllZones;
    default:
      return std::nullopt;
  }
}

MqttOut KeypadArmModeReply(const std::string& base, const std::string& friendly_name,
                           std::optional<int> transaction, ArmNotification notification) {
  Json arm_mode;
  if (transaction) arm_mode["transaction"] = *transaction;
  arm_mode["mode"] = ToString(notification);
  return SetMessage(base, friendly_name, Json{{"arm_mode", arm_mode}});
}

std::string_view KeypadPanelMode(Mode mode) {
  switch (mode) {
    case Mode::kDisarmed:
      return "disarm";
    case Mode::kArmedHome:
      return "arm_day_zones";
    case Mode::kArmedNight:
      return "arm_night_zones";
    case Mode::kArmedAway:
    case Mode::kArmedVacation:
      return "arm_all_zones";
    case Mode::kArming:
      return "exit_delay";
    case Mode::kPending:
      return "entry_delay";
    case Mode::kTriggered:
      return "in_alarm";
  }
  return "disarm";
}

MqttOut KeypadSetMode(const std::string& base, const std::string& friendly_name, Mode mode,
                      Seconds delay) {
  // No transaction here: with one, z2m treats the message as a reply and rejects exit_delay.
  Json arm_mode;
  arm_mode["mode"] = KeypadPanelMode(mode);
  if (mode == Mode::kArming || mode == Mode::kPending) {
    arm_mode["delay"] = std::clamp<long long>(delay.count(), 0, 255);  // tz.arm_mode: uint8
  }
  return SetMessage(base, friendly_name, Json{{"arm_mode", arm_mode}});
}

MqttOut LockCommand(const std::string& base, const std::string& friendly_name, bool lock,
                    const std::optional<std::string>& code) {
  const char* state = lock ? "LOCK" : "UNLOCK";
  if (!code) return SetMessage(base, friendly_name, Json{{"state", state}});
  Json inner;
  inner["state"] = state;
  inner["code"] = *code;
  return SetMessage(base, friendly_name, Json{{"state", inner}});
}

MqttOut ReadProperty(const std::string& base, const std::string& friendly_name,
                     const std::string& property) {
  return MqttOut{DeviceTopic(base, friendly_name, "get"), DumpJson(Json{{property, ""}}), false};
}

MqttOut SmokeSelfTest(const std::string& base, const std::string& friendly_name) {
  return SetMessage(base, friendly_name, Json{{"selftest", ""}});
}

MqttOut PermitJoin(const std::string& base, Seconds time, std::optional<int> transaction) {
  Json body;
  const long long seconds = std::clamp<long long>(time.count(), 0, 254);
  body["time"] = seconds;
  body["value"] = seconds > 0;  // 1.x's switch; 2.x reads only "time"
  if (transaction) body["transaction"] = *transaction;
  return MqttOut{base + "/bridge/request/permit_join", DumpJson(body), false};
}

MqttOut RenameDevice(const std::string& base, const std::string& from, const std::string& to) {
  Json body;
  body["from"] = from;
  body["to"] = to;
  return MqttOut{base + "/bridge/request/device/rename", DumpJson(body), false};
}

}  // namespace homesec
