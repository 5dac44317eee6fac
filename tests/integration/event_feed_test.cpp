// homesecctl events --follow, troubles with since and acknowledgement, and devices with their
// model, end to end: real mosquitto brokers, the real homesecd, the real homesecctl (the
// follower runs as its own process for the whole test, its output read from a file).
#include <doctest/doctest.h>

#include <signal.h>

#include <sstream>
#include <thread>

#include "tests/integration/hub_fixture.hpp"

#ifndef HOMESECCTL_PATH
#define HOMESECCTL_PATH HOMESEC_BINARY_DIR "/tools/homesecctl"
#endif

namespace homesec::testing {
namespace {

using nlohmann::json;

// A homesecctl that keeps running (events --follow), its stdout and stderr in a file.
struct Follower {
  Follower(HubFixture& hub, const std::string& name, const std::vector<std::string>& arguments)
      : log(hub.dir.File(name + ".out")) {
    std::vector<std::string> argv{HOMESECCTL_PATH, "--config", hub.dir.File("homesec.json")};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    started = process.Start(argv, log);
  }
  std::string Output() const { return ReadFile(log); }
  // The JSON lines printed so far.
  std::vector<json> Lines() const {
    std::vector<json> out;
    std::istringstream in(Output());
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) out.push_back(json::parse(line, nullptr, false));
    }
    return out;
  }
  bool WaitFor(const std::function<bool(const std::string&)>& done,
               std::chrono::milliseconds timeout = 10s) const {
    const auto until = Clock::now() + timeout;
    while (Clock::now() < until) {
      if (done(Output())) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
  bool Has(const std::string& text, std::chrono::milliseconds timeout = 10s) const {
    return WaitFor([&](const std::string& out) { return out.find(text) != std::string::npos; },
                   timeout);
  }
  std::string log;
  Process process;
  bool started = false;
};

bool IsEvent(const json& line) {
  return line.is_object() && line.contains("seq") && line.contains("category");
}

// Runs homesecctl until its output contains `want` (the daemon publishes asynchronously).
bool OutputSoon(HubFixture& hub, const std::string& arguments, const std::string& want,
                std::string& output, const std::string& stdin_text = "") {
  const auto until = Clock::now() + 5s;
  while (Clock::now() < until) {
    if (hub.Homesecctl(arguments, stdin_text, output) == 0 &&
        output.find(want) != std::string::npos) {
      return true;
    }
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

}  // namespace

TEST_CASE(
    "homesecctl events --follow: the history, then every new event once, in order, with "
    "the platform's dispatch under its alarm") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  REQUIRE(hub.Arm());
  REQUIRE(hub.WaitUplinkEvent("armed"));

  // Events keep coming while the follower starts: wrong codes, each a local wrong_code event
  // (four: the fifth would lock the source out).
  Follower all(hub, "follow-all", {"events", "--follow", "--json"});
  REQUIRE(all.started);
  for (int i = 0; i < 4; ++i) {
    hub.Command(
        {{"action", "DISARM"}, {"code", "0000"}, {"request_id", "wrong-" + std::to_string(i)}});
    std::this_thread::sleep_for(20ms);
  }
  Follower alarms(hub, "follow-alarms",
                  {"events", "--follow", "--json", "--type", "alarm", "--zone", "kitchen_window"});
  REQUIRE(alarms.started);
  REQUIRE(all.Has("\"system_start\""));  // the history is printed
  std::this_thread::sleep_for(500ms);    // both followers subscribed

  hub.Zigbee("kitchen_window", {{"contact", false}});
  const auto burglary = hub.WaitUplinkEvent("burglary");
  REQUIRE(burglary);
  const std::string id = (*burglary)["id"];
  REQUIRE(hub.platform->Publish(
      HubFixture::Up("ack"),
      json{{"id", id}, {"status", "dispatched"}, {"note", "patrol 7, ETA 6 min"}}.dump(), 1));
  REQUIRE(all.Has("patrol 7, ETA 6 min"));
  hub.Zigbee("kitchen_window", {{"contact", true}});
  hub.Command({{"action", "DISARM"}, {"code", kPin}, {"request_id", "disarm-1"}});
  REQUIRE(hub.WaitState("disarmed"));
  REQUIRE(all.Has("\"type\":\"disarmed\""));
  REQUIRE(alarms.Has("patrol 7, ETA 6 min"));

  all.process.Signal(SIGINT);
  alarms.process.Signal(SIGINT);
  CHECK(all.process.Wait(5s) == std::optional<int>(0));
  CHECK(alarms.process.Wait(5s) == std::optional<int>(0));

  // Every event once, no seq missing, from the first in the history to the disarm.
  const std::vector<json> lines = all.Lines();
  INFO(all.Output());
  std::vector<std::uint64_t> seqs;
  int wrong_codes = 0;
  for (const json& line : lines) {
    REQUIRE(line.is_object());
    if (!IsEvent(line)) continue;
    seqs.push_back(line["seq"]);
    if (line["type"] == "wrong_code") ++wrong_codes;
  }
  REQUIRE(seqs.size() >= 8);
  for (std::size_t i = 1; i < seqs.size(); ++i) CHECK(seqs[i] == seqs[i - 1] + 1);
  CHECK(wrong_codes == 4);
  // The live dispatch notice names the alarm's seq, and comes after it.
  std::size_t alarm_at = lines.size();
  std::size_t dispatch_at = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i]["type"] == "burglary") alarm_at = i;
    if (lines[i]["type"] == "dispatch") {
      dispatch_at = i;
      CHECK(lines[i]["status"] == "dispatched");
      CHECK(lines[i]["id"] == id);
    }
  }
  REQUIRE(alarm_at < lines.size());
  REQUIRE(dispatch_at < lines.size());
  CHECK(alarm_at < dispatch_at);
  CHECK(lines[dispatch_at]["seq"] == lines[alarm_at]["seq"]);

  // The filtered follower: only the kitchen window's alarms (the burglary, and the recent
  // closing it raised so soon after arming) and the burglary's dispatch.
  const std::vector<json> filtered = alarms.Lines();
  INFO(alarms.Output());
  int burglaries = 0;
  int dispatches = 0;
  for (const json& line : filtered) {
    REQUIRE(line.is_object());
    if (line["type"] == "dispatch") {
      ++dispatches;
      CHECK(burglaries == 1);  // after its alarm
      continue;
    }
    CHECK(line["category"] == "alarm");
    CHECK(line["zone"] == "kitchen_window");
    if (line["type"] == "burglary") ++burglaries;
  }
  CHECK(burglaries == 1);
  CHECK(dispatches == 1);

  // The history shows the dispatch with its alarm too, as JSON and as the table.
  std::string output;
  REQUIRE(hub.Homesecctl("events --json --type burglary", "", output) == 0);
  std::istringstream in(output);
  std::string first;
  REQUIRE(std::getline(in, first));
  const json stored = json::parse(first, nullptr, false);
  REQUIRE(stored.is_object());
  CHECK(stored["id"] == id);
  bool dispatched = false;
  for (const json& status : stored["dispatch"]) {
    dispatched =
        dispatched || (status["status"] == "dispatched" && status["note"] == "patrol 7, ETA 6 min");
  }
  CHECK(dispatched);
  REQUIRE(hub.Homesecctl("events --since 1h", "", output) == 0);
  INFO(output);
  const std::size_t row = output.find("burglary");
  REQUIRE(row != std::string::npos);
  CHECK(output.find("> dispatched", row) != std::string::npos);
  CHECK(output.find("wrong_code") != std::string::npos);
}

TEST_CASE("homesecctl events: a bad filter is refused with exit status 2 and says why") {
  HubFixture hub;
  std::string output;
  CHECK(hub.Homesecctl("events --type burglery", "", output) == 2);
  CHECK(output.find("did you mean 'burglary'") != std::string::npos);
  CHECK(hub.Homesecctl("events --since tomorrow", "", output) == 2);
  CHECK(output.find("--since") != std::string::npos);
}

TEST_CASE(
    "homesecctl troubles: since when, acknowledged with a PIN, and unacknowledged again "
    "when the trouble comes back") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  hub.Zigbee("front_door", {{"contact", true}, {"battery", 4}});
  std::string output;
  REQUIRE(OutputSoon(hub, "troubles", "battery_low:front_door", output));
  INFO(output);
  CHECK(output.find("ago)  NO") != std::string::npos);
  CHECK(output.find("homesecctl troubles --ack") != std::string::npos);

  CHECK(hub.Homesecctl("troubles --ack --pin-stdin", "0000\n", output) == 1);  // a wrong code
  CHECK(hub.Homesecctl("troubles --ack --pin-stdin", std::string(kPin) + "\n", output) == 0);
  CHECK(output.find("acknowledged: battery_low:front_door") != std::string::npos);
  REQUIRE(OutputSoon(hub, "troubles --json", "\"acknowledged\": true", output));
  const json troubles = json::parse(output, nullptr, false)["troubles"];
  REQUIRE(troubles.size() == 1);
  CHECK(troubles[0]["id"] == "battery_low:front_door");
  CHECK(troubles[0]["since"].is_string());
  // Home Assistant's view (<prefix>/hub) carries the same.
  const auto hub_docs = hub.local->Received(HubFixture::Local("hub"));
  REQUIRE(!hub_docs.empty());
  const json hub_troubles = hub_docs.back().Json()["troubles"];
  REQUIRE(hub_troubles.size() == 1);
  CHECK(hub_troubles[0]["acknowledged"] == true);
  CHECK(hub_troubles[0]["since"] == troubles[0]["since"]);
  // The acknowledgement is in the log.
  REQUIRE(OutputSoon(hub, "events --type trouble_ack", "trouble_ack", output));

  hub.Zigbee("front_door", {{"contact", true}, {"battery", 90}});
  REQUIRE(OutputSoon(hub, "troubles", "no active troubles", output));
  hub.Zigbee("front_door", {{"contact", true}, {"battery", 3}});
  REQUIRE(OutputSoon(hub, "troubles", "battery_low:front_door", output));
  CHECK(output.find("ago)  NO") != std::string::npos);
}

TEST_CASE(
    "homesecctl devices: each device's model from Zigbee2MQTT's definition, GPIO lines by "
    "chip and line, and devices no zone uses called out") {
  HubFixture hub;
  hub.config["devices"].push_back({{"id", "spare_contact"}, {"zigbee", "spare_contact"}});
  hub.WriteConfig();
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  const json definition{{"model", "MCCGQ11LM"},
                        {"vendor", "Aqara"},
                        {"description", "Door and window sensor"},
                        {"exposes", json::array({{{"type", "binary"},
                                                  {"name", "contact"},
                                                  {"property", "contact"},
                                                  {"access", 1},
                                                  {"value_on", false},
                                                  {"value_off", true}}})}};
  hub.local->Publish(
      "zigbee2mqtt/bridge/devices",
      json::array(
          {{{"friendly_name", "Coordinator"}, {"type", "Coordinator"}, {"definition", nullptr}},
           {{"friendly_name", "front_door"},
            {"ieee_address", "0x00158d0000000011"},
            {"type", "EndDevice"},
            {"supported", true},
            {"interview_completed", true},
            {"definition", definition}},
           {{"friendly_name", "spare_contact"},
            {"ieee_address", "0x00158d0000000012"},
            {"type", "EndDevice"},
            {"supported", true},
            {"interview_completed", true},
            {"definition", definition}}})
          .dump(),
      1, true);
  std::string output;
  REQUIRE(OutputSoon(hub, "devices", "Aqara MCCGQ11LM (Door and window sensor)", output));
  INFO(output);
  CHECK(output.find("GPIO line sim0/3") != std::string::npos);
  // Paired (in bridge/devices) and configured, but no zone uses it.
  std::istringstream in(output);
  bool spare_called_out = false;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("spare_contact")) {
      spare_called_out = line.find("Aqara MCCGQ11LM") != std::string::npos &&
                         line.find("NONE (bound to no zone)") != std::string::npos;
    }
  }
  CHECK(spare_called_out);
  REQUIRE(hub.Homesecctl("devices --json", "", output) == 0);
  const json devices = json::parse(output, nullptr, false)["devices"];
  REQUIRE(devices.is_array());
  for (const json& device : devices) {
    if (device["id"] == "front_door") {
      CHECK(device["vendor"] == "Aqara");
      CHECK(device["model"] == "MCCGQ11LM");
    }
    if (device["id"] == "bedroom_latch") CHECK(device["model"] == "GPIO line sim0/3");
  }
}

}  // namespace homesec::testing
