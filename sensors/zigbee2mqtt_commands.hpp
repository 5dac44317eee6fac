// Zigbee2MQTT (z2m) out: the messages homesec sends to Zigbee devices through the bridge —
// sirens (IAS WD `warning`, `squawk`, Tuya `alarm`), keypads (IAS ACE `arm_mode`), locks, and
// the few bridge requests an installer needs. Pure encoders: topic + JSON text, nothing sent.
// Invalid forms seen in the wild (mode "off", exit_delay with a transaction, the 1.x
// permit_join body, `squawk` with "mode") cannot be expressed through these types.
#pragma once

#include <optional>
#include <string>

#include "rules/time.hpp"
#include "rules/types.hpp"
#include "sensors/zigbee2mqtt_exposes.hpp"

namespace homesec {

struct MqttOut {
  std::string topic;
  std::string payload;  // JSON text
  bool retain = false;
};

// IAS WD warning modes (zhc tz.warning). There is no "off": stopping is kStop.
enum class WarningMode {
  kStop,
  kBurglar,
  kFire,
  kEmergency,
  kPolicePanic,
  kFirePanic,
  kEmergencyPanic
};
std::string_view ToString(WarningMode mode);
WarningMode WarningModeFor(SirenReason reason);  // burglar, fire, emergency

// The `warning` composite; unset fields are left out and take the converter's defaults.
struct SirenWarningSpec {
  WarningMode mode = WarningMode::kBurglar;
  std::optional<std::string> level;  // low | medium | high | very_high
  std::optional<bool> strobe;
  std::optional<std::string> strobe_level;  // low | medium | high | very_high
  std::optional<int> strobe_duty_cycle;     // 0-10
  std::optional<Seconds> duration;
};

// A siren asked to sound "until told otherwise" (SetOutput::duration 0) gets this duration;
// the panel stops it explicitly anyway. 900 s is the IAS WD max_duration default.
inline constexpr Seconds kSirenUntilStopped{900};

// <base>/<name>/set {"warning":{...}} with the fields of `spec` that are set.
MqttOut SirenWarning(const std::string& base, const std::string& friendly_name,
                     const SirenWarningSpec& spec);
// The panel's siren: {"warning":{"mode":"burglar","level":"high","strobe":true,"duration":180}}.
MqttOut SirenWarning(const std::string& base, const std::string& friendly_name, SirenReason reason,
                     const std::string& level, bool strobe, Seconds duration);
// {"warning":{"mode":"stop"}}
MqttOut SirenStop(const std::string& base, const std::string& friendly_name);

// Squawk (short arm/disarm confirmation chirp): {"squawk":{"state":...,"level":..,"strobe":..}}
MqttOut SirenSquawk(const std::string& base, const std::string& friendly_name, bool armed,
                    const std::string& level, bool strobe);

// The one-key `alarm` switch. Tuya TS0216 takes a boolean; the SIRZB-110 simple form takes
// "START" / "OFF".
enum class AlarmSwitchForm { kBoolean, kStartOff };
MqttOut SirenAlarmSwitch(const std::string& base, const std::string& friendly_name, bool on,
                         AlarmSwitchForm form);
// {"alarm":true|false}
MqttOut TuyaSiren(const std::string& base, const std::string& friendly_name, bool on);

// What the panel wants of a siren, whatever its form.
struct SirenRequest {
  bool on = false;
  SirenReason reason = SirenReason::kBurglar;
  std::string level = "high";  // low | medium | high | very_high: the nearest exposed is used
  bool strobe = true;
  Seconds duration{0};  // 0 = until stopped (kSirenUntilStopped where a duration is needed)
};
// The message this siren's own exposes accept: the `warning` composite with only the modes,
// levels, strobe and duration it exposes (the nearest mode where it lacks the reason's own:
// fire -> fire_panic -> emergency ...), else its one-key switch in the value type it exposes
// (boolean, "ON"/"OFF", an enum of sounds, a number), else Philips' trigger_siren. nullopt when
// it exposes no siren form (then the configured driver's form is used).
std::optional<MqttOut> SirenFromExposes(const SirenCapabilities& caps, const std::string& base,
                                        const std::string& friendly_name,
                                        const SirenRequest& request);
// The arm/disarm chirp in the `squawk` form it exposes, or a one-second warning where it has
// only `warning`; nullopt when it has neither.
std::optional<MqttOut> SquawkFromExposes(const SirenCapabilities& caps, const std::string& base,
                                         const std::string& friendly_name, bool armed,
                                         const std::string& level);

// Keypad reply to a request (z2m constants.armNotification). Only these may carry a transaction.
enum class ArmNotification {
  kDisarm,
  kArmDayZones,
  kArmNightZones,
  kArmAllZones,
  kInvalidCode,
  kNotReady,
  kAlreadyDisarmed
};
std::string_view ToString(ArmNotification notification);
// The notification that accepts `action` (disarm -> kDisarm, arm_home -> kArmDayZones, ...);
// nullopt for actions a keypad cannot request.
std::optional<ArmNotification> AcceptedNotification(CommandAction action);
// {"arm_mode":{"transaction":N,"mode":"..."}}; without a transaction (pre-1.21 keypads) the
// transaction key is left out.
MqttOut KeypadArmModeReply(const std::string& base, const std::string& friendly_name,
                           std::optional<int> transaction, ArmNotification notification);

// The keypad's panel-state name for a panel mode (z2m constants.armMode): disarm,
// arm_day_zones, arm_night_zones, arm_all_zones (away and vacation), exit_delay, entry_delay,
// in_alarm.
std::string_view KeypadPanelMode(Mode mode);
// Keeps a keypad in sync with the panel: {"arm_mode":{"mode":"exit_delay","delay":30}}. `delay`
// is sent only for exit_delay / entry_delay, clamped to the keypad's 0-255 s.
MqttOut KeypadSetMode(const std::string& base, const std::string& friendly_name, Mode mode,
                      Seconds delay);

// Locks: {"state":"LOCK"} / {"state":"UNLOCK"}, or with a PIN
// {"state":{"state":"UNLOCK","code":"1234"}} for locks that require one over the air.
MqttOut LockCommand(const std::string& base, const std::string& friendly_name, bool lock,
                    const std::optional<std::string>& code = std::nullopt);
// <base>/<name>/get {"<property>":""}: ask the device to report a value again.
MqttOut ReadProperty(const std::string& base, const std::string& friendly_name,
                     const std::string& property = "state");
// Smoke detector self-test (beep): {"selftest":""}.
MqttOut SmokeSelfTest(const std::string& base, const std::string& friendly_name);

// Bridge requests. permit_join: {"time":0-254,"value":true|false[,"transaction":N]}, time 0
// (value false) closes. One form both APIs accept (lib/extension/bridge.ts): 2.x requires
// "time" and ignores "value" ("Invalid payload" only when time is missing); 1.x requires
// "value" (the same error without it) and reads "time" beside it. So homesec needs no
// bridge/info version (which a 1.x bridge/info with its config_schema may not even fit in
// the payload cap to tell). Zigbee2MQTT echoes the transaction in bridge/response/permit_join.
MqttOut PermitJoin(const std::string& base, Seconds time,
                   std::optional<int> transaction = std::nullopt);
MqttOut RenameDevice(const std::string& base, const std::string& from, const std::string& to);

}  // namespace homesec
