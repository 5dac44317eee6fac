// Commands homesec sends to Zigbee devices through Zigbee2MQTT: each corpus line whose
// direction is daemon_to_z2m is either produced exactly (same topic, same JSON) by an encoder,
// or is a known-invalid form that no encoder can produce.
#include <doctest/doctest.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "sensors/zigbee2mqtt_commands.hpp"
#include "tests/unit/sensors/zigbee2mqtt_test_support.hpp"

namespace homesec {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::Corpus;
using test::SameJson;

const std::string kBase = "zigbee2mqtt";

enum class Kind {
  kProduced,  // an encoder produces exactly this message
  kInvalid,   // seen in the wild but rejected by z2m: the nearest encoder must differ
  kNotSent,   // a valid command homesec has no reason to send
};

struct OutExpect {
  int line;
  Kind kind;
  std::function<MqttOut()> encode;  // the encoder call (nearest one for kInvalid)
  std::string why;
};

// Text fields as C strings (nullptr = absent): GCC 12 with -fsanitize=address reports a false
// maybe-uninitialized for std::optional<std::string> parameters of inlined lambdas.
std::optional<std::string> Text(const char* text) {
  return text ? std::optional<std::string>(text) : std::nullopt;
}

SirenWarningSpec Spec(WarningMode mode, const char* level, std::optional<bool> strobe,
                      const char* strobe_level, std::optional<int> duty,
                      std::optional<Seconds> duration) {
  return SirenWarningSpec{mode, Text(level), strobe, Text(strobe_level), duty, duration};
}

const std::vector<OutExpect>& Table() {
  static const std::vector<OutExpect> table = {
      {34, Kind::kProduced, [] { return LockCommand(kBase, "front_door_idlock", true); }, "lock"},
      {35, Kind::kProduced,
       [] { return LockCommand(kBase, "front_door_lock", false, std::string("1234")); },
       "unlock with a PIN"},
      {36, Kind::kProduced, [] { return ReadProperty(kBase, "front_door_lock"); },
       "re-read the lock state"},
      {37, Kind::kNotSent, nullptr,
       "programming lock PINs: homesec holds only salted PIN hashes, never a PIN to program"},
      {38, Kind::kProduced,
       [] {
         return SirenWarning(kBase, "hallway_siren",
                             Spec(WarningMode::kBurglar, "low", false, nullptr, 0, 60s));
       },
       "burglar siren 60 s, low"},
      {39, Kind::kProduced,
       [] {
         return SirenWarning(kBase, "hallway_siren",
                             Spec(WarningMode::kStop, "low", false, nullptr, 0, 60s));
       },
       "stop, doc form"},
      {40, Kind::kProduced,
       [] { return SirenAlarmSwitch(kBase, "hallway_siren", true, AlarmSwitchForm::kStartOff); },
       "SIRZB-110 simple alarm form"},
      {41, Kind::kInvalid, [] { return SirenSquawk(kBase, "hallway_siren", true, "low", false); },
       "squawk with 'mode' (wrong doc example)"},
      {42, Kind::kProduced, [] { return SirenSquawk(kBase, "hallway_siren", true, "low", false); },
       "armed chirp"},
      {44, Kind::kProduced,
       [] {
         return SirenWarning(
             kBase, "garden_siren",
             Spec(WarningMode::kEmergency, nullptr, false, nullptr, std::nullopt, 10s));
       },
       "HS2WD-E emergency 10 s"},
      {45, Kind::kProduced,
       [] {
         return SirenWarning(kBase, "garden_siren",
                             Spec(WarningMode::kEmergency, "low", false, nullptr, 5, 1s));
       },
       "1 s chirp"},
      {46, Kind::kInvalid,
       [] {
         return SirenWarning(kBase, "garden_siren",
                             Spec(WarningMode::kStop, "low", true, nullptr, 5, 1s));
       },
       "mode 'off' does not exist"},
      {47, Kind::kProduced,
       [] {
         return SirenWarning(kBase, "Siren Hall",
                             Spec(WarningMode::kFire, nullptr, true, "low", std::nullopt, 300s));
       },
       "fire 300 s, name with a space"},
      {48, Kind::kProduced,
       [] {
         return SirenWarning(kBase, "hallway_siren", SirenReason::kBurglar, "high", true, 60s);
       },
       "the panel's burglar siren"},
      {53, Kind::kProduced, [] { return SmokeSelfTest(kBase, "kitchen_smoke"); }, "self-test"},
      {77, Kind::kProduced,
       [] {
         return KeypadArmModeReply(kBase, "front_door_keypad", 99, ArmNotification::kArmAllZones);
       },
       "accept request 99"},
      {78, Kind::kProduced,
       [] {
         return KeypadArmModeReply(kBase, "front_door_keypad", 99, ArmNotification::kInvalidCode);
       },
       "reject request 99: wrong PIN"},
      {79, Kind::kProduced,
       [] { return KeypadSetMode(kBase, "front_door_keypad", Mode::kArming, 30s); },
       "exit delay countdown"},
      {80, Kind::kProduced,
       [] { return KeypadSetMode(kBase, "front_door_keypad", Mode::kArmedAway, 0s); },
       "armed away"},
      {81, Kind::kInvalid,
       [] { return KeypadSetMode(kBase, "living_room_keypad", Mode::kArming, 30s); },
       "exit_delay with a transaction"},
      // homesec sends {"time","value"}, which both 1.x and 2.x accept; the 2.x-only forms are
      // valid but not what it sends.
      {100, Kind::kNotSent, [] { return PermitJoin(kBase, 254s); }, "2.x-only permit join"},
      {101, Kind::kNotSent, [] { return PermitJoin(kBase, 0s, 22); }, "2.x-only close"},
      {106, Kind::kProduced, [] { return PermitJoin(kBase, 20s); }, "1.x and 2.x permit join"},
      {107, Kind::kProduced, [] { return RenameDevice(kBase, "bulb", "bulb_new_name"); }, "rename"},
  };
  return table;
}

TEST_CASE("zigbee2mqtt commands: every daemon_to_z2m corpus line is accounted for") {
  std::set<int> covered;
  for (const OutExpect& expect : Table()) covered.insert(expect.line);
  for (const auto& entry : Corpus()) {
    // Not a structured binding: CAPTURE's lambda cannot name one before C++20's P1091 (clang 14).
    const int number = entry.first;
    const test::CorpusLine& line = entry.second;
    CAPTURE(number);
    CHECK(covered.count(number) == (line.ToDaemon() ? 0u : 1u));
  }
}

TEST_CASE("zigbee2mqtt commands: encoders produce exactly the corpus commands") {
  for (const OutExpect& expect : Table()) {
    if (expect.kind != Kind::kProduced) continue;
    const test::CorpusLine& line = Corpus().at(expect.line);
    CAPTURE(expect.line);
    CAPTURE(expect.why);
    const MqttOut out = expect.encode();
    CHECK(out.topic == line.Topic());
    CAPTURE(out.payload);
    CHECK(SameJson(out.payload, line.record.at("payload")));
    CHECK_FALSE(out.retain);  // commands are never retained
  }
}

TEST_CASE("zigbee2mqtt commands: invalid forms seen in the wild are never produced") {
  for (const OutExpect& expect : Table()) {
    if (expect.kind != Kind::kInvalid) continue;
    const test::CorpusLine& line = Corpus().at(expect.line);
    CAPTURE(expect.line);
    CAPTURE(expect.why);
    const MqttOut out = expect.encode();
    CHECK(out.topic == line.Topic());
    CHECK_FALSE(SameJson(out.payload, line.record.at("payload")));
  }
}

TEST_CASE("zigbee2mqtt commands: no warning mode is the invalid 'off'") {
  for (WarningMode mode :
       {WarningMode::kStop, WarningMode::kBurglar, WarningMode::kFire, WarningMode::kEmergency,
        WarningMode::kPolicePanic, WarningMode::kFirePanic, WarningMode::kEmergencyPanic}) {
    CHECK(ToString(mode) != "off");
  }
  CHECK(ToString(WarningMode::kPolicePanic) == "police_panic");
}

TEST_CASE("zigbee2mqtt commands: a keypad reply never carries exit_delay or entry_delay") {
  for (ArmNotification n :
       {ArmNotification::kDisarm, ArmNotification::kArmDayZones, ArmNotification::kArmNightZones,
        ArmNotification::kArmAllZones, ArmNotification::kInvalidCode, ArmNotification::kNotReady,
        ArmNotification::kAlreadyDisarmed}) {
    CHECK(ToString(n) != "exit_delay");
    CHECK(ToString(n) != "entry_delay");
  }
  const json exit = json::parse(KeypadSetMode(kBase, "k", Mode::kArming, 30s).payload);
  CHECK_FALSE(exit.at("arm_mode").contains("transaction"));
}

TEST_CASE("zigbee2mqtt commands: permit_join carries time for 2.x and value for 1.x") {
  const json body = json::parse(PermitJoin(kBase, 20s).payload);
  CHECK(body == json{{"time", 20}, {"value", true}});
  CHECK(json::parse(PermitJoin(kBase, 600s).payload).at("time") == 254);  // z2m maximum
}

TEST_CASE("zigbee2mqtt commands: closing permit_join is time 0 and value false") {
  const MqttOut out = PermitJoin(kBase, 0s, 7);
  CHECK(out.topic == "zigbee2mqtt/bridge/request/permit_join");
  CHECK(json::parse(out.payload) == json{{"time", 0}, {"value", false}, {"transaction", 7}});
  CHECK_FALSE(out.retain);
}

TEST_CASE("zigbee2mqtt commands: a negative permit_join time closes") {
  CHECK(json::parse(PermitJoin(kBase, -5s).payload) == json{{"time", 0}, {"value", false}});
}

TEST_CASE("zigbee2mqtt commands: siren warning follows the panel's reason, level and strobe") {
  const MqttOut fire =
      SirenWarning("zb6", "Hall siren", SirenReason::kFire, "very_high", false, 180s);
  CHECK(fire.topic == "zb6/Hall siren/set");
  CHECK(SameJson(
      fire.payload,
      json{{"warning",
            {{"mode", "fire"}, {"level", "very_high"}, {"strobe", false}, {"duration", 180}}}}));
  const MqttOut emergency = SirenWarning(kBase, "s", SirenReason::kEmergency, "high", true, 60s);
  CHECK(json::parse(emergency.payload)["warning"]["mode"] == "emergency");
}

TEST_CASE("zigbee2mqtt commands: a siren 'until told otherwise' gets the IAS WD maximum") {
  const json body =
      json::parse(SirenWarning(kBase, "s", SirenReason::kBurglar, "high", true, 0s).payload);
  CHECK(body["warning"]["duration"] == kSirenUntilStopped.count());
}

TEST_CASE("zigbee2mqtt commands: siren stop is the warning mode stop") {
  const MqttOut stop = SirenStop(kBase, "hallway_siren");
  CHECK(stop.topic == "zigbee2mqtt/hallway_siren/set");
  CHECK(SameJson(stop.payload, json{{"warning", {{"mode", "stop"}}}}));
}

TEST_CASE("zigbee2mqtt commands: Tuya siren uses the boolean alarm key") {
  CHECK(SameJson(TuyaSiren(kBase, "tuya", true).payload, json{{"alarm", true}}));
  CHECK(SameJson(TuyaSiren(kBase, "tuya", false).payload, json{{"alarm", false}}));
  CHECK(SameJson(SirenAlarmSwitch(kBase, "s", false, AlarmSwitchForm::kStartOff).payload,
                 json{{"alarm", "OFF"}}));
}

TEST_CASE("zigbee2mqtt commands: squawk says disarmed with system_is_disarmed") {
  CHECK(SameJson(
      SirenSquawk(kBase, "s", false, "medium", true).payload,
      json{{"squawk", {{"state", "system_is_disarmed"}, {"level", "medium"}, {"strobe", true}}}}));
}

TEST_CASE("zigbee2mqtt commands: keypad reply without a transaction for pre-1.21 keypads") {
  const MqttOut reply =
      KeypadArmModeReply(kBase, "alarm_keypad", std::nullopt, ArmNotification::kArmDayZones);
  CHECK(SameJson(reply.payload, json{{"arm_mode", {{"mode", "arm_day_zones"}}}}));
}

TEST_CASE("zigbee2mqtt commands: accepted keypad requests echo the requested mode") {
  CHECK(AcceptedNotification(CommandAction::kDisarm) == ArmNotification::kDisarm);
  CHECK(AcceptedNotification(CommandAction::kArmHome) == ArmNotification::kArmDayZones);
  CHECK(AcceptedNotification(CommandAction::kArmNight) == ArmNotification::kArmNightZones);
  CHECK(AcceptedNotification(CommandAction::kArmAway) == ArmNotification::kArmAllZones);
  CHECK_FALSE(AcceptedNotification(CommandAction::kPanic).has_value());
}

TEST_CASE("zigbee2mqtt commands: keypad follows every panel mode") {
  CHECK(KeypadPanelMode(Mode::kDisarmed) == "disarm");
  CHECK(KeypadPanelMode(Mode::kArmedHome) == "arm_day_zones");
  CHECK(KeypadPanelMode(Mode::kArmedNight) == "arm_night_zones");
  CHECK(KeypadPanelMode(Mode::kArmedAway) == "arm_all_zones");
  CHECK(KeypadPanelMode(Mode::kArmedVacation) == "arm_all_zones");
  CHECK(KeypadPanelMode(Mode::kArming) == "exit_delay");
  CHECK(KeypadPanelMode(Mode::kPending) == "entry_delay");
  CHECK(KeypadPanelMode(Mode::kTriggered) == "in_alarm");
}

TEST_CASE("zigbee2mqtt commands: keypad entry delay carries the delay, clamped to 255 s") {
  CHECK(SameJson(KeypadSetMode(kBase, "k", Mode::kPending, 45s).payload,
                 json{{"arm_mode", {{"mode", "entry_delay"}, {"delay", 45}}}}));
  CHECK(json::parse(KeypadSetMode(kBase, "k", Mode::kArming, 600s).payload)["arm_mode"]["delay"] ==
        255);
  // Steady states carry no delay.
  CHECK_FALSE(
      json::parse(KeypadSetMode(kBase, "k", Mode::kDisarmed, 30s).payload)["arm_mode"].contains(
          "delay"));
}

TEST_CASE("zigbee2mqtt commands: friendly names with slashes keep their topic levels") {
  CHECK(LockCommand("zb6", "h6/front door", true).topic == "zb6/h6/front door/set");
  CHECK(ReadProperty("zb6", "h6/front door", "lock_state").topic == "zb6/h6/front door/get");
  CHECK(SameJson(ReadProperty("zb6", "x", "lock_state").payload, json{{"lock_state", ""}}));
}

}  // namespace
}  // namespace homesec
