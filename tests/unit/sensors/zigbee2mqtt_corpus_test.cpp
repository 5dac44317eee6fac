// Every corpus line that Zigbee2MQTT sends to homesec (direction z2m_to_daemon), decoded and
// checked against the meaning the corpus states for it. The table below is the reading of each
// line's `meaning`; a line without an entry fails the coverage test.
#include <doctest/doctest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sensors/zigbee2mqtt_decoder.hpp"
#include "tests/unit/sensors/zigbee2mqtt_test_support.hpp"

namespace homesec {
namespace {

using test::Corpus;
using test::ReadingsText;

struct KeypadExpect {
  CommandAction action;
  std::optional<std::string> code;
  std::optional<int> transaction;
};

struct NoticeExpect {
  std::string kind;
  std::string friendly_name;
  std::string text_contains;
};

struct Expect {
  int line;
  std::string base;  // the line's base topic
  std::string name;  // friendly name configured as device "dev" ("" = none)
  // Exactly the readings the line must produce (device "dev"), sorted as ReadingsText does.
  std::string readings;
  std::optional<KeypadExpect> keypad = std::nullopt;
  std::optional<NoticeExpect> notice = std::nullopt;
  std::optional<std::size_t> devices = std::nullopt;  // inventory size
  std::vector<int> after = {};  // lines decoded first by the same decoder (repeat semantics)
};

const std::vector<Expect>& Table() {
  static const std::vector<Expect> table = {
      // ---- contact: contact:true means CLOSED --------------------------------------------
      {1, "zigbee2mqtt", "Sonoff W1", R"(battery_low=false contact="open" tamper=false)"},
      {2, "zigbee2mqtt", "door-sensor",
       R"(battery=100 battery_low=false contact="open" tamper=false)"},
      {3, "zigbee2mqtt", "SZ_WINDOW01", R"(battery=100 battery_low=false contact="open")"},
      {4, "zb6", "h6/T1", R"(battery=100 battery_low=false contact="open")"},
      // Heartbeat without contact: no contact reading (keep previous); battery as a string.
      {5, "base", "livingroom/door", "battery=100 battery_low=false"},
      // ---- window handles -----------------------------------------------------------------
      {6, "zigbee2mqtt", "bathroom_window", R"(latch="tilted")"},
      {7, "zigbee2mqtt", "kitchen_window", R"(latch="open")"},
      {8, "zigbee2mqtt", "office_window", R"(battery_low=false contact="open" latch="tilted")"},
      {9, "zigbee2mqtt", "living_room_window_handle", R"(latch="tilted")"},
      // Motor stuck: the position is uncertain, so unknown (never closed).
      {10, "zigbee2mqtt", "living_room_window_handle", "latch=unknown"},
      // ---- vibration ----------------------------------------------------------------------
      // A vibration action is a pulse: true, then straight back to false.
      {11, "zigbee2mqtt", "0x00158d0002a51c0a",
       "battery=100 battery_low=false vibration=false vibration=true"},
      {12, "zigbee2mqtt", "0x00158d0002a51c0a",
       "battery=100 battery_low=false vibration=false vibration=true"},
      // Angle update without action after an event: nothing new (stale strength).
      {13, "zigbee2mqtt", "0x00158d0002a51c0a", "", std::nullopt, std::nullopt, std::nullopt, {11}},
      {14, "zigbee2mqtt", "VibrationSensor",
       "battery=100 battery_low=false vibration=false vibration=true"},
      // The 1.x empty action after the event is not a second event.
      {15, "zigbee2mqtt", "VibrationSensor", "", std::nullopt, std::nullopt, std::nullopt, {14}},
      // The per-attribute plain-text action topic repeats the JSON event: not counted twice.
      {16, "zigbee2mqtt", "VibrationSensor", "", std::nullopt, std::nullopt, std::nullopt, {14}},
      // action:"vibration" and vibration:true together are one vibration, which lasts until the
      // device reports vibration:false.
      {17, "zigbee2mqtt", "EG_GRID01", "battery=100 battery_low=false vibration=true"},
      // ---- locks --------------------------------------------------------------------------
      {18, "zigbee2mqtt", "Driveway Door Lock",
       R"(battery=98 battery_low=false lock_state="unlocked")"},
      {19, "zigbee2mqtt", "front_door_lock",
       R"(battery=100 battery_low=false lock_state="unlocked")"},
      {20, "zigbee2mqtt", "door_lock", R"(battery=100 battery_low=false lock_state="unlocked")"},
      {21, "zigbee2mqtt", "0x000b57fffe59da21",
       R"(battery=91 battery_low=false lock_state="unlocked")"},
      // battery null: unknown, and no battery_low made up from it.
      {22, "zigbee2mqtt", "0x680ae2fffe6bb522", R"(battery=unknown lock_state="unlocked")"},
      // Yale C4: state "UNLOCKED" + deadbolt_jammed: the lock is jammed.
      {23, "zigbee2mqtt", "front_door_lock",
       R"(battery_low=false lock_state="jammed" tamper=false)"},
      {24, "zigbee2mqtt", "front_door_lock",
       R"(battery_low=false lock_state="wrong_code" tamper=true)"},
      {25, "zigbee2mqtt", "front_door_lock",
       R"(battery_low=false lock_state="unlocked" tamper=false)"},
      {26, "zigbee2mqtt", "back_door_lock", R"(lock_state="jammed")"},
      {27, "zigbee2mqtt", "front_door_lock", R"(lock_state="unlocked")"},
      {28, "zigbee2mqtt", "front_door_lock", R"(lock_state="wrong_code")"},
      {29, "zigbee2mqtt", "garage_door_lock", R"(lock_state="locked")"},
      // Audit event (PIN added): no zone state.
      {30, "zigbee2mqtt", "front_door_lock", ""},
      {31, "zigbee2mqtt", "front_door_idlock", R"(lock_state="jammed")"},
      {32, "zigbee2mqtt", "front_door_idlock", R"(contact="open" lock_state="forced")"},
      // PIN slot listing (a secret): nothing decoded from it.
      {33, "zigbee2mqtt", "front_door_lock", ""},
      // ---- sirens: their own health -------------------------------------------------------
      {43, "zigbee2mqtt", "0x0015bc00410siren",
       "battery=100 battery_low=false tamper=false test=false"},
      // ---- smoke, CO, gas, water ----------------------------------------------------------
      {49, "zigbee2mqtt", "Smoke", "battery=100 battery_low=false smoke=false"},
      {50, "zigbee2mqtt", "sens_smoke1", "battery=100 battery_low=false smoke=true"},
      {51, "zigbee2mqtt", "kitchen_smoke", "battery=100 battery_low=false smoke=false"},
      {52, "zigbee2mqtt", "livingroomsmokedetector", "battery=100 battery_low=false smoke=false"},
      {54, "zigbee2mqtt", "hallway_smoke", "battery_low=false smoke=true tamper=false test=false"},
      {55, "zigbee2mqtt", "garage_co_sensor", "co=false"},
      {56, "zigbee2mqtt", "boiler_room_co", "battery_low=false co=true tamper=false"},
      // HS1CG-E false negatives: decoded as sent (docs/devices.md warns about the model).
      {57, "zigbee2mqtt", "0x000d6f001539fdba", "battery_low=false gas=false tamper=false"},
      {58, "zigbee2mqtt", "0x000d6f001539fdba", "battery_low=false gas=false tamper=false"},
      {59, "zigbee2mqtt", "0x000d6f001539fdba", "battery_low=false gas=false tamper=false"},
      {60, "zigbee2mqtt", "bathroom_leak",
       "battery=100 battery_low=false tamper=false water_leak=false"},
      // null after restart: unknown, never dry.
      {61, "zigbee2mqtt", "waterleak-bad", "battery=100 battery_low=unknown water_leak=unknown"},
      {62, "zigbee2mqtt", "0x00158d0006c4b533",
       "battery=100 battery_low=unknown water_leak=unknown"},
      // Heartbeat without water_leak: leak state untouched.
      {63, "zigbee2mqtt", "aqara_water_leak", "battery=97 battery_low=false"},
      // advanced.output attribute: plain "true" on the property's own topic.
      {64, "zigbee2mqtt", "kitchen_leak", "water_leak=true"},
      // ---- motion -------------------------------------------------------------------------
      {65, "zigbee2mqtt", "0x00158d0001e50d78", "battery=100 battery_low=false occupancy=false"},
      {66, "zigbee2mqtt", "0x00158d00054a726a", "battery=100 battery_low=false occupancy=true"},
      {67, "zigbee2mqtt", "KeukenMotionSensorMS4", "battery=97 battery_low=false occupancy=false"},
      // The true right after a false in the same second is kept.
      {68,
       "zigbee2mqtt",
       "KeukenMotionSensorMS4",
       "occupancy=true",
       std::nullopt,
       std::nullopt,
       std::nullopt,
       {67}},
      // A repeat of cached occupancy:true is not a new motion.
      {69, "zigbee2mqtt", "0x00158d0002006aa6", "", std::nullopt, std::nullopt, std::nullopt, {69}},
      {70, "zigbee2mqtt", "dacha-enter-motion", "battery_low=false occupancy=false tamper=false"},
      {71, "zigbee2mqtt", "AZ_MOTION01", "battery=100 battery_low=false occupancy=true"},
      // ---- keypads ------------------------------------------------------------------------
      // Woken up: status only, no request.
      {72, "zigbee2mqtt", "0x000d6f0014a6fe0a",
       R"(battery=100 battery_low=false contact="closed" occupancy=true tamper=false)"},
      {73, "zigbee2mqtt", "alarm_keypad",
       "battery=100 battery_low=unknown contact=unknown occupancy=true tamper=unknown",
       KeypadExpect{CommandAction::kArmHome, "1234", std::nullopt}},
      {74, "zigbee2mqtt", "hallway_keypad",
       "battery=100 battery_low=false occupancy=true smoke=false tamper=true test=false",
       KeypadExpect{CommandAction::kArmAway, "1337", 15}},
      {75, "zigbee2mqtt", "0x680ae2fffee558eb",
       "battery=99 battery_low=false occupancy=true smoke=false tamper=false test=false"},
      {76, "zigbee2mqtt", "front_door_keypad", "",
       KeypadExpect{CommandAction::kArmAway, "123", 99}},
      {82, "zigbee2mqtt", "front_door_keypad", "",
       KeypadExpect{CommandAction::kPanic, std::nullopt, std::nullopt}},
      {83, "zigbee2mqtt", "front_door_keypad", "",
       KeypadExpect{CommandAction::kDisarm, "0042", 57}},
      // ---- availability -------------------------------------------------------------------
      {84, "zigbee2mqtt", "Bathroom vibration sensor", "available=true"},
      {85, "zigbee2mqtt", "hallway_motion", "available=false"},
      {86, "zigbee2mqtt", "front_door", "available=true"},
      {87, "zigbee2mqtt", "front_door_lock", "available=false"},
      // Cleared retained availability of an old name: neither offline nor an error.
      {88, "zigbee2mqtt", "0x00158d0004470a44", ""},
      // ---- bridge -------------------------------------------------------------------------
      {89, "zigbee2mqtt", "front_door", "", std::nullopt, NoticeExpect{"bridge_online", "", ""}},
      // Offline: every Zigbee device becomes unknown.
      {90, "zigbee2mqtt", "front_door", "available=unknown", std::nullopt,
       NoticeExpect{"bridge_offline", "", ""}},
      {91, "DOMZIGSMJ", "", "", std::nullopt, NoticeExpect{"bridge_online", "", ""}},
      {92, "zigbee2mqtt", "", "", std::nullopt, NoticeExpect{"devices", "", "4 devices"}, 4},
      {93, "zigbee2mqtt", "", "", std::nullopt, NoticeExpect{"devices", "", ""}, 2},
      {94, "zigbee2mqtt", "", "", std::nullopt,
       NoticeExpect{"device_joined", "bulb", "0x000b57fffec6a5b2"}},
      {95, "zigbee2mqtt", "", "", std::nullopt,
       NoticeExpect{"device_announce", "0xa4c138daf6cd1e25", ""}},
      {96, "zigbee2mqtt", "", "", std::nullopt, NoticeExpect{"interview", "bulb", "started"}},
      {97, "zigbee2mqtt", "", "", std::nullopt, NoticeExpect{"interview", "bulb", "failed"}},
      {98, "zigbee2mqtt", "", "", std::nullopt,
       NoticeExpect{"interview", "living_room_window", "successful: Aqara MCCGQ11LM (supported)"}},
      {99, "zigbee2mqtt", "", "", std::nullopt, NoticeExpect{"device_left", "bulb", "left"}},
      {102, "zigbee2mqtt", "", "", std::nullopt, NoticeExpect{"response", "", "permit_join: ok"}},
      {103, "zigbee2mqtt", "", "", std::nullopt, NoticeExpect{"response", "", "permit_join: ok"}},
      {104, "zigbee2mqtt", "", "", std::nullopt,
       NoticeExpect{"response", "", "permit_join: error: Invalid payload"}},
      // transaction as a string: still a response, not an error.
      {105, "zigbee2mqtt", "", "", std::nullopt, NoticeExpect{"response", "", "permit_join: ok"}},
      {108, "zigbee2mqtt", "", "", std::nullopt, NoticeExpect{"response", "", "device/rename: ok"}},
      // Empty retained payload on the old device topic: deleted, not a state change.
      {109, "zigbee2mqtt", "bulb", ""},
      {110, "zigbee2mqtt", "", "", std::nullopt,
       NoticeExpect{"response", "", "device/rename: error: MQTT wildcard"}},
      {111, "zigbee2mqtt", "", "", std::nullopt, NoticeExpect{"devices", "", "1 devices"}, 1},
      {112, "zigbee2mqtt", "", "", std::nullopt,
       NoticeExpect{"interview", "0x00158d0004fc9481", "started"}},
      {113, "zigbee2mqtt", "", "", std::nullopt,
       NoticeExpect{"interview", "0x00158d0002f24257", "successful: Xiaomi MCCGQ11LM (supported)"}},
      // ---- water (real) -------------------------------------------------------------------
      {114, "zigbee2mqtt", "BAD_LEAK01",
       "battery=100 battery_low=false tamper=false water_leak=true"},
  };
  return table;
}

Zigbee2MqttDecoder MakeDecoder(const Expect& expect) {
  std::vector<std::pair<std::string, std::string>> devices;
  if (!expect.name.empty()) devices.push_back({"dev", expect.name});
  return Zigbee2MqttDecoder(expect.base, devices);
}

Z2mDecoded DecodeLine(Zigbee2MqttDecoder& decoder, int number) {
  const test::CorpusLine& line = Corpus().at(number);
  return decoder.Decode(line.Topic(), line.Payload(), line.Retained());
}

TEST_CASE("zigbee2mqtt corpus: every z2m_to_daemon line has an expected meaning") {
  std::set<int> covered;
  for (const Expect& expect : Table()) covered.insert(expect.line);
  REQUIRE(Corpus().size() >= 114);
  for (const auto& entry : Corpus()) {
    // Not a structured binding: CAPTURE's lambda cannot name one before C++20's P1091 (clang 14).
    const int number = entry.first;
    const test::CorpusLine& line = entry.second;
    CAPTURE(number);
    CHECK(covered.count(number) == (line.ToDaemon() ? 1u : 0u));
  }
}

TEST_CASE("zigbee2mqtt corpus: each line decodes to the meaning the corpus states") {
  for (const Expect& expect : Table()) {
    const test::CorpusLine& line = Corpus().at(expect.line);
    CAPTURE(expect.line);
    CAPTURE(line.record.at("meaning").get<std::string>());
    Zigbee2MqttDecoder decoder = MakeDecoder(expect);
    for (int before : expect.after) {
      const Z2mDecoded earlier = DecodeLine(decoder, before);
      REQUIRE(earlier.error.empty());
    }
    const Z2mDecoded decoded = DecodeLine(decoder, expect.line);

    CHECK(decoded.error == "");
    CHECK(decoded.warnings.empty());
    CHECK(ReadingsText(decoded.readings) == expect.readings);
    for (const Reading& reading : decoded.readings) {
      CHECK(reading.device == "dev");
      CHECK(reading.initial == line.Retained());
    }

    if (expect.keypad) {
      REQUIRE(decoded.keypad.size() == 1);
      const KeypadAction& action = decoded.keypad.front();
      CHECK(action.device == "dev");
      CHECK(action.action == expect.keypad->action);
      CHECK(action.code == expect.keypad->code);
      CHECK(action.transaction == expect.keypad->transaction);
      CHECK(action.raw_action == line.record.at("payload").at("action").get<std::string>());
    } else {
      CHECK(decoded.keypad.empty());
    }

    if (expect.notice) {
      REQUIRE(decoded.notices.size() == 1);
      const BridgeNotice& notice = decoded.notices.front();
      CHECK(notice.kind == expect.notice->kind);
      CHECK(notice.friendly_name == expect.notice->friendly_name);
      CHECK(notice.text.find(expect.notice->text_contains) != std::string::npos);
    } else {
      CHECK(decoded.notices.empty());
    }

    if (expect.devices) {
      REQUIRE(decoded.devices.has_value());
      CHECK(decoded.devices->size() == *expect.devices);
    } else {
      CHECK_FALSE(decoded.devices.has_value());
    }
  }
}

TEST_CASE("zigbee2mqtt corpus: the 1.33 inventory names each paired device's model") {
  Zigbee2MqttDecoder decoder("zigbee2mqtt", {{"door", "Door Sensor"}, {"gone", "Old Sensor"}});
  const Z2mDecoded decoded = DecodeLine(decoder, 92);
  REQUIRE(decoded.devices.has_value());
  const std::vector<PairedDevice>& devices = *decoded.devices;
  CHECK(devices[0].friendly_name == "Coordinator");
  CHECK(devices[0].type == "Coordinator");
  CHECK(devices[0].model == "");  // definition null
  CHECK(devices[1].friendly_name == "Door Sensor");
  CHECK(devices[1].model == "MCCGQ01LM");
  CHECK(devices[1].vendor == "Xiaomi");
  CHECK(devices[1].ieee_address == "0x00158d000122fcd1");
  CHECK(devices[1].supported);
  // The installer sees what is paired but not configured, and configured but not paired.
  CHECK(decoder.configured_unpaired() == std::vector<std::string>{"Old Sensor"});
  REQUIRE(decoded.notices.size() == 2);
  CHECK(decoded.notices[1].kind == "not_paired");
  CHECK(decoded.notices[1].friendly_name == "Old Sensor");
  CHECK(decoder.unconfigured_paired().size() == devices.size() - 2);
}

TEST_CASE("zigbee2mqtt corpus: the Yale C4 lock goes from jammed to wrong-code burst to unlocked") {
  Zigbee2MqttDecoder decoder("zigbee2mqtt", {{"dev", "front_door_lock"}});
  CHECK(ReadingsText(DecodeLine(decoder, 23).readings) ==
        R"(battery_low=false lock_state="jammed" tamper=false)");
  CHECK(ReadingsText(DecodeLine(decoder, 24).readings) == R"(lock_state="wrong_code" tamper=true)");
  CHECK(ReadingsText(DecodeLine(decoder, 25).readings) == R"(lock_state="unlocked" tamper=false)");
}

}  // namespace
}  // namespace homesec
