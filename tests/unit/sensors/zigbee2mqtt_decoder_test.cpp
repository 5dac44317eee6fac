// Zigbee2MQTT decoder behaviour beyond single corpus lines: topic routing, availability, the
// bridge going offline, repeat suppression, retained replays, and bad input.
#include <doctest/doctest.h>

#include <string>

#include "sensors/zigbee2mqtt_decoder.hpp"
#include "tests/unit/sensors/zigbee2mqtt_test_support.hpp"

namespace homesec {
namespace {

using test::ReadingsText;

Zigbee2MqttDecoder Decoder() {
  return Zigbee2MqttDecoder("zigbee2mqtt", {{"door", "front_door"},
                                            {"window", "Living room/window"},
                                            {"keypad", "hall keypad"},
                                            {"smoke", "kitchen_smoke"}});
}

std::string Text(const Z2mDecoded& decoded) {
  return ReadingsText(decoded.readings, true);
}

TEST_CASE("zigbee2mqtt decoder: subscribes to everything under the configured base topic") {
  CHECK(Zigbee2MqttDecoder("zb6", {}).Subscriptions() == std::vector<std::string>{"zb6/#"});
}

TEST_CASE("zigbee2mqtt decoder: a non-default base topic is honoured and others are not ours") {
  Zigbee2MqttDecoder decoder("zb6", {{"t1", "h6/T1"}});
  CHECK(Text(decoder.Decode("zb6/h6/T1", R"({"contact":true})", false)) ==
        R"(t1.contact="closed")");
  const Z2mDecoded other = decoder.Decode("zigbee2mqtt/h6/T1", R"({"contact":false})", false);
  CHECK(other.readings.empty());
  CHECK(other.error.find("not under") != std::string::npos);
}

TEST_CASE("zigbee2mqtt decoder: friendly names with spaces and slashes route to the longest name") {
  Zigbee2MqttDecoder decoder("zb6", {{"h6", "h6"}, {"t1", "h6/T1"}, {"hall", "Hall door"}});
  CHECK(Text(decoder.Decode("zb6/h6/T1", R"({"contact":false})", false)) == R"(t1.contact="open")");
  CHECK(Text(decoder.Decode("zb6/h6", R"({"contact":false})", false)) == R"(h6.contact="open")");
  CHECK(Text(decoder.Decode("zb6/h6/T1/availability", "offline", false)) == "t1.available=false");
  CHECK(Text(decoder.Decode("zb6/Hall door", R"({"tamper":true})", false)) == "hall.tamper=true");
}

TEST_CASE("zigbee2mqtt decoder: availability in JSON and legacy plain text") {
  Zigbee2MqttDecoder decoder = Decoder();
  CHECK(Text(decoder.Decode("zigbee2mqtt/front_door/availability", R"({"state":"offline"})",
                            true)) == "door.available=false");
  CHECK(Text(decoder.Decode("zigbee2mqtt/front_door/availability", "online", false)) ==
        "door.available=true");
  CHECK(Text(decoder.Decode("zigbee2mqtt/front_door/availability", "offline\n", false)) ==
        "door.available=false");
  CHECK(Text(decoder.Decode("zigbee2mqtt/front_door/availability", R"({"state":"online"})",
                            false)) == "door.available=true");
}

TEST_CASE("zigbee2mqtt decoder: unrecognised availability is rejected, not guessed") {
  Zigbee2MqttDecoder decoder = Decoder();
  const Z2mDecoded decoded =
      decoder.Decode("zigbee2mqtt/front_door/availability", R"({"state":42})", false);
  CHECK(decoded.readings.empty());
  CHECK_FALSE(decoded.error.empty());
  CHECK(decoder.Decode("zigbee2mqtt/front_door/availability", "maybe", false).readings.empty());
  CHECK(decoder.counters().malformed == 2);
}

TEST_CASE("zigbee2mqtt decoder: an empty retained payload clears, it is not a state") {
  Zigbee2MqttDecoder decoder = Decoder();
  for (const char* topic : {"zigbee2mqtt/front_door/availability", "zigbee2mqtt/front_door",
                            "zigbee2mqtt/old_name", "zigbee2mqtt/bridge/state"}) {
    CAPTURE(topic);
    const Z2mDecoded decoded = decoder.Decode(topic, "", true);
    CHECK(decoded.readings.empty());
    CHECK(decoded.error == "");
  }
  CHECK(decoder.counters().ignored == 4);
}

TEST_CASE("zigbee2mqtt decoder: bridge offline marks every Zigbee device unknown") {
  Zigbee2MqttDecoder decoder = Decoder();
  const Z2mDecoded decoded = decoder.Decode("zigbee2mqtt/bridge/state", "offline", true);
  CHECK(Text(decoded) ==
        "door.available=unknown keypad.available=unknown smoke.available=unknown "
        "window.available=unknown");
  for (const Reading& reading : decoded.readings) CHECK(reading.initial);
  REQUIRE(decoded.notices.size() == 1);
  CHECK(decoded.notices[0].kind == "bridge_offline");
}

TEST_CASE("zigbee2mqtt decoder: bridge back online restores each device's own availability") {
  Zigbee2MqttDecoder decoder = Decoder();
  decoder.Decode("zigbee2mqtt/kitchen_smoke/availability", R"({"state":"offline"})", true);
  decoder.Decode("zigbee2mqtt/bridge/state", R"({"state":"offline"})", false);
  const Z2mDecoded back =
      decoder.Decode("zigbee2mqtt/bridge/state", R"({"state":"online"})", false);
  CHECK(Text(back) ==
        "door.available=true keypad.available=true smoke.available=false "
        "window.available=true");
  REQUIRE(back.notices.size() == 1);
  CHECK(back.notices[0].kind == "bridge_online");
}

TEST_CASE("zigbee2mqtt decoder: a repeated bridge state is logged once and changes nothing") {
  Zigbee2MqttDecoder decoder = Decoder();
  decoder.Decode("zigbee2mqtt/bridge/state", "offline", true);
  const Z2mDecoded again = decoder.Decode("zigbee2mqtt/bridge/state", "offline", true);
  CHECK(again.readings.empty());
  CHECK(again.notices.empty());
  // Online at start-up with nothing known offline: no readings either.
  Zigbee2MqttDecoder fresh = Decoder();
  CHECK(fresh.Decode("zigbee2mqtt/bridge/state", R"({"state":"online"})", true).readings.empty());
}

TEST_CASE("zigbee2mqtt decoder: an unrecognised bridge state is rejected") {
  Zigbee2MqttDecoder decoder = Decoder();
  const Z2mDecoded decoded = decoder.Decode("zigbee2mqtt/bridge/state", R"({"state":1})", false);
  CHECK_FALSE(decoded.error.empty());
  CHECK(decoded.readings.empty());
}

TEST_CASE("zigbee2mqtt decoder: values repeated from the z2m state cache are not new readings") {
  Zigbee2MqttDecoder decoder = Decoder();
  // Its battery percentage also says "battery OK" (no battery_low of its own).
  CHECK(Text(decoder.Decode("zigbee2mqtt/front_door", R"({"contact":true,"battery":90})", false)) ==
        R"(door.battery=90 door.battery_low=false door.contact="closed")");
  CHECK(Text(decoder.Decode("zigbee2mqtt/front_door",
                            R"({"contact":true,"battery":90,"linkquality":30})", false)) == "");
  CHECK(Text(decoder.Decode("zigbee2mqtt/front_door", R"({"contact":false,"battery":90})",
                            false)) == R"(door.contact="open")");
}

TEST_CASE("zigbee2mqtt decoder: a retained replay sets state with initial readings") {
  Zigbee2MqttDecoder decoder = Decoder();
  const Z2mDecoded decoded = decoder.Decode("zigbee2mqtt/kitchen_smoke", R"({"smoke":true})", true);
  REQUIRE(decoded.readings.size() == 1);
  CHECK(decoded.readings[0].initial);
  const Z2mDecoded live = decoder.Decode("zigbee2mqtt/kitchen_smoke", R"({"smoke":false})", false);
  REQUIRE(live.readings.size() == 1);
  CHECK_FALSE(live.readings[0].initial);
}

TEST_CASE("zigbee2mqtt decoder: a retained keypad request is never replayed as a command") {
  Zigbee2MqttDecoder decoder = Decoder();
  const Z2mDecoded decoded = decoder.Decode("zigbee2mqtt/hall keypad",
                                            R"({"action":"disarm","action_code":"1234"})", true);
  CHECK(decoded.keypad.empty());
  CHECK(decoder.counters().keypad_actions == 0);
}

TEST_CASE("zigbee2mqtt decoder: a retained vibration event is not a new vibration") {
  Zigbee2MqttDecoder decoder = Decoder();
  CHECK(
      decoder.Decode("zigbee2mqtt/front_door", R"({"action":"vibration"})", true).readings.empty());
}

TEST_CASE("zigbee2mqtt decoder: the 1.x empty action is not an event") {
  Zigbee2MqttDecoder decoder = Decoder();
  const Z2mDecoded decoded =
      decoder.Decode("zigbee2mqtt/hall keypad", R"({"action":"","action_code":null})", false);
  CHECK(decoded.keypad.empty());
  CHECK(decoded.readings.empty());
  CHECK(decoded.warnings.empty());
}

TEST_CASE("zigbee2mqtt decoder: a vibration action is a pulse, true then false") {
  Zigbee2MqttDecoder decoder = Decoder();
  const Z2mDecoded decoded =
      decoder.Decode("zigbee2mqtt/front_door", R"({"action":"tilt"})", false);
  REQUIRE(decoded.readings.size() == 2);
  CHECK(decoded.readings[0].property == "vibration");
  CHECK(decoded.readings[0].value == Value{true});
  CHECK(decoded.readings[1].property == "vibration");
  CHECK(decoded.readings[1].value == Value{false});
}

TEST_CASE("zigbee2mqtt decoder: a device reporting vibration itself ends it itself") {
  Zigbee2MqttDecoder decoder = Decoder();
  CHECK(Text(decoder.Decode("zigbee2mqtt/front_door", R"({"action":"vibration","vibration":true})",
                            false)) == "door.vibration=true");
  CHECK(Text(decoder.Decode("zigbee2mqtt/front_door", R"({"vibration":false})", false)) ==
        "door.vibration=false");
}

TEST_CASE("zigbee2mqtt decoder: every action is an event, even the same one twice") {
  Zigbee2MqttDecoder decoder = Decoder();
  for (int i = 0; i < 2; ++i) {
    CHECK(Text(decoder.Decode("zigbee2mqtt/front_door", R"({"action":"vibration"})", false)) ==
          "door.vibration=false door.vibration=true");
    CHECK(Text(decoder.Decode("zigbee2mqtt/front_door",
                              R"({"action":"unlock_failure_invalid_pin_or_id"})", false)) ==
          R"(door.lock_state="wrong_code")");
    CHECK(decoder.Decode("zigbee2mqtt/hall keypad", R"({"action":"panic"})", false).keypad.size() ==
          1);
  }
}

TEST_CASE("zigbee2mqtt decoder: null is unknown, never closed, dry or OK") {
  Zigbee2MqttDecoder decoder = Decoder();
  decoder.Decode("zigbee2mqtt/front_door", R"({"contact":true,"tamper":false})", false);
  CHECK(Text(decoder.Decode("zigbee2mqtt/front_door", R"({"contact":null,"tamper":null})",
                            false)) == "door.contact=unknown door.tamper=unknown");
}

TEST_CASE("zigbee2mqtt decoder: CO as the strings ON/OFF and battery as a numeric string") {
  Zigbee2MqttDecoder decoder = Decoder();
  CHECK(Text(decoder.Decode("zigbee2mqtt/kitchen_smoke",
                            R"({"carbon_monoxide":"ON","battery":"87.5","battery_low":"false"})",
                            false)) == "smoke.battery=87.5 smoke.battery_low=false smoke.co=true");
  CHECK(Text(decoder.Decode("zigbee2mqtt/kitchen_smoke", R"({"carbon_monoxide":"OFF"})", false)) ==
        "smoke.co=false");
}

TEST_CASE("zigbee2mqtt decoder: a keypad code sent as a number is kept as text") {
  Zigbee2MqttDecoder decoder = Decoder();
  const Z2mDecoded decoded = decoder.Decode(
      "zigbee2mqtt/hall keypad",
      R"({"action":"arm_night_zones","action_code":4321,"action_transaction":7})", false);
  REQUIRE(decoded.keypad.size() == 1);
  CHECK(decoded.keypad[0].device == "keypad");
  CHECK(decoded.keypad[0].action == CommandAction::kArmNight);
  CHECK(decoded.keypad[0].code == "4321");
  CHECK(decoded.keypad[0].transaction == 7);
}

TEST_CASE("zigbee2mqtt decoder: keypad fire and medical buttons become panel commands") {
  Zigbee2MqttDecoder decoder = Decoder();
  auto fire = decoder.Decode("zigbee2mqtt/hall keypad", R"({"action":"fire"})", false);
  auto medical = decoder.Decode("zigbee2mqtt/hall keypad", R"({"action":"medical"})", false);
  REQUIRE(fire.keypad.size() == 1);
  REQUIRE(medical.keypad.size() == 1);
  CHECK(fire.keypad[0].action == CommandAction::kFire);
  CHECK(medical.keypad[0].action == CommandAction::kMedical);
}

TEST_CASE("zigbee2mqtt decoder: malformed JSON is rejected with a counter and no reading") {
  Zigbee2MqttDecoder decoder = Decoder();
  const Z2mDecoded decoded = decoder.Decode("zigbee2mqtt/front_door", R"({"contact":tru)", false);
  CHECK(decoded.readings.empty());
  CHECK(decoded.error.find("device 'door': invalid JSON") == 0);
  CHECK(decoder.counters().malformed == 1);
}

TEST_CASE("zigbee2mqtt decoder: a state payload that is not a JSON object is rejected") {
  Zigbee2MqttDecoder decoder = Decoder();
  for (const char* payload : {"[1,2]", "42", "\"open\"", "true", "null"}) {
    CAPTURE(payload);
    const Z2mDecoded decoded = decoder.Decode("zigbee2mqtt/front_door", payload, false);
    CHECK(decoded.readings.empty());
    CHECK_FALSE(decoded.error.empty());
  }
  CHECK(decoder.counters().malformed == 5);
}

TEST_CASE("zigbee2mqtt decoder: a wrong type rejects that property and keeps the rest") {
  Zigbee2MqttDecoder decoder = Decoder();
  const Z2mDecoded decoded = decoder.Decode(
      "zigbee2mqtt/kitchen_smoke", R"({"smoke":true,"contact":5,"battery":"full"})", false);
  CHECK(Text(decoded) == "smoke.smoke=true");  // a smoke alarm is never lost to a bad key
  CHECK(decoded.error == "");
  CHECK(decoded.warnings.size() == 2);
  CHECK(decoder.counters().bad_values == 2);
}

TEST_CASE("zigbee2mqtt decoder: a malformed keypad code is never echoed in a warning") {
  Zigbee2MqttDecoder decoder = Decoder();
  const Z2mDecoded decoded = decoder.Decode(
      "zigbee2mqtt/hall keypad", R"({"action":"disarm","action_code":["987654"]})", false);
  REQUIRE(decoded.warnings.size() == 1);
  CHECK(decoded.warnings[0].find("987654") == std::string::npos);
  REQUIRE(decoded.keypad.size() == 1);
  CHECK_FALSE(decoded.keypad[0].code.has_value());
}

TEST_CASE("zigbee2mqtt decoder: an oversized payload is rejected unparsed") {
  Zigbee2MqttDecoder decoder = Decoder();
  std::string big = R"({"smoke":true,"pad":")" + std::string(kMaxPayloadBytes, 'x') + "\"}";
  const Z2mDecoded decoded = decoder.Decode("zigbee2mqtt/kitchen_smoke", big, false);
  CHECK(decoded.readings.empty());
  CHECK(decoded.error.find("exceeds") != std::string::npos);
  CHECK(decoder.counters().oversized == 1);
}

TEST_CASE("zigbee2mqtt decoder: deeply nested JSON under the size cap is refused unbuilt") {
  Zigbee2MqttDecoder decoder = Decoder();
  const std::size_t depth = kMaxPayloadBytes / 2 - 64;
  const std::string nested = std::string(depth, '[') + std::string(depth, ']');
  const Z2mDecoded state =
      decoder.Decode("zigbee2mqtt/front_door", R"({"contact":)" + nested + "}", false);
  CHECK(state.readings.empty());
  CHECK(state.error.find("nested deeper than") != std::string::npos);
  const Z2mDecoded event = decoder.Decode(
      "zigbee2mqtt/bridge/event", R"({"type":"device_interview","data":)" + nested + "}", false);
  CHECK(event.error.find("nested deeper than") != std::string::npos);
  // What real devices send nests a level or two and still decodes.
  const Z2mDecoded real = decoder.Decode("zigbee2mqtt/front_door",
                                         R"({"contact":false,"update":{"state":"idle"}})", false);
  CHECK(real.error.empty());
}

TEST_CASE("zigbee2mqtt decoder: the device inventory may exceed the state payload cap") {
  Zigbee2MqttDecoder decoder = Decoder();
  std::string inventory = "[";
  for (int i = 0; i < 600; ++i) {
    inventory += std::string(i ? "," : "") + R"({"friendly_name":"device )" + std::to_string(i) +
                 R"(","ieee_address":"0x1","type":"EndDevice","supported":true,)"
                 R"("definition":{"model":"MCCGQ11LM","vendor":"Aqara","description":"x"}})";
  }
  inventory += "]";
  REQUIRE(inventory.size() > kMaxPayloadBytes);
  const Z2mDecoded decoded = decoder.Decode("zigbee2mqtt/bridge/devices", inventory, true);
  CHECK(decoded.error == "");
  REQUIRE(decoded.devices.has_value());
  CHECK(decoded.devices->size() == 600);
}

TEST_CASE(
    "zigbee2mqtt decoder: bridge topics homesec does not use are ignored whatever their size") {
  Zigbee2MqttDecoder decoder = Decoder();
  const std::string definitions = "[" + std::string(3 * 1024 * 1024, ' ') + "]";
  for (const char* topic : {"zigbee2mqtt/bridge/definitions", "zigbee2mqtt/bridge/info",
                            "zigbee2mqtt/bridge/groups", "zigbee2mqtt/bridge/extensions"}) {
    CAPTURE(topic);
    const Z2mDecoded decoded = decoder.Decode(topic, definitions, true);
    CHECK(decoded.error == "");
    CHECK(decoded.notices.empty());
  }
  CHECK(decoder.counters().ignored == 4);
  CHECK(decoder.counters().oversized == 0);
}

TEST_CASE("zigbee2mqtt decoder: an unknown friendly name is rejected with a counter") {
  Zigbee2MqttDecoder decoder = Decoder();
  const Z2mDecoded decoded =
      decoder.Decode("zigbee2mqtt/garage_door", R"({"contact":false})", false);
  CHECK(decoded.readings.empty());
  CHECK(decoded.error.find("'garage_door'") != std::string::npos);
  const Z2mDecoded availability =
      decoder.Decode("zigbee2mqtt/garage_bulb/availability", "online", true);
  CHECK(availability.readings.empty());
  CHECK(availability.error.find("'garage_bulb'") != std::string::npos);
  CHECK(decoder.counters().unknown_device == 2);
}

TEST_CASE("zigbee2mqtt decoder: an unknown device is reported once and counted every time") {
  Zigbee2MqttDecoder decoder = Decoder();
  CHECK_FALSE(decoder.Decode("zigbee2mqtt/bulb", R"({"state":"ON"})", false).error.empty());
  const Z2mDecoded again = decoder.Decode("zigbee2mqtt/bulb", R"({"state":"OFF"})", false);
  CHECK(again.error == "");
  CHECK(again.readings.empty());
  CHECK(decoder.counters().unknown_device == 2);
}

TEST_CASE("zigbee2mqtt decoder: commands sent to devices are not mistaken for state") {
  Zigbee2MqttDecoder decoder = Decoder();
  for (const char* topic : {"zigbee2mqtt/front_door/set", "zigbee2mqtt/front_door/get",
                            "zigbee2mqtt/other/set", "zigbee2mqtt/bridge/request/permit_join"}) {
    CAPTURE(topic);
    const Z2mDecoded decoded = decoder.Decode(topic, R"({"state":"LOCK"})", false);
    CHECK(decoded.readings.empty());
    CHECK(decoded.error == "");
  }
  CHECK(decoder.counters().ignored == 4);
}

TEST_CASE("zigbee2mqtt decoder: per-attribute topics decode plain-text values") {
  Zigbee2MqttDecoder decoder = Decoder();
  CHECK(Text(decoder.Decode("zigbee2mqtt/kitchen_smoke/carbon_monoxide", "ON", false)) ==
        "smoke.co=true");
  CHECK(Text(decoder.Decode("zigbee2mqtt/kitchen_smoke/smoke", "true", false)) ==
        "smoke.smoke=true");
  // Same value again through the JSON message: already known.
  CHECK(decoder.Decode("zigbee2mqtt/kitchen_smoke", R"({"smoke":true})", false).readings.empty());
  CHECK(decoder.Decode("zigbee2mqtt/kitchen_smoke/linkquality", "80", false).readings.empty());
}

TEST_CASE("zigbee2mqtt decoder: the most severe of one message's lock reports wins") {
  Zigbee2MqttDecoder decoder = Decoder();
  CHECK(Text(decoder.Decode("zigbee2mqtt/front_door",
                            R"({"state":"UNLOCK","door_state":"error_forced_open"})", false)) ==
        R"(door.contact="open" door.lock_state="forced")");
}

TEST_CASE("zigbee2mqtt decoder: a lock alarm z2m keeps repeating does not hide a later lock") {
  Zigbee2MqttDecoder decoder = Decoder();
  decoder.Decode(
      "zigbee2mqtt/front_door",
      R"({"state":"UNLOCKED","lock_state":"not_fully_locked","alarm":"deadbolt_jammed"})", false);
  CHECK(Text(decoder.Decode("zigbee2mqtt/front_door",
                            R"({"state":"LOCKED","lock_state":"locked","alarm":"deadbolt_jammed"})",
                            false)) == R"(door.lock_state="locked")");
}

TEST_CASE("zigbee2mqtt decoder: Aqara S2 lock actions map to lock states") {
  Zigbee2MqttDecoder decoder = Decoder();
  auto lock_state = [&](const char* payload) {
    return Text(decoder.Decode("zigbee2mqtt/front_door", payload, false));
  };
  CHECK(lock_state(R"({"action":"finger_not_match"})") == R"(door.lock_state="wrong_code")");
  CHECK(lock_state(R"({"action":"password_not_match"})") == R"(door.lock_state="wrong_code")");
  CHECK(lock_state(R"({"action":"lock_opened_outside"})") == R"(door.lock_state="unlocked")");
  CHECK(lock_state(R"({"action":"locked"})") == R"(door.lock_state="locked")");
  CHECK(lock_state(R"({"action":"finger_open"})") == R"(door.lock_state="unlocked")");
  CHECK(lock_state(R"({"action":"reverse_lock_cancel"})") == "");
  CHECK(lock_state(R"({"action":"pin_code_added"})") == "");
  // Its `state` expose has value_on "UNLOCK": the same words, the same meaning.
  CHECK(lock_state(R"({"state":"LOCK","reverse":"UNLOCK"})") == R"(door.lock_state="locked")");
}

TEST_CASE("zigbee2mqtt decoder: a switch's ON/OFF state is not a lock state") {
  Zigbee2MqttDecoder decoder = Decoder();
  CHECK(decoder.Decode("zigbee2mqtt/front_door", R"({"state":"ON"})", false).readings.empty());
}

TEST_CASE("zigbee2mqtt decoder: counters add up over messages and readings") {
  Zigbee2MqttDecoder decoder = Decoder();
  decoder.Decode("zigbee2mqtt/front_door", R"({"contact":true,"tamper":false})", false);
  decoder.Decode("zigbee2mqtt/front_door", "{", false);
  CHECK(decoder.counters().messages == 2);
  CHECK(decoder.counters().readings == 2);
  CHECK(decoder.counters().malformed == 1);
}

}  // namespace
}  // namespace homesec
