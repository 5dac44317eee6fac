// bridge/event and bridge/response/permit_join as structured data for the pairing relay: the
// payload shapes Zigbee2MQTT's lib/extension/bridge.ts publishes (corpus lines 94-105).
#include <doctest/doctest.h>

#include <string>

#include "sensors/zigbee2mqtt_decoder.hpp"
#include "tests/unit/sensors/zigbee2mqtt_test_support.hpp"

namespace homesec {
namespace {

using test::Corpus;

Z2mDecoded DecodeLine(int number) {
  Zigbee2MqttDecoder decoder("zigbee2mqtt", {{"window", "living_room_window"}});
  const test::CorpusLine& line = Corpus().at(number);
  return decoder.Decode(line.Topic(), line.Payload(), false);
}

TEST_CASE("zigbee2mqtt bridge events: device_joined gives the name and IEEE address") {
  const Z2mDecoded decoded = DecodeLine(94);
  CHECK(decoded.error.empty());
  REQUIRE(decoded.events.size() == 1);
  CHECK(decoded.events[0].type == "device_joined");
  CHECK(decoded.events[0].friendly_name == "bulb");
  CHECK(decoded.events[0].ieee_address == "0x000b57fffec6a5b2");
  CHECK(decoded.events[0].status.empty());
}

TEST_CASE("zigbee2mqtt bridge events: device_announce and device_leave") {
  const Z2mDecoded announce = DecodeLine(95);
  REQUIRE(announce.events.size() == 1);
  CHECK(announce.events[0].type == "device_announce");
  CHECK(announce.events[0].ieee_address == "0xa4c138daf6cd1e25");
  const Z2mDecoded leave = DecodeLine(99);
  REQUIRE(leave.events.size() == 1);
  CHECK(leave.events[0].type == "device_leave");
  CHECK(leave.events[0].friendly_name == "bulb");
}

TEST_CASE("zigbee2mqtt bridge events: interview started and failed carry their status") {
  const Z2mDecoded started = DecodeLine(96);
  REQUIRE(started.events.size() == 1);
  CHECK(started.events[0].type == "device_interview");
  CHECK(started.events[0].status == "started");
  CHECK_FALSE(started.events[0].supported);
  const Z2mDecoded failed = DecodeLine(97);
  REQUIRE(failed.events.size() == 1);
  CHECK(failed.events[0].status == "failed");
  CHECK(failed.events[0].model.empty());
}

TEST_CASE("zigbee2mqtt bridge events: a successful interview gives model, vendor, support") {
  const Z2mDecoded decoded = DecodeLine(98);
  REQUIRE(decoded.events.size() == 1);
  const BridgeEvent& event = decoded.events[0];
  CHECK(event.status == "successful");
  CHECK(event.friendly_name == "living_room_window");
  CHECK(event.ieee_address == "0x00158d0004470a44");
  CHECK(event.model == "MCCGQ11LM");
  CHECK(event.vendor == "Aqara");
  CHECK(event.description == "Door and window sensor");
  REQUIRE(event.supported);
  CHECK(*event.supported);
}

TEST_CASE("zigbee2mqtt bridge events: an unsupported device has no definition") {
  Zigbee2MqttDecoder decoder("zigbee2mqtt", {});
  const Z2mDecoded decoded = decoder.Decode(
      "zigbee2mqtt/bridge/event",
      R"({"type":"device_interview","data":{"friendly_name":"0x0017880104e45517",)"
      R"("ieee_address":"0x0017880104e45517","status":"successful","supported":false,)"
      R"("definition":null}})",
      false);
  REQUIRE(decoded.events.size() == 1);
  REQUIRE(decoded.events[0].supported);
  CHECK_FALSE(*decoded.events[0].supported);
  CHECK(decoded.events[0].model.empty());
}

TEST_CASE("zigbee2mqtt bridge events: a malformed IEEE address and control bytes are not echoed") {
  Zigbee2MqttDecoder decoder("zigbee2mqtt", {});
  const Z2mDecoded decoded =
      decoder.Decode("zigbee2mqtt/bridge/event",
                     "{\"type\":\"device_joined\",\"data\":{\"friendly_name\":\"evil\\u001b[2J\","
                     "\"ieee_address\":\"0x00158d0001a2b3c4; rm -rf\"}}",
                     false);
  REQUIRE(decoded.events.size() == 1);
  CHECK(decoded.events[0].ieee_address.empty());
  CHECK(decoded.events[0].friendly_name.find('\x1b') == std::string::npos);
}

TEST_CASE("zigbee2mqtt bridge events: other event types are not device events") {
  Zigbee2MqttDecoder decoder("zigbee2mqtt", {});
  const Z2mDecoded decoded =
      decoder.Decode("zigbee2mqtt/bridge/event", R"({"type":"something_new","data":{}})", false);
  CHECK(decoded.events.empty());
  CHECK(decoded.error.empty());
}

TEST_CASE("zigbee2mqtt bridge responses: permit_join ok with a numeric transaction") {
  const Z2mDecoded decoded = DecodeLine(102);
  REQUIRE(decoded.response);
  CHECK(decoded.response->request == "permit_join");
  CHECK(decoded.response->ok);
  CHECK(decoded.response->transaction == std::optional<std::string>("22"));
  CHECK(decoded.response->time == std::optional<int>(0));
}

TEST_CASE("zigbee2mqtt bridge responses: permit_join error says why") {
  const Z2mDecoded decoded = DecodeLine(104);
  REQUIRE(decoded.response);
  CHECK_FALSE(decoded.response->ok);
  CHECK(decoded.response->error == "Invalid payload");
  CHECK_FALSE(decoded.response->transaction);
}

TEST_CASE("zigbee2mqtt bridge responses: a 1.x response with a string transaction") {
  const Z2mDecoded decoded = DecodeLine(105);
  REQUIRE(decoded.response);
  CHECK(decoded.response->ok);
  CHECK(decoded.response->transaction == std::optional<std::string>("e26wa-5"));
  CHECK(decoded.response->time == std::optional<int>(254));
}

}  // namespace
}  // namespace homesec
