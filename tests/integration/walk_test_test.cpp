// Walk test and alarm memory end to end through the real brokers, homesecd and homesecctl: the
// test plays Zigbee2MQTT (the zones' sensors) and the platform. homesecctl walk-test prints each
// zone seen live and the report at the end (Ctrl-C or the test's own time); 1 607 and 3 607
// reach the platform and nothing of the zones under test does. homesecctl disarm tells what
// alarmed while armed, status shows it until memory --clear.
#include <doctest/doctest.h>

#include <signal.h>

#include <thread>

#include "tests/integration/hub_fixture.hpp"

#ifndef HOMESECCTL_PATH
#define HOMESECCTL_PATH HOMESEC_BINARY_DIR "/tools/homesecctl"
#endif

namespace homesec::testing {
namespace {

std::string ReadLog(const std::string& path) {
  return ReadFile(path);
}

// Waits until `path` holds `text` (homesecctl's output as it runs).
bool WaitOutput(const std::string& path, const std::string& text,
                std::chrono::milliseconds timeout = 5s) {
  const auto until = Clock::now() + timeout;
  while (Clock::now() < until) {
    if (ReadLog(path).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

bool HasUplink(HubFixture& hub, const std::string& type) {
  for (const nlohmann::json& event : hub.UplinkEvents()) {
    if (event.value("type", "") == type) return true;
  }
  return false;
}

TEST_CASE(
    "walk test: homesecctl shows zones live, Ctrl-C ends it with a report of what was missed") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.local->Subscribe(HubFixture::Local("walk_test")));
  REQUIRE(hub.AllClosed());
  WriteFile(hub.dir.File("walk.in"), std::string(kPin) + "\n");
  const std::string out = hub.dir.File("walk.out");
  Process ctl;
  REQUIRE(ctl.Start(
      {"/bin/sh", "-c",
       std::string("exec ") + HOMESECCTL_PATH + " --config " + hub.dir.File("homesec.json") +
           " walk-test --zones front_door,kitchen_window,hall_motion --pin-stdin < " +
           hub.dir.File("walk.in")},
      out));
  REQUIRE(hub.local->WaitFor(
      HubFixture::Local("walk_test"),
      [](const Message& m) { return m.Json().value("type", "") == "started"; }, 10s));
  REQUIRE(WaitOutput(out, "walk test running until"));
  CHECK(ReadLog(out).find("on 3 zones: front_door, kitchen_window, hall_motion") !=
        std::string::npos);

  // Arming is refused while it runs.
  hub.Command({{"action", "ARM_AWAY"}, {"code", kPin}, {"request_id", "it-walk-arm"}});
  const auto refused = hub.WaitResult("it-walk-arm");
  REQUIRE(refused.has_value());
  CHECK((*refused)["accepted"] == false);
  CHECK((*refused)["reason"] == "not_allowed");

  // Zigbee2MQTT's contact: false is open.
  hub.Zigbee("front_door", {{"contact", false}, {"battery", 97}, {"linkquality", 120}});
  REQUIRE(WaitOutput(out, "front_door  opened"));
  hub.Zigbee("front_door", {{"contact", true}, {"battery", 97}, {"linkquality", 120}});
  REQUIRE(WaitOutput(out, "front_door  closed  (seen both ways)"));
  hub.Zigbee("kitchen_window", {{"contact", false}, {"battery", 97}, {"linkquality", 120}});
  REQUIRE(WaitOutput(out, "kitchen_window  opened"));

  ctl.Signal(SIGINT);
  const auto status = ctl.Wait(10s);
  const std::string output = ReadLog(out);
  CAPTURE(output);
  REQUIRE(status.has_value());
  CHECK(*status == 1);  // not every zone was seen both ways
  CHECK(output.find("ending the walk test...") != std::string::npos);
  CHECK(output.find("walk test ended: stopped") != std::string::npos);
  CHECK(output.find("1 of 3 zones seen both ways") != std::string::npos);
  CHECK(output.find("never seen: hall_motion") != std::string::npos);
  CHECK(output.find("seen one way only: kitchen_window (opened, never closed)") !=
        std::string::npos);
  CHECK(output.find("FAIL") != std::string::npos);
  CHECK(output.find(kPin) == std::string::npos);

  // The platform hears 1 607 and 3 607, with the user, and nothing of the zones under test.
  const auto started = hub.WaitUplinkEvent("walk_test_started");
  REQUIRE(started.has_value());
  CHECK((*started)["contact_id"]["data"] == "1607 00 001");
  CHECK((*started)["user"] == "alice");
  const auto ended = hub.WaitUplinkEvent("walk_test_ended");
  REQUIRE(ended.has_value());
  CHECK((*ended)["contact_id"]["data"] == "3607 00 001");
  CHECK_FALSE(HasUplink(hub, "walk_test_zone"));
  // The zones seen are logged locally.
  CHECK(hub.local->WaitFor(
      HubFixture::Local("event"),
      [](const Message& m) { return m.Json().value("type", "") == "walk_test_zone"; }, 5s));

  // Normal operation again: the open window blocks arming as any open zone does.
  hub.Command({{"action", "ARM_AWAY"}, {"code", kPin}, {"request_id", "it-walk-arm-after"}});
  const auto after = hub.WaitResult("it-walk-arm-after");
  REQUIRE(after.has_value());
  CHECK((*after)["reason"] == "zones_open");
}

TEST_CASE("walk test: it ends by itself after its time and passes when every zone was seen") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.local->Subscribe(HubFixture::Local("walk_test")));
  REQUIRE(hub.AllClosed());
  int status = -1;
  std::string output;
  std::thread ctl([&] {
    status = hub.Homesecctl("walk-test --zones kitchen_window --seconds 4 --pin-stdin",
                            std::string(kPin) + "\n", output);
  });
  const auto started = hub.local->WaitFor(
      HubFixture::Local("walk_test"),
      [](const Message& m) { return m.Json().value("type", "") == "started"; }, 10s);
  REQUIRE(started.has_value());
  hub.Zigbee("kitchen_window", {{"contact", false}, {"battery", 97}, {"linkquality", 120}});
  hub.Zigbee("kitchen_window", {{"contact", true}, {"battery", 97}, {"linkquality", 120}});
  REQUIRE(hub.local->WaitFor(
      HubFixture::Local("walk_test"),
      [](const Message& m) { return m.Json().value("direction", "") == "closed"; }, 5s));
  ctl.join();
  CAPTURE(output);
  CHECK(status == 0);
  CHECK(output.find("kitchen_window  opened") != std::string::npos);
  CHECK(output.find("kitchen_window  closed  (seen both ways)") != std::string::npos);
  CHECK(output.find("walk test ended: its time ran out") != std::string::npos);
  CHECK(output.find("1 of 1 zone seen both ways") != std::string::npos);
  CHECK(output.find("PASS") != std::string::npos);
  const auto ended = hub.WaitUplinkEvent("walk_test_ended");
  REQUIRE(ended.has_value());
  CHECK((*ended)["contact_id"]["data"] == "3607 00 000");
  CHECK_FALSE(HasUplink(hub, "walk_test_zone"));
}

TEST_CASE("walk test: refused while armed, and homesecctl walk-test exits 1") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  REQUIRE(hub.Arm());
  std::string output;
  const int status = hub.Homesecctl("walk-test --pin-stdin", std::string(kPin) + "\n", output);
  CAPTURE(output);
  CHECK(status == 1);
  CHECK(output.find("refused (not_allowed): cannot start a walk test while armed_away") !=
        std::string::npos);
  CHECK_FALSE(HasUplink(hub, "walk_test_started"));
}

TEST_CASE("alarm memory: homesecctl disarm tells what alarmed, status shows it until cleared") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  REQUIRE(hub.Arm());
  hub.Zigbee("kitchen_window", {{"contact", false}, {"battery", 97}, {"linkquality", 120}});
  REQUIRE(hub.WaitUplinkEvent("burglary").has_value());
  std::string output;
  CHECK(hub.Homesecctl("disarm --pin-stdin", std::string(kPin) + "\n", output) == 0);
  CHECK(output.find("accepted: disarmed") != std::string::npos);
  CHECK(output.find("alarm memory: while armed, 1 zone alarmed:") != std::string::npos);
  CHECK(output.find("kitchen_window  burglary") != std::string::npos);

  // The panel's attributes (Home Assistant) carry it, and homesecctl status shows it.
  const auto panel = hub.local->WaitFor(
      HubFixture::Local("panel"),
      [](const Message& m) {
        const nlohmann::json doc = m.Json();
        return doc.is_object() && doc.contains("alarm_memory") && doc["alarm_memory"].size() == 1;
      },
      5s);
  REQUIRE(panel.has_value());
  CHECK(panel->Json()["alarm_memory"][0]["zone"] == "kitchen_window");
  CHECK(panel->Json()["alarm_memory"][0]["type"] == "burglary");
  CHECK(hub.Homesecctl("status", "", output) == 0);
  CHECK(output.find("alarm memory: 1 zone alarmed") != std::string::npos);
  CHECK(output.find("kitchen_window  burglary") != std::string::npos);

  // Kept across a restart until acknowledged.
  REQUIRE(hub.StopDaemon());
  REQUIRE(hub.StartDaemon());
  CHECK(hub.Homesecctl("memory", "", output) == 0);
  CHECK(output.find("kitchen_window  burglary") != std::string::npos);

  const std::size_t from = hub.local->Received(HubFixture::Local("panel")).size();
  CHECK(hub.Homesecctl("memory --clear --pin-stdin", std::string(kPin) + "\n", output) == 0);
  CHECK(output.find("accepted: alarm memory cleared") != std::string::npos);
  REQUIRE(hub.local->WaitFor(
      HubFixture::Local("panel"),
      [](const Message& m) {
        const nlohmann::json doc = m.Json();
        return doc.is_object() && doc.contains("alarm_memory") && doc["alarm_memory"].empty();
      },
      5s, from));
  CHECK(hub.Homesecctl("status", "", output) == 0);
  CHECK(output.find("alarm memory") == std::string::npos);
}

}  // namespace
}  // namespace homesec::testing
