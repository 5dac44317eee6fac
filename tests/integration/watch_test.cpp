// The vacant-house watch end to end through real brokers, the real homesecd and the real
// homesecctl: registered over MQTT and over homesecctl, seen retained on the uplink and
// acknowledged by the platform, an intrusion flagged as a vacant-house alarm, a patrol check-in,
// and the resident's disarm ending it (the retained registration cleared).
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <thread>

#include "rules/time.hpp"
#include "tests/integration/hub_fixture.hpp"

#ifndef HOMESECCTL_PATH
#define HOMESECCTL_PATH HOMESEC_BINARY_DIR "/tools/homesecctl"
#endif

namespace homesec::testing {
namespace {

std::string InDays(int days) {
  return FormatRfc3339(std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()) +
                       std::chrono::hours(24 * days));
}

// Runs homesecctl with `stdin_text` piped in; returns its exit status and fills `output`.
int Homesecctl(HubFixture& hub, const std::string& arguments, const std::string& stdin_text,
               std::string& output) {
  const std::string out_file = hub.dir.File("homesecctl.out");
  const std::string in_file = hub.dir.File("homesecctl.in");
  WriteFile(in_file, stdin_text);
  const std::string command = std::string(HOMESECCTL_PATH) + " --config " +
                              hub.dir.File("homesec.json") + " " + arguments + " < " + in_file +
                              " > " + out_file + " 2>&1";
  const int status = std::system(command.c_str());
  output = ReadFile(out_file);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The state of a registration message; "" for the empty clearing message.
std::string StateIn(const Message& m) {
  const nlohmann::json json = m.Json();
  return json.is_object() ? json.value("state", "") : "";
}

// The last retained-or-live registration the platform saw whose state is `state`.
std::optional<nlohmann::json> WaitWatchState(HubFixture& hub, const std::string& state) {
  const auto found = hub.platform->WaitFor(
      HubFixture::Up("watch"), [&](const Message& m) { return StateIn(m) == state; }, 10s);
  if (!found) return std::nullopt;
  return found->Json();
}

}  // namespace

TEST_CASE(
    "watch: registered over MQTT, acknowledged, intrusion flagged, resident's disarm ends it") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());

  hub.Command({{"action", "WATCH_START"},
               {"code", kPin},
               {"request_id", "watch-1"},
               {"watch",
                {{"departure", "now"},
                 {"expected_return", InDays(7)},
                 {"contact_phone", "+49 170 1234567"},
                 {"notes", "lights on a timer"},
                 {"keyholder",
                  {{"name", "Nina"},
                   {"pin", "4711"},
                   {"valid_from", InDays(1)},
                   {"valid_until", InDays(3)},
                   {"hours", "08:00-20:00"}}}}}});
  const auto result = hub.WaitResult("watch-1");
  REQUIRE(result.has_value());
  CHECK((*result)["accepted"] == true);
  CHECK((*result)["reason"] == "ok");
  const std::string id = (*result)["watch_id"].get<std::string>();
  REQUIRE_FALSE(id.empty());
  CHECK(hub.WaitState("armed_vacation"));

  // The platform sees the registration, retained, without the keyholder's PIN.
  const auto active = WaitWatchState(hub, "active");
  REQUIRE(active.has_value());
  CHECK((*active)["watch_id"] == id);
  CHECK((*active)["contact"] == "+49 170 1234567");
  CHECK((*active)["keyholder"]["name"] == "Nina");
  CHECK(active->dump().find("4711") == std::string::npos);
  CHECK(active->dump().find("pbkdf2") == std::string::npos);
  const auto up_messages = hub.platform->Received(HubFixture::Up("watch"));
  REQUIRE_FALSE(up_messages.empty());
  CHECK(hub.WaitUplinkEvent("watch_registered").has_value());
  CHECK(hub.WaitUplinkEvent("watch_started").has_value());

  // The platform acknowledges: recorded and shown in the registration, here and locally.
  hub.platform->Publish(HubFixture::Up("ack"),
                        nlohmann::json{{"watch_id", id}, {"status", "registered"}}.dump(), 1);
  const auto acked = hub.platform->WaitFor(
      HubFixture::Up("watch"),
      [](const Message& m) {
        const auto json = m.Json();
        return json.is_object() && json.contains("platform_ack") &&
               json["platform_ack"]["status"] == "registered";
      },
      10s);
  CHECK(acked.has_value());
  CHECK(hub.local
            ->WaitFor(
                HubFixture::Local("watch"),
                [](const Message& m) {
                  return m.Json().is_object() && m.Json().contains("platform_ack");
                },
                5s)
            .has_value());

  // A patrol checks in: recorded and shown to the resident on the local event topic.
  hub.platform->Publish(
      HubFixture::Up("command"),
      nlohmann::json{{"action", "patrol_check_in"}, {"officer", "patrol 7"}, {"note", "all quiet"}}
          .dump(),
      1);
  const auto check_in = hub.local->WaitFor(
      HubFixture::Local("event"),
      [](const Message& m) { return m.Json().value("type", "") == "patrol_check_in"; }, 5s);
  REQUIRE(check_in.has_value());
  CHECK(check_in->Json()["watch_id"] == id);

  // An intrusion during the watch is a vacant-house alarm.
  hub.Zigbee("kitchen_window", {{"contact", false}});
  const auto burglary = hub.WaitUplinkEvent("burglary");
  REQUIRE(burglary.has_value());
  CHECK((*burglary)["vacant_watch"] == true);
  CHECK((*burglary)["watch_id"] == id);
  CHECK((*burglary)["priority"] == "critical");
  CHECK((*burglary)["mode"] == "armed_vacation");
  hub.Zigbee("kitchen_window", {{"contact", true}});

  // The resident is back: the disarm ends the watch; the final document, then cleared.
  hub.Command({{"action", "DISARM"}, {"code", kPin}, {"request_id", "home"}});
  const auto disarmed = hub.WaitResult("home");
  REQUIRE(disarmed.has_value());
  CHECK((*disarmed)["accepted"] == true);
  const auto ended_event = hub.WaitUplinkEvent("watch_ended");
  REQUIRE(ended_event.has_value());
  CHECK((*ended_event)["watch_id"] == id);
  CHECK(WaitWatchState(hub, "ended").has_value());
  const auto cleared = hub.platform->WaitFor(
      HubFixture::Up("watch"), [](const Message& m) { return m.payload.empty(); }, 10s);
  REQUIRE(cleared.has_value());
  CHECK(cleared->retained == false);  // a live delivery of the clearing message
  CHECK(hub.local
            ->WaitFor(
                HubFixture::Local("watch"), [](const Message& m) { return m.payload.empty(); }, 5s)
            .has_value());

  // A new subscriber finds nothing retained any more.
  TestClient late("it-late", hub.district.port());
  REQUIRE(late.Connect());
  REQUIRE(late.Subscribe(HubFixture::Up("watch")));
  std::this_thread::sleep_for(300ms);
  CHECK(late.Received(HubFixture::Up("watch")).empty());
}

TEST_CASE("watch: homesecctl starts, shows, extends and cancels a watch, open zones are named") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  hub.Zigbee("kitchen_window", {{"contact", false}});  // left open
  REQUIRE(hub.local
              ->WaitFor(
                  HubFixture::Local("zone/kitchen_window"),
                  [](const Message& m) { return m.Json().value("status", "") == "open"; }, 5s)
              .has_value());

  std::string output;
  const int started =
      Homesecctl(hub,
                 "watch start --return " + InDays(7) +
                     " --phone '+49 170 1234567' --notes 'car stays in the yard' --keyholder Nina"
                     " --keyholder-from " +
                     InDays(1) + " --keyholder-until " + InDays(3) + " --pin-stdin --json",
                 std::string(kPin) + "\n4711\n", output);
  INFO(output);
  CHECK(started == 0);
  const nlohmann::json reply = nlohmann::json::parse(output, nullptr, false);
  REQUIRE(reply.is_object());
  CHECK(reply["reason"] == "zones_open");
  CHECK(reply["open_zones"] == nlohmann::json::array({"kitchen_window"}));
  const std::string id = reply["watch_id"].get<std::string>();
  const auto blocked = WaitWatchState(hub, "blocked");
  REQUIRE(blocked.has_value());
  CHECK((*blocked)["open_zones"] == nlohmann::json::array({"kitchen_window"}));
  const auto blocked_event = hub.WaitUplinkEvent("watch_start_blocked");
  REQUIRE(blocked_event.has_value());
  CHECK((*blocked_event)["zone"] == "kitchen_window");

  // Closing the window arms at once.
  hub.Zigbee("kitchen_window", {{"contact", true}});
  CHECK(hub.WaitState("armed_vacation"));
  CHECK(WaitWatchState(hub, "active").has_value());

  // watch show reads the retained local registration.
  CHECK(Homesecctl(hub, "watch show --json", "", output) == 0);
  const nlohmann::json shown = nlohmann::json::parse(output, nullptr, false);
  REQUIRE(shown.is_object());
  CHECK(shown["watch_id"] == id);
  CHECK(shown["state"] == "active");
  CHECK(shown["notes"] == "car stays in the yard");
  CHECK(Homesecctl(hub, "watch show", "", output) == 0);
  CHECK(output.find("active") != std::string::npos);
  CHECK(output.find("Nina") != std::string::npos);

  // Extend, then cancel: the panel stays armed, the registration is cleared.
  const std::string later = InDays(9);
  CHECK(Homesecctl(hub, "watch extend --return " + later + " --pin-stdin", std::string(kPin) + "\n",
                   output) == 0);
  CHECK(hub.WaitUplinkEvent("watch_extended").has_value());
  CHECK(Homesecctl(hub, "watch cancel --pin-stdin", "0000\n", output) == 1);  // wrong PIN
  CHECK(Homesecctl(hub, "watch cancel --pin-stdin", std::string(kPin) + "\n", output) == 0);
  CHECK(hub.WaitUplinkEvent("watch_cancelled").has_value());
  CHECK(hub.platform
            ->WaitFor(
                HubFixture::Up("watch"), [](const Message& m) { return m.payload.empty(); }, 10s)
            .has_value());
  CHECK(hub.WaitState("armed_vacation"));
  CHECK(Homesecctl(hub, "watch show", "", output) == 0);
  CHECK(output == "no vacant-house watch\n");
}

TEST_CASE("watch: a restarted homesecd republishes the retained registration and stays armed") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  hub.Command({{"action", "WATCH_START"},
               {"code", kPin},
               {"request_id", "w"},
               {"watch", {{"expected_return", InDays(7)}, {"contact_phone", "110"}}}});
  REQUIRE(hub.WaitResult("w").has_value());
  REQUIRE(hub.WaitState("armed_vacation"));
  REQUIRE(WaitWatchState(hub, "active").has_value());

  hub.KillDaemon();
  // Clear the broker's retained copy while homesecd is down: only a retained republish by the
  // restarted homesecd can put one back.
  const std::string topic = HubFixture::Up("watch");
  const std::size_t before_clear = hub.platform->Received(topic).size();
  REQUIRE(hub.platform->Publish(topic, "", 1, /*retain=*/true));
  REQUIRE(hub.platform
              ->WaitFor(
                  topic, [](const Message& m) { return m.payload.empty(); }, 5s, before_clear)
              .has_value());
  const std::size_t before = hub.platform->Received(topic).size();
  REQUIRE(hub.StartDaemon());
  const auto again = hub.platform->WaitFor(
      topic, [](const Message& m) { return StateIn(m) == "active"; }, 10s, before);
  REQUIRE(again.has_value());
  // A platform client connecting now is handed the registration as a retained message.
  TestClient late("it-platform-late", hub.district.port());
  REQUIRE(late.Connect());
  REQUIRE(late.Subscribe(topic));
  const auto retained = late.WaitFor(
      topic, [](const Message& m) { return StateIn(m) == "active"; }, 5s);
  REQUIRE(retained.has_value());
  CHECK(retained->retained);
  CHECK(retained->Json()["watch_id"] == again->Json()["watch_id"]);
  CHECK(hub.WaitState("armed_vacation"));
}

}  // namespace homesec::testing

namespace homesec::testing {

TEST_CASE("homesecctl: status shows mode and zones, with homesecd stopped it says so (exit 3)") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  REQUIRE(hub.Arm());
  std::string output;
  CHECK(Homesecctl(hub, "status --json", "", output) == 0);
  const nlohmann::json status = nlohmann::json::parse(output, nullptr, false);
  INFO(output);
  REQUIRE(status.is_object());
  CHECK(status["state"] == "armed_away");
  CHECK(status["available"] == true);
  bool kitchen_window_closed = false;
  for (const auto& zone : status["zones"]) {
    if (zone["id"] == "kitchen_window") kitchen_window_closed = zone["status"] == "closed";
  }
  CHECK(kitchen_window_closed);

  REQUIRE(hub.StopDaemon());
  CHECK(Homesecctl(hub, "status", "", output) == 3);
  CHECK(output.find("homesecd is not online") != std::string::npos);
  CHECK(output.find("is it running?") != std::string::npos);
}

TEST_CASE(
    "platform commands: a patrol check-in redelivered with its request id is recorded once, "
    "also after a restart, and a stale one is ignored") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.local->Subscribe(HubFixture::Local("event")));
  auto check_in = [&hub](const std::string& id, const std::string& note,
                         const std::string& time = "") {
    nlohmann::json command{{"action", "patrol_check_in"}, {"note", note}, {"request_id", id}};
    if (!time.empty()) command["time"] = time;
    return hub.platform->Publish(HubFixture::Up("command"), command.dump(), 1);
  };
  auto is_check_in = [](const Message& m, const std::string& note) {
    return m.Json().value("type", "") == "patrol_check_in" &&
           m.Json().value("text", "").find(note) != std::string::npos;
  };
  auto recorded = [&](const std::string& note) {
    return hub.local
        ->WaitFor(
            HubFixture::Local("event"), [&](const Message& m) { return is_check_in(m, note); }, 5s)
        .has_value();
  };
  auto count = [&](const std::string& note) {
    int n = 0;
    for (const Message& m : hub.local->Received(HubFixture::Local("event"))) {
      if (is_check_in(m, note)) ++n;
    }
    return n;
  };
  const std::string an_hour_ago =
      FormatRfc3339(std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()) -
                    std::chrono::hours(1));

  REQUIRE(check_in("p-9", "back door checked"));
  REQUIRE(check_in("p-9", "back door checked"));  // the same command again
  REQUIRE(check_in("p-11", "stale visit", an_hour_ago));
  REQUIRE(check_in("p-10", "marker one"));
  REQUIRE(recorded("marker one"));
  CHECK(count("back door checked") == 1);
  CHECK(count("stale visit") == 0);

  REQUIRE(hub.StopDaemon());
  REQUIRE(hub.StartDaemon());
  REQUIRE(check_in("p-9", "back door checked"));
  REQUIRE(check_in("p-12", "marker two"));
  REQUIRE(recorded("marker two"));
  CHECK(count("back door checked") == 1);
}

}  // namespace homesec::testing
