// The shell's pairing relay: the permit_join request for the panel's PermitJoinRequest, its
// response matched by transaction, bridge/event lines on <prefix>/pairing while open, and the
// summary (what joined, model, whether a zone uses it) when it closes.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "daemon/pairing_relay.hpp"
#include "tools/homesecctl/format.hpp"

namespace homesec {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kTopic = "homesec/hub-1/pairing";

PairingRelay MakeRelay() {
  DeviceConfig door;
  door.id = "front_door";
  door.source = ZigbeeDeviceConfig{"front_door_sensor"};
  DeviceConfig by_address;
  by_address.id = "garage";
  by_address.source = ZigbeeDeviceConfig{"0x00158d0001a2b3c4"};
  ZoneConfig zone1;
  zone1.id = "front";
  zone1.device = "front_door";
  ZoneConfig zone2;
  zone2.id = "garage_door";
  zone2.device = "garage";
  return PairingRelay("zigbee2mqtt", kTopic, {door, by_address}, {zone1, zone2});
}

BridgeEvent Joined(const std::string& name, const std::string& ieee) {
  BridgeEvent event;
  event.type = "device_joined";
  event.friendly_name = name;
  event.ieee_address = ieee;
  return event;
}

BridgeEvent Interviewed(const std::string& name, const std::string& ieee) {
  BridgeEvent event = Joined(name, ieee);
  event.type = "device_interview";
  event.status = "successful";
  event.model = "MCCGQ11LM";
  event.vendor = "Aqara";
  event.description = "Door and window sensor";
  event.supported = true;
  return event;
}

const WallTime kNow = WallTime{} + 24h * 365 * 56;

TEST_CASE("pairing relay: opening sends permit_join with a transaction and an opened line") {
  PairingRelay relay = MakeRelay();
  const auto out = relay.Apply(PermitJoinRequest{120s, "hall", "anna", "opened"}, kNow);
  REQUIRE(out.size() == 2);
  CHECK(out[0].topic == "zigbee2mqtt/bridge/request/permit_join");
  CHECK(json::parse(out[0].payload) == json{{"time", 120}, {"value", true}, {"transaction", 1}});
  CHECK(out[1].topic == kTopic);
  CHECK_FALSE(out[1].retain);
  const json opened = json::parse(out[1].payload);
  CHECK(opened["type"] == "opened");
  CHECK(opened["seconds"] == 120);
  CHECK(opened["device"] == "hall");
  CHECK(relay.open());
}

TEST_CASE("pairing relay: events are relayed only while the window is open") {
  PairingRelay relay = MakeRelay();
  CHECK(relay.OnEvent(Joined("x", "0x0000000000000001"), kNow).empty());
  relay.Apply(PermitJoinRequest{60s, "", "anna", "opened"}, kNow);
  const auto out = relay.OnEvent(Joined("0x00158d0001a2b3c4", "0x00158d0001a2b3c4"), kNow);
  REQUIRE(out.size() == 1);
  const json line = json::parse(out[0].payload);
  CHECK(line["type"] == "device_joined");
  CHECK(line["ieee_address"] == "0x00158d0001a2b3c4");
  CHECK(line["zones"] == json::array({"garage_door"}));  // configured by its address
}

TEST_CASE("pairing relay: the summary lists what joined, its model and the zones using it") {
  PairingRelay relay = MakeRelay();
  relay.Apply(PermitJoinRequest{60s, "front_door_sensor", "anna", "opened"}, kNow);
  relay.OnEvent(Joined("front_door_sensor", "0x00158d0004470a44"), kNow);
  relay.OnEvent(Interviewed("front_door_sensor", "0x00158d0004470a44"), kNow);
  relay.OnEvent(Joined("0x0017880104e45517", "0x0017880104e45517"), kNow);
  const auto out = relay.Apply(PermitJoinRequest{0s, "", "", "timeout"}, kNow);
  REQUIRE(out.size() == 2);
  CHECK(json::parse(out[0].payload) == json{{"time", 0}, {"value", false}, {"transaction", 2}});
  const json summary = json::parse(out[1].payload);
  CHECK(summary["type"] == "closed");
  CHECK(summary["reason"] == "timeout");
  REQUIRE(summary["devices"].size() == 2);
  CHECK(summary["devices"][0]["model"] == "MCCGQ11LM");
  CHECK(summary["devices"][0]["interview"] == "successful");
  CHECK(summary["devices"][0]["zones"] == json::array({"front"}));
  CHECK(summary["devices"][1]["zones"] == json::array());
  CHECK(summary["device_joined"] == true);
  CHECK_FALSE(relay.open());
  const std::string text = FormatPairingMessage(summary);
  CHECK(text.find("2 devices joined") != std::string::npos);
  CHECK(text.find("Aqara MCCGQ11LM (Door and window sensor)") != std::string::npos);
  CHECK(text.find("used by zone front") != std::string::npos);
  CHECK(text.find("not used by any zone") != std::string::npos);
}

TEST_CASE("pairing relay: an error response to our opening request is a refusal") {
  PairingRelay relay = MakeRelay();
  relay.Apply(PermitJoinRequest{60s, "", "anna", "opened"}, kNow);
  BridgeResponse response;
  response.request = "permit_join";
  response.ok = false;
  response.error = "Adapter disconnected";
  response.transaction = "1";
  std::optional<std::string> refused;
  const auto out = relay.OnResponse(response, kNow, &refused);
  REQUIRE(refused);
  CHECK(*refused == "Adapter disconnected");
  REQUIRE(out.size() == 1);
  CHECK(json::parse(out[0].payload)["type"] == "error");
}

TEST_CASE("pairing relay: another client's response is ignored") {
  PairingRelay relay = MakeRelay();
  relay.Apply(PermitJoinRequest{60s, "", "anna", "opened"}, kNow);
  BridgeResponse response;
  response.request = "permit_join";
  response.ok = false;
  response.error = "x";
  response.transaction = "e26wa-5";
  std::optional<std::string> refused;
  CHECK(relay.OnResponse(response, kNow, &refused).empty());
  CHECK_FALSE(refused);
  response.transaction.reset();
  CHECK(relay.OnResponse(response, kNow, &refused).empty());
  CHECK_FALSE(refused);
}

TEST_CASE("pairing relay: an ok response is confirmed with Zigbee2MQTT's time") {
  PairingRelay relay = MakeRelay();
  relay.Apply(PermitJoinRequest{60s, "", "anna", "opened"}, kNow);
  BridgeResponse response;
  response.request = "permit_join";
  response.ok = true;
  response.transaction = "1";
  response.time = 60;
  std::optional<std::string> refused;
  const auto out = relay.OnResponse(response, kNow, &refused);
  CHECK_FALSE(refused);
  REQUIRE(out.size() == 1);
  CHECK(json::parse(out[0].payload) ==
        json{{"type", "confirmed"}, {"seconds", 60}, {"time", FormatRfc3339(kNow)}});
}

TEST_CASE("pairing relay: homesecctl's lines for joins and interviews") {
  CHECK(FormatPairingMessage(json{{"type", "device_joined"},
                                  {"friendly_name", "0x00158d0001a2b3c4"},
                                  {"ieee_address", "0x00158d0001a2b3c4"}}) ==
        "joined 0x00158d0001a2b3c4\n");
  CHECK(FormatPairingMessage(json{{"type", "device_interview"},
                                  {"status", "successful"},
                                  {"vendor", "Aqara"},
                                  {"model", "MCCGQ11LM"},
                                  {"description", "door sensor"},
                                  {"supported", true},
                                  {"zones", json::array()}}) ==
        "interview successful: Aqara MCCGQ11LM (door sensor)\nnot used by any zone\n");
  CHECK(FormatPairingMessage(json{{"type", "device_interview"},
                                  {"status", "started"},
                                  {"ieee_address", "0x00158d0001a2b3c4"}}) ==
        "interviewing 0x00158d0001a2b3c4\n");
  CHECK(FormatPairingMessage(json{{"type", "device_joined"}, {"supported", "yes"}}) ==
        "joined a device\n");  // wrong shapes never throw
}

}  // namespace
}  // namespace homesec
