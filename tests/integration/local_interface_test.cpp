// The local (Home Assistant compatible) interface of the real homesecd: commands and their
// results, zone states from real Zigbee2MQTT payloads, discovery, restart and reload.
#include <doctest/doctest.h>

#include <signal.h>

#include <thread>

#include "tests/integration/hub_fixture.hpp"

namespace homesec::testing {

TEST_CASE("local: a malformed command gets a result saying why and changes nothing") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.WaitState("disarmed"));
  hub.local->Publish(HubFixture::Local("command"), "{\"action\": ", 1, false);
  const auto result = hub.local->WaitFor(
      HubFixture::Local("command/result"),
      [](const Message& m) { return m.Json().value("reason", "") == "invalid_request"; }, 5s);
  REQUIRE(result.has_value());
  CHECK(result->Json()["accepted"] == false);
  CHECK(result->Json()["message"].get<std::string>().find("JSON") != std::string::npos);

  hub.Command({{"action", "ARM_SOMEWHERE"}, {"code", kPin}, {"request_id", "unknown-action"}});
  const auto unknown = hub.WaitResult("unknown-action");
  REQUIRE(unknown.has_value());
  CHECK((*unknown)["reason"] == "invalid_request");
  CHECK((*unknown)["message"].get<std::string>().find("ARM_SOMEWHERE") != std::string::npos);
  CHECK(hub.local->Received(HubFixture::Local("state")).back().payload == "disarmed");
}

TEST_CASE("local: a retained command is ignored with a result and changes nothing") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  hub.local->Publish(HubFixture::Local("command"), "ARM_AWAY", 1, true);
  const auto result = hub.local->WaitFor(
      HubFixture::Local("command/result"),
      [](const Message& m) {
        return m.Json().value("message", "").find("retained") != std::string::npos;
      },
      5s);
  hub.local->Publish(HubFixture::Local("command"), "", 1, true);  // clear it again
  REQUIRE(result.has_value());
  CHECK(result->Json()["accepted"] == false);
  std::this_thread::sleep_for(500ms);
  CHECK(hub.local->Received(HubFixture::Local("state")).back().payload == "disarmed");
}

TEST_CASE("local: a wrong code is refused as invalid_code and the panel stays disarmed") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  hub.Command({{"action", "ARM_AWAY"}, {"code", "0000"}, {"request_id", "bad-code"}});
  const auto result = hub.WaitResult("bad-code");
  REQUIRE(result.has_value());
  CHECK((*result)["accepted"] == false);
  CHECK((*result)["reason"] == "invalid_code");
  std::this_thread::sleep_for(300ms);
  CHECK(hub.local->Received(HubFixture::Local("state")).back().payload == "disarmed");
}

TEST_CASE("local: zone states follow real Zigbee2MQTT contact payloads") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  hub.Zigbee("front_door", {{"battery", 100},
                            {"contact", false},
                            {"linkquality", 87},
                            {"tamper", false},
                            {"voltage", 3000}});
  const auto open = hub.local->WaitFor(
      HubFixture::Local("zone/front_door"),
      [](const Message& m) { return m.Json().value("status", "") == "open"; }, 5s);
  REQUIRE(open.has_value());
  CHECK(open->retained == false);
  CHECK(open->Json()["open"] == true);
  hub.Zigbee("front_door", {{"battery", 100},
                            {"contact", true},
                            {"linkquality", 87},
                            {"tamper", false},
                            {"voltage", 3000}});
  const auto closed = hub.local->WaitFor(
      HubFixture::Local("zone/front_door"),
      [](const Message& m) { return m.Json().value("status", "") == "closed"; }, 5s);
  REQUIRE(closed.has_value());
  CHECK(closed->Json()["open"] == false);
}

TEST_CASE("local: Home Assistant discovery announces the panel with the code passed through") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.local->Subscribe("homeassistant/#"));
  const std::string topic = std::string("homeassistant/alarm_control_panel/") + kHubId + "/config";
  const auto panel = hub.local->WaitFor(
      topic, [](const Message&) { return true; }, 5s);
  REQUIRE(panel.has_value());
  const nlohmann::json config = panel->Json();
  CHECK(config["code"] == "REMOTE_CODE");
  CHECK(config["command_topic"] == HubFixture::Local("command/homeassistant"));
  CHECK(config["state_topic"] == HubFixture::Local("state"));
  // homesecd acts on what Home Assistant sends there.
  REQUIRE(hub.AllClosed());
  const nlohmann::json arm{{"action", "ARM_AWAY"}, {"code", kPin}, {"request_id", "ha-arm"}};
  REQUIRE(hub.local->Publish(config["command_topic"].get<std::string>(), arm.dump()));
  CHECK(hub.WaitState("armed_away"));
  const auto window = hub.local->WaitFor(
      std::string("homeassistant/binary_sensor/") + kHubId + "_kitchen_window/config",
      [](const Message&) { return true; }, 5s);
  REQUIRE(window.has_value());
  CHECK(window->Json()["device_class"] == "window");
}

TEST_CASE("lifecycle: restarted while armed it comes back armed, with no alarm") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  REQUIRE(hub.Arm());
  REQUIRE(hub.StopDaemon());
  hub.local->Clear();
  const std::size_t before = hub.UplinkEvents().size();
  REQUIRE(hub.StartDaemon());
  CHECK(hub.WaitState("armed_away"));
  std::this_thread::sleep_for(3s);
  const auto events = hub.UplinkEvents();
  for (std::size_t i = before; i < events.size(); ++i) {
    CHECK(events[i].value("category", "") != "alarm");
  }
  // A deliberate stop is not a communication fault: no uplink trouble, before or after.
  for (const auto& event : events) CHECK(event.value("type", "") != "uplink_lost");
  CHECK(hub.local->Received(HubFixture::Local("state")).back().payload == "armed_away");
}

TEST_CASE("lifecycle: HUP with a broken config keeps the running config") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  hub.config["zones"][0]["device"] = "frnt_door";  // no such device
  hub.WriteConfig();
  hub.daemon.Signal(SIGHUP);
  std::this_thread::sleep_for(500ms);
  REQUIRE(hub.daemon.running());
  CHECK(hub.DaemonLog().find("frnt_door") != std::string::npos);
  // Still the old config: the entry door is still a zone and arming works.
  REQUIRE(hub.Arm());
  hub.Zigbee("front_door", {{"contact", false}});
  CHECK(hub.WaitState("pending"));
}

TEST_CASE("lifecycle: --check-config reports every error and exits 1") {
  HubFixture hub;
  hub.config["zones"][0]["device"] = "frnt_door";
  hub.config["zones"][1]["type"] = "window";
  hub.WriteConfig();
  Process check;
  REQUIRE(check.Start({HOMESEC_BINARY_DIR "/daemon/homesecd", "--config",
                       hub.dir.File("homesec.json"), "--check-config"},
                      hub.dir.File("check.log")));
  CHECK(check.Wait(5s) == 1);
  const std::string output = ReadFile(hub.dir.File("check.log"));
  CHECK(output.find("frnt_door") != std::string::npos);
  CHECK(output.find("zones[1].type") != std::string::npos);
}

}  // namespace homesec::testing
