// Zigbee pairing end to end through the real brokers, homesecd and homesecctl: the test plays
// Zigbee2MQTT (it answers bridge/request/permit_join and publishes bridge/event), homesecctl
// pair prints what joins and the summary when homesecd's window closes.
#include <doctest/doctest.h>

#include <thread>

#include "tests/integration/hub_fixture.hpp"

namespace homesec::testing {
namespace {

const std::string kRequest = "zigbee2mqtt/bridge/request/permit_join";

TEST_CASE("pairing: homesecctl pair opens the network through homesecd and lists what joined") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.local->Subscribe(kRequest));
  REQUIRE(hub.AllClosed());

  int status = -1;
  std::string output;
  std::thread ctl([&] {
    status = hub.Homesecctl("pair --seconds 3 --device kitchen_window --pin-stdin",
                            std::string(kPin) + "\n", output);
  });
  // Zigbee2MQTT receives homesecd's request, in the form both 1.x and 2.x accept.
  const auto open = hub.local->WaitFor(
      kRequest, [](const Message& m) { return m.Json().value("time", -1) == 3; }, 10s);
  REQUIRE(open.has_value());
  const nlohmann::json request = open->Json();
  CHECK(request["value"] == true);
  REQUIRE(request.contains("transaction"));
  hub.local->Publish(
      "zigbee2mqtt/bridge/response/permit_join",
      nlohmann::json{
          {"data", {{"time", 3}}}, {"status", "ok"}, {"transaction", request["transaction"]}}
          .dump(),
      0, false);
  hub.local->Publish("zigbee2mqtt/bridge/event",
                     R"({"data":{"friendly_name":"kitchen_window",)"
                     R"("ieee_address":"0x00158d0001a2b3c4"},"type":"device_joined"})",
                     0, false);
  hub.local->Publish(
      "zigbee2mqtt/bridge/event",
      R"({"data":{"definition":{"description":"Door and window sensor","exposes":[],)"
      R"("model":"MCCGQ11LM","options":[],"supports_ota":false,"vendor":"Aqara"},)"
      R"("friendly_name":"kitchen_window","ieee_address":"0x00158d0001a2b3c4",)"
      R"("status":"successful","supported":true},"type":"device_interview"})",
      0, false);
  hub.local->Publish("zigbee2mqtt/bridge/event",
                     R"({"data":{"friendly_name":"0x0017880104e45517",)"
                     R"("ieee_address":"0x0017880104e45517"},"type":"device_joined"})",
                     0, false);
  // homesecd's own timer closes the window and tells Zigbee2MQTT.
  const auto close = hub.local->WaitFor(
      kRequest, [](const Message& m) { return m.Json().value("time", -1) == 0; }, 10s);
  REQUIRE(close.has_value());
  CHECK(close->Json()["value"] == false);
  ctl.join();
  CAPTURE(output);
  CHECK(status == 0);
  CHECK(output.find("joined 0x00158d0001a2b3c4 (kitchen_window)") != std::string::npos);
  CHECK(output.find("interview successful: Aqara MCCGQ11LM (Door and window sensor)") !=
        std::string::npos);
  CHECK(output.find("used by zone kitchen_window") != std::string::npos);
  CHECK(output.find("pairing closed: the window ended") != std::string::npos);
  CHECK(output.find("2 devices joined") != std::string::npos);
  CHECK(output.find("0x0017880104e45517") != std::string::npos);
  CHECK(output.find("not used by any zone") != std::string::npos);
  CHECK(output.find("expected device kitchen_window joined") != std::string::npos);
  CHECK(output.find(kPin) == std::string::npos);

  // Both ends of the window reach the platform (627 / 628).
  const auto opened = hub.WaitUplinkEvent("pairing_opened");
  REQUIRE(opened.has_value());
  CHECK((*opened)["user"] == "alice");
  CHECK((*opened)["contact_id"]["data"].get<std::string>().rfind("1627", 0) == 0);
  const auto closed = hub.WaitUplinkEvent("pairing_closed");
  REQUIRE(closed.has_value());
  CHECK((*closed)["contact_id"]["data"].get<std::string>().rfind("1628", 0) == 0);
}

TEST_CASE("pairing: Zigbee2MQTT refusing permit_join ends homesecctl pair with its reason") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.local->Subscribe(kRequest));
  int status = -1;
  std::string output;
  std::thread ctl([&] {
    status = hub.Homesecctl("pair --seconds 60 --pin-stdin", std::string(kPin) + "\n", output);
  });
  const auto open = hub.local->WaitFor(
      kRequest, [](const Message& m) { return m.Json().value("time", -1) == 60; }, 10s);
  REQUIRE(open.has_value());
  hub.local->Publish("zigbee2mqtt/bridge/response/permit_join",
                     nlohmann::json{{"data", nlohmann::json::object()},
                                    {"status", "error"},
                                    {"error", "Adapter disconnected"},
                                    {"transaction", open->Json()["transaction"]}}
                         .dump(),
                     0, false);
  ctl.join();
  CAPTURE(output);
  CHECK(status == 1);
  CHECK(output.find("Zigbee2MQTT refused: Adapter disconnected") != std::string::npos);
  CHECK(output.find("pairing closed: Zigbee2MQTT refused it") != std::string::npos);
}

TEST_CASE("pairing: homesecctl pair is refused while armed and nothing is sent to Zigbee2MQTT") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.local->Subscribe(kRequest));
  REQUIRE(hub.AllClosed());
  REQUIRE(hub.Arm());
  std::string output;
  const int status = hub.Homesecctl("pair --pin-stdin", std::string(kPin) + "\n", output);
  CAPTURE(output);
  CHECK(status == 1);
  CHECK(output.find("not_allowed") != std::string::npos);
  CHECK(hub.local->Received(kRequest).empty());
}

}  // namespace
}  // namespace homesec::testing
