// The input journal end to end: the real homesecd records what its panel saw, the real
// homesecctl replays it (explain, dry-run) from the database, after a restart and after kill -9.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <thread>

#include "tests/integration/hub_fixture.hpp"

#ifndef HOMESECCTL_PATH
#define HOMESECCTL_PATH HOMESEC_BINARY_DIR "/tools/homesecctl"
#endif

namespace homesec::testing {
namespace {

using nlohmann::json;

// The SEQ `homesecctl events` shows for the newest event of `type`; 0 when there is none.
std::uint64_t ShownSeq(HubFixture& hub, const std::string& type) {
  std::string output;
  if (hub.Homesecctl("events --json --last 200", "", output) != 0) return 0;
  // One JSON object per line.
  std::istringstream lines(output);
  std::uint64_t seq = 0;
  for (std::string line; std::getline(lines, line);) {
    const json event = json::parse(line, nullptr, false);
    if (!event.is_object()) return 0;
    if (event.value("type", "") == type) seq = event.value("seq", std::uint64_t{0});
  }
  return seq;
}

// Armed away, the front door opened through Zigbee2MQTT, the 2 s entry delay ran out: the
// burglary reached the platform. Disarmed right after.
void TripFrontDoor(HubFixture& hub) {
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  REQUIRE(hub.Arm());
  hub.Zigbee("front_door", {{"contact", false}});
  REQUIRE(hub.WaitUplinkEvent("burglary", 10s));
}

}  // namespace

TEST_CASE("explain: an alarm's chain is printed from the journal after a restart") {
  HubFixture hub;
  TripFrontDoor(hub);
  REQUIRE(hub.StopDaemon());
  REQUIRE(hub.StartDaemon());
  const std::uint64_t seq = ShownSeq(hub, "burglary");
  REQUIRE(seq > 0);
  std::string output;
  CHECK(hub.Homesecctl("explain " + std::to_string(seq), "", output) == 0);
  INFO(output);
  CHECK(output.find("reproduced exactly") != std::string::npos);
  CHECK(output.find("burglary  zone front_door") != std::string::npos);
  CHECK(output.find("mode:    pending") != std::string::npos);
  CHECK(output.find("armed:   armed_away by alice") != std::string::npos);
  CHECK(output.find("reading: zone front_door, device front_door contact=open") !=
        std::string::npos);
  CHECK(output.find("entry delay 2 s") != std::string::npos);
  CHECK(output.find("could have disarmed: alice (master)") != std::string::npos);

  CHECK(hub.Homesecctl("explain " + std::to_string(seq) + " --json", "", output) == 0);
  const json explained = json::parse(output, nullptr, false);
  REQUIRE(explained.is_object());
  CHECK(explained["reproduced"] == true);
  CHECK(explained["readings"][0]["zone"] == "front_door");
  CHECK(explained["delays"].back()["kind"] == "entry");
  CHECK(explained["delays"].back()["seconds"] == 2);

  CHECK(hub.Homesecctl("explain 99999", "", output) == 2);
  CHECK(output.find("no event 99999") != std::string::npos);
  CHECK(hub.Homesecctl("explain front", "", output) == 2);
  CHECK(output.find("expected an event's SEQ") != std::string::npos);
}

TEST_CASE("dry-run: an instant zone, a bypass and a longer entry delay show what would differ") {
  HubFixture hub;
  TripFrontDoor(hub);
  hub.Command({{"action", "DISARM"}, {"code", kPin}, {"request_id", "d1"}});
  REQUIRE(hub.WaitState("disarmed"));
  REQUIRE(hub.StopDaemon());
  std::string output;

  // The config it ran with: nothing differs.
  CHECK(hub.Homesecctl("dry-run", "", output) == 0);
  CHECK(output.find("no difference") != std::string::npos);
  INFO(output);

  const auto try_config = [&](const std::function<void(json&)>& change) {
    json candidate = hub.config;
    change(candidate);
    WriteFile(hub.dir.File("candidate.json"), candidate.dump(2));
    const std::string command = std::string(HOMESECCTL_PATH) + " --config " +
                                hub.dir.File("candidate.json") + " dry-run > " +
                                hub.dir.File("dry.out") + " 2>&1";
    const int status = std::system(command.c_str());
    output = ReadFile(hub.dir.File("dry.out"));
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  SUBCASE("front door an instant zone: no entry delay") {
    CHECK(try_config([](json& c) { c["zones"][0]["type"] = "perimeter"; }) == 0);
    CHECK(output.find("entry delay 2 s would not have run (front_door)") != std::string::npos);
    CHECK(output.find("zone front_door type entry_exit -> perimeter") != std::string::npos);
  }
  SUBCASE("front door bypassed in away: no alarm") {
    CHECK(try_config([](json& c) { c["zones"][0]["bypass_in"] = json::array({"armed_away"}); }) ==
          0);
    CHECK(output.find("burglary in front_door would not have been raised") != std::string::npos);
    // The burglary and recent_closing (an alarm right after the arming) are both gone.
    CHECK(output.find("alarms: 2 with the recorded config, 0 with the new one") !=
          std::string::npos);
  }
  SUBCASE("a 20 s entry delay: disarmed in time, no alarm") {
    CHECK(try_config([](json& c) { c["modes"]["armed_away"]["entry_delay_s"] = 20; }) == 0);
    CHECK(output.find("entry delay 2 s would have been entry delay 20 s") != std::string::npos);
    CHECK(output.find("burglary in front_door would not have been raised") != std::string::npos);
  }
  SUBCASE("an invalid config is refused like --check-config refuses it") {
    CHECK(try_config([](json& c) { c["zones"][0]["type"] = "moat"; }) == 2);
    CHECK(output.find("zones[0].type") != std::string::npos);
  }
}

TEST_CASE("journal: after kill -9 the journal agrees with the events it kept") {
  HubFixture hub;
  TripFrontDoor(hub);
  hub.KillDaemon();
  REQUIRE(hub.StartDaemon());
  hub.Command({{"action", "DISARM"}, {"code", kPin}, {"request_id", "d2"}});
  REQUIRE(hub.WaitState("disarmed"));
  // Every event the log kept replays from the journal: the burglary before the kill, the
  // restart's system start and the disarm after it.
  for (const char* type : {"burglary", "system_start", "disarmed"}) {
    CAPTURE(type);
    const std::uint64_t seq = ShownSeq(hub, type);
    REQUIRE(seq > 0);
    std::string output;
    CHECK(hub.Homesecctl("explain " + std::to_string(seq), "", output) == 0);
    CHECK_MESSAGE(output.find("reproduced exactly") != std::string::npos, output);
  }
}

}  // namespace homesec::testing
