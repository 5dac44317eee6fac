// Manual zone bypass through the real homesecd and brokers: BYPASS on the command topic, its
// result, the retained zone topic showing "bypassed", the 570 events on the local event topic and
// the uplink, arming with the bypassed window open, and UNBYPASS.
#include <doctest/doctest.h>

#include "tests/integration/hub_fixture.hpp"

namespace homesec::testing {
namespace {

// The retained zone state a client subscribing now is given.
std::optional<nlohmann::json> RetainedZone(const HubFixture& hub, const std::string& zone) {
  TestClient reader("it-bypass-reader", hub.home.port());
  if (!reader.Connect() || !reader.Subscribe(HubFixture::Local("zone/" + zone))) {
    return std::nullopt;
  }
  const auto message = reader.WaitFor(
      HubFixture::Local("zone/" + zone), [](const Message& m) { return m.retained; }, 5s);
  if (!message) return std::nullopt;
  return message->Json();
}

TEST_CASE("bypass: BYPASS on the command topic bypasses the zone, retained as bypassed") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  hub.Zigbee("kitchen_window", {{"contact", false}, {"battery", 97}, {"linkquality", 120}});
  REQUIRE(hub.local->WaitFor(
      HubFixture::Local("zone/kitchen_window"),
      [](const Message& m) { return m.Json().value("status", "") == "open"; }, 5s));

  hub.Command({{"action", "BYPASS"},
               {"zone", "kitchen_window"},
               {"code", kPin},
               {"request_id", "it-bypass-1"}});
  const auto result = hub.WaitResult("it-bypass-1");
  REQUIRE(result.has_value());
  CHECK((*result)["accepted"] == true);
  CHECK((*result)["reason"] == "ok");
  CHECK((*result)["action"] == "BYPASS");
  CHECK((*result)["message"] == "zone kitchen_window bypassed until unbypassed");

  const auto update = hub.local->WaitFor(
      HubFixture::Local("zone/kitchen_window"),
      [](const Message& m) { return m.Json().value("status", "") == "bypassed"; }, 5s);
  REQUIRE(update.has_value());
  CHECK(update->Json()["open"] == true);  // still the raw state
  const auto retained = RetainedZone(hub, "kitchen_window");
  REQUIRE(retained.has_value());
  CHECK((*retained)["status"] == "bypassed");
  CHECK((*retained)["bypassed"] == true);
  CHECK((*retained)["open"] == true);

  // The 1 570 event, on the local event topic and to the platform.
  const auto local_event = hub.local->WaitFor(
      HubFixture::Local("event"),
      [](const Message& m) { return m.Json().value("type", "") == "manual_bypass"; }, 5s);
  REQUIRE(local_event.has_value());
  CHECK(local_event->Json()["contact_id"]["data"] == "1570 00 002");
  CHECK(local_event->Json()["zone"] == "kitchen_window");
  const auto uplink = hub.WaitUplinkEvent("manual_bypass");
  REQUIRE(uplink.has_value());
  CHECK((*uplink)["category"] == "bypass");
  CHECK((*uplink)["contact_id"]["data"] == "1570 00 002");
  CHECK((*uplink)["user"] == "alice");

  // The window open and bypassed does not stand in the way of arming, nor alarm while armed.
  REQUIRE(hub.Arm());
  hub.Zigbee("kitchen_window", {{"contact", true}, {"battery", 97}, {"linkquality", 120}});
  hub.Zigbee("kitchen_window", {{"contact", false}, {"battery", 97}, {"linkquality", 120}});
  CHECK_FALSE(hub.WaitState("triggered", 1s));
  CHECK_FALSE(hub.WaitUplinkEvent("burglary", 500ms).has_value());

  // UNBYPASS is refused while armed, then accepted once disarmed.
  hub.Command({{"action", "UNBYPASS"},
               {"zone", "kitchen_window"},
               {"code", kPin},
               {"request_id", "it-unbypass-armed"}});
  const auto refused = hub.WaitResult("it-unbypass-armed");
  REQUIRE(refused.has_value());
  CHECK((*refused)["accepted"] == false);
  CHECK((*refused)["reason"] == "not_allowed");
  hub.Command({{"action", "DISARM"}, {"code", kPin}, {"request_id", "it-disarm"}});
  REQUIRE(hub.WaitState("disarmed"));
  CHECK(RetainedZone(hub, "kitchen_window")->value("status", "") == "bypassed");
  hub.Command({{"action", "UNBYPASS"},
               {"zone", "kitchen_window"},
               {"code", kPin},
               {"request_id", "it-unbypass"}});
  const auto unbypassed = hub.WaitResult("it-unbypass");
  REQUIRE(unbypassed.has_value());
  CHECK((*unbypassed)["accepted"] == true);
  REQUIRE(hub.local->WaitFor(
      HubFixture::Local("zone/kitchen_window"),
      [](const Message& m) { return m.Json().value("status", "") == "open"; }, 5s));
  const auto restore = hub.WaitUplinkEvent("bypass_restore");
  REQUIRE(restore.has_value());
  CHECK((*restore)["contact_id"]["data"] == "3570 00 002");
}

TEST_CASE("bypass: a fire zone is refused and a manual bypass survives a daemon restart") {
  HubFixture hub;
  hub.config["devices"].push_back({{"id", "smoke"}, {"zigbee", "smoke"}});
  hub.config["zones"].push_back(
      {{"id", "smoke"}, {"type", "fire_24h"}, {"device", "smoke"}, {"property", "smoke"}});
  hub.WriteConfig();
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  hub.Command(
      {{"action", "BYPASS"}, {"zone", "smoke"}, {"code", kPin}, {"request_id", "it-bypass-fire"}});
  const auto fire = hub.WaitResult("it-bypass-fire");
  REQUIRE(fire.has_value());
  CHECK((*fire)["accepted"] == false);
  CHECK((*fire)["reason"] == "not_allowed");

  hub.Command({{"action", "BYPASS"},
               {"zone", "kitchen_window"},
               {"code", kPin},
               {"until_disarm", true},
               {"request_id", "it-bypass-2"}});
  const auto result = hub.WaitResult("it-bypass-2");
  REQUIRE(result.has_value());
  REQUIRE((*result)["accepted"] == true);
  REQUIRE(hub.local->WaitFor(
      HubFixture::Local("zone/kitchen_window"),
      [](const Message& m) { return m.Json().value("status", "") == "bypassed"; }, 5s));
  REQUIRE(hub.StopDaemon());
  hub.local->Clear();
  REQUIRE(hub.StartDaemon());
  const auto again = hub.local->WaitFor(
      HubFixture::Local("zone/kitchen_window"),
      [](const Message& m) { return m.Json().value("status", "") == "bypassed"; }, 5s);
  CHECK(again.has_value());
}

TEST_CASE("bypass: homesecctl bypass and unbypass a zone with the PIN piped in") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  std::string output;
  CHECK(hub.Homesecctl("bypass kitchen_window --until-disarm --pin-stdin", std::string(kPin) + "\n",
                       output) == 0);
  CHECK(output.find("accepted: zone kitchen_window bypassed until the next disarm") !=
        std::string::npos);
  REQUIRE(hub.local->WaitFor(
      HubFixture::Local("zone/kitchen_window"),
      [](const Message& m) { return m.Json().value("status", "") == "bypassed"; }, 5s));
  CHECK(hub.Homesecctl("status", "", output) == 0);
  CHECK(output.find("bypassed") != std::string::npos);
  // A wrong PIN is refused (exit 1); the right one ends the bypass.
  CHECK(hub.Homesecctl("unbypass kitchen_window --pin-stdin", "0000\n", output) == 1);
  CHECK(output.find("refused (invalid_code)") != std::string::npos);
  CHECK(hub.Homesecctl("unbypass kitchen_window --pin-stdin", std::string(kPin) + "\n", output) ==
        0);
  CHECK(output.find("accepted: zone kitchen_window no longer bypassed") != std::string::npos);
  REQUIRE(hub.local->WaitFor(
      HubFixture::Local("zone/kitchen_window"),
      [](const Message& m) { return m.Json().value("status", "") == "closed"; }, 5s));
  CHECK(hub.Homesecctl("bypass no_such_zone --pin-stdin", std::string(kPin) + "\n", output) == 1);
  CHECK(output.find("refused (unknown_zone)") != std::string::npos);
}

}  // namespace
}  // namespace homesec::testing
