// The daemon half of issue 11 against the real homesecd and mosquitto: a duress disarm looks
// locally exactly like a normal one (every local topic and homesecctl, apart from times) while
// the platform gets the 121; wrong codes from the command topic do not lock out a keypad; a
// captured command is refused when replayed, also after a restart.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <array>
#include <regex>
#include <thread>

#include "rules/codes.hpp"
#include "store/store.hpp"
#include "tests/integration/hub_fixture.hpp"

#ifndef HOMESECCTL_PATH
#define HOMESECCTL_PATH HOMESEC_BINARY_DIR "/tools/homesecctl"
#endif

namespace homesec::testing {
namespace {

constexpr const char* kDuressPin = "9999";

bool AddDuressUser(HubFixture& hub) {
  return AddUser(hub.dir.File("homesec.db"), 9, "dora", Role::kDuress, kDuressPin);
}

void AddKeypad(HubFixture& hub) {
  hub.config["devices"].push_back({{"id", "hall_keypad"}, {"zigbee", "hall_keypad"}});
  hub.WriteConfig();
}

std::string Now() {
  return FormatRfc3339(std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()));
}

// Times differ between two runs, and so do the fixture's arming request ids (numbered across
// the whole test program); everything else must not.
std::string WithoutTimes(std::string text) {
  static const std::regex kTime(R"(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?Z)");
  static const std::regex kArmId(R"("arm-([a-z_]+)-\d+")");
  return std::regex_replace(std::regex_replace(text, kTime, "<time>"), kArmId, "\"arm-$1\"");
}

// Every message on the local topics, in arrival order, times blanked.
std::vector<std::string> LocalTranscript(HubFixture& hub) {
  std::vector<std::string> out;
  std::vector<std::string> topics{"state", "event", "command/result", "dispatch"};
  for (const char* zone : {"front_door", "kitchen_window", "hall_motion", "bedroom_window"}) {
    topics.push_back(std::string("zone/") + zone);
  }
  for (const std::string& topic : topics) {
    for (const Message& m : hub.local->Received(HubFixture::Local(topic))) {
      out.push_back(topic + " " + WithoutTimes(m.payload));
    }
  }
  return out;
}

std::string HomesecctlEvents(HubFixture& hub) {
  const std::string out_file = hub.dir.File("events.out");
  const std::string command = std::string(HOMESECCTL_PATH) + " --config " +
                              hub.dir.File("homesec.json") + " events --last 100 > " + out_file +
                              " 2>&1";
  const int status = std::system(command.c_str());
  CHECK(WIFEXITED(status));
  return WithoutTimes(ReadFile(out_file));
}

// Arm, disarm with `pin`, a door opens and closes, arm again: what the house sees locally.
struct Run {
  std::vector<std::string> transcript;
  std::string events;
};

Run DisarmScenario(HubFixture& hub, const std::string& pin) {
  REQUIRE(AddDuressUser(hub));
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  REQUIRE(hub.Arm());
  hub.Command({{"action", "DISARM"}, {"code", pin}, {"request_id", "d-1"}, {"time", Now()}});
  const auto result = hub.WaitResult("d-1");
  REQUIRE(result.has_value());
  CHECK((*result)["accepted"] == true);
  REQUIRE(hub.WaitState("disarmed"));
  hub.Zigbee("front_door", {{"contact", false}});
  hub.Zigbee("front_door", {{"contact", true}});
  REQUIRE(hub.local->WaitCount(HubFixture::Local("zone/front_door"), 3, 5s));
  REQUIRE(hub.Arm());
  std::this_thread::sleep_for(300ms);  // the last events of the arming
  return Run{LocalTranscript(hub), HomesecctlEvents(hub)};
}

TEST_CASE("security: locally a duress disarm is byte for byte the master's normal disarm") {
  HubFixture normal_hub;
  const Run normal = DisarmScenario(normal_hub, kPin);
  HubFixture duress_hub;
  const Run duress = DisarmScenario(duress_hub, kDuressPin);

  // The platform learnt of it, at once.
  const auto alarm = duress_hub.WaitUplinkEvent("duress", 5s);
  REQUIRE(alarm.has_value());
  CHECK((*alarm)["contact_id"]["code"] == 121);
  CHECK((*alarm)["contact_id"]["number"] == 9);
  CHECK((*alarm)["priority"] == "critical");
  CHECK_FALSE(normal_hub.WaitUplinkEvent("duress", 500ms).has_value());
  // A patrol sent for it is not announced locally either.
  duress_hub.platform->Publish(
      HubFixture::Up("ack"),
      nlohmann::json{{"id", (*alarm)["id"]}, {"status", "dispatched"}, {"note", "patrol 7"}}
          .dump());
  std::this_thread::sleep_for(500ms);
  CHECK(duress_hub.local->Received(HubFixture::Local("dispatch")).empty());

  CHECK(duress.transcript == normal.transcript);
  CHECK(duress.events == normal.events);
  const std::string all = [&] {
    std::string text = duress.events;
    for (const std::string& line : duress.transcript) text += line + "\n";
    return text;
  }();
  INFO(all);
  CHECK(all.find("disarmed by alice") != std::string::npos);
  CHECK(all.find("dora") == std::string::npos);
  CHECK(all.find("duress") == std::string::npos);
  // The local numbering has no gap: each event's seq follows on from the one before.
  // (The system start event went out before the test client subscribed.)
  std::vector<std::uint64_t> seqs;
  for (const Message& m : duress_hub.local->Received(HubFixture::Local("event"))) {
    const nlohmann::json event = m.Json();
    if (event.contains("seq")) seqs.push_back(event["seq"].get<std::uint64_t>());
  }
  REQUIRE(seqs.size() >= 3);
  for (std::size_t i = 1; i < seqs.size(); ++i) CHECK(seqs[i] == seqs[i - 1] + 1);
}

TEST_CASE("security: 50 wrong codes on the command topic do not lock out the keypad's code") {
  HubFixture hub;
  AddKeypad(hub);
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  REQUIRE(hub.Arm());
  for (int i = 0; i < 50; ++i) {
    hub.Command({{"action", "DISARM"},
                 {"code", "0000"},
                 {"request_id", "guess-" + std::to_string(i)},
                 {"time", Now()}});
  }
  const auto last = hub.WaitResult("guess-49", 20s);
  REQUIRE(last.has_value());
  CHECK((*last)["reason"] == "locked_out");
  // The lockout was reported to the platform (461), naming the source.
  const auto lockout = hub.WaitUplinkEvent("code_lockout");
  REQUIRE(lockout.has_value());
  CHECK((*lockout)["contact_id"]["code"] == 461);
  // The command topic's right code is locked out; the keypad's is not.
  hub.Command({{"action", "DISARM"}, {"code", kPin}, {"request_id", "right-mqtt"}});
  const auto refused = hub.WaitResult("right-mqtt");
  REQUIRE(refused.has_value());
  CHECK((*refused)["reason"] == "locked_out");
  hub.Zigbee("hall_keypad",
             {{"action", "disarm"}, {"action_code", kPin}, {"action_transaction", 7}});
  CHECK(hub.WaitState("disarmed"));
}

TEST_CASE("security: a captured command replayed later is refused, also after a restart") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  REQUIRE(hub.Arm());
  const std::string captured = nlohmann::json{
      {"action", "DISARM"},
      {"code", kPin},
      {"request_id", "homesecctl-captured"},
      {"time", Now()}}.dump();
  hub.local->Publish(HubFixture::Local("command"), captured, 1, false);
  REQUIRE(hub.WaitState("disarmed"));
  REQUIRE(hub.Arm());

  const auto replies_before = hub.local->Received(HubFixture::Local("command/result")).size();
  hub.local->Publish(HubFixture::Local("command"), captured, 1, false);
  const auto replayed = hub.local->WaitFor(
      HubFixture::Local("command/result"), [](const Message&) { return true; }, 5s, replies_before);
  REQUIRE(replayed.has_value());
  CHECK(replayed->Json()["accepted"] == false);
  CHECK(replayed->Json()["reason"] == "invalid_request");
  CHECK(replayed->Json()["message"].get<std::string>().find("used before") != std::string::npos);
  std::this_thread::sleep_for(300ms);
  CHECK(hub.local->Received(HubFixture::Local("state")).back().payload == "armed_away");

  REQUIRE(hub.StopDaemon());
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.WaitState("armed_away"));
  const auto after_restart = hub.local->Received(HubFixture::Local("command/result")).size();
  hub.local->Publish(HubFixture::Local("command"), captured, 1, false);
  const auto again = hub.local->WaitFor(
      HubFixture::Local("command/result"), [](const Message&) { return true; }, 5s, after_restart);
  REQUIRE(again.has_value());
  CHECK(again->Json()["reason"] == "invalid_request");

  // A fresh id with a stale time is refused too: the window bounds any id that was forgotten.
  hub.Command({{"action", "DISARM"},
               {"code", kPin},
               {"request_id", "stale"},
               {"time", "2026-01-01T00:00:00Z"}});
  const auto stale = hub.WaitResult("stale");
  REQUIRE(stale.has_value());
  CHECK((*stale)["reason"] == "invalid_request");
  CHECK((*stale)["message"].get<std::string>().find("older than") != std::string::npos);
  std::this_thread::sleep_for(300ms);
  CHECK(hub.local->Received(HubFixture::Local("state")).back().payload == "armed_away");
}

}  // namespace
}  // namespace homesec::testing
