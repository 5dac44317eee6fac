// The shell's side of the walk test and the alarm memory: WALK_TEST / WALK_TEST_STOP /
// MEMORY_CLEAR on the local command topic ("zones", "seconds", each misuse refused saying why),
// homesecctl walk-test's arguments, its live lines and final report, and the alarm memory in the
// disarm result as homesecctl reads and prints it.
#include <doctest/doctest.h>

#include "daemon/local_command.hpp"
#include "tools/homesecctl/args.hpp"
#include "tools/homesecctl/format.hpp"
#include "tools/homesecctl/protocol.hpp"

namespace homesec {
namespace {

using namespace std::chrono_literals;

TEST_CASE("local command: WALK_TEST carries the zones and seconds, 15 min by default") {
  LocalCommandParse parsed = ParseLocalCommand(
      R"({"action":"WALK_TEST","code":"1234","zones":["front_door","kitchen_window"],)"
      R"("seconds":600,"request_id":"w1"})",
      false);
  REQUIRE(parsed.command);
  CHECK(parsed.command->action == CommandAction::kWalkTest);
  CHECK(parsed.command->walk_zones == std::vector<std::string>{"front_door", "kitchen_window"});
  CHECK(parsed.command->walk_time == 600s);
  parsed = ParseLocalCommand(R"({"action":"WALK_TEST","code":"1234","request_id":"w2"})", false);
  REQUIRE(parsed.command);
  CHECK(parsed.command->walk_zones.empty());
  CHECK(parsed.command->walk_time == kDefaultWalkTestTime);
  parsed = ParseLocalCommand("walk_test", false);
  REQUIRE(parsed.command);
  CHECK(parsed.command->walk_time == kDefaultWalkTestTime);
  parsed = ParseLocalCommand(R"({"action":"MEMORY_CLEAR","code":"1234","request_id":"m1"})", false);
  REQUIRE(parsed.command);
  CHECK(parsed.command->action == CommandAction::kMemoryClear);
}

TEST_CASE("local command: WALK_TEST zones and seconds that are not what they must be are refused") {
  for (const char* payload : {
           R"({"action":"WALK_TEST","code":"1","zones":"front_door","request_id":"w3"})",
           R"({"action":"WALK_TEST","code":"1","zones":["a b"],"request_id":"w4"})",
           R"({"action":"WALK_TEST","code":"1","zones":[3],"request_id":"w5"})",
           R"({"action":"WALK_TEST","code":"1","seconds":0,"request_id":"w6"})",
           R"({"action":"WALK_TEST","code":"1","seconds":14401,"request_id":"w7"})",
           R"({"action":"WALK_TEST","code":"1","seconds":"60","request_id":"w8"})",
           R"({"action":"ARM_AWAY","code":"1","zones":["a"],"request_id":"w9"})",
           R"({"action":"WALK_TEST_STOP","code":"1","seconds":60,"request_id":"w10"})",
       }) {
    CAPTURE(payload);
    const LocalCommandParse parsed = ParseLocalCommand(payload, false);
    CHECK_FALSE(parsed.command);
    REQUIRE(parsed.refusal);
    CHECK(parsed.refusal->reason == "invalid_request");
  }
  std::string many = R"({"action":"WALK_TEST","code":"1","request_id":"w11","zones":[)";
  for (std::size_t i = 0; i <= kMaxWalkTestZones; ++i)
    many += (i ? ",\"z" : "\"z") + std::to_string(i) + "\"";
  many += "]}";
  CHECK(ParseLocalCommand(many, false).refusal);
}

TEST_CASE("homesecctl args: walk-test takes --zones, --minutes or --seconds, or --stop") {
  CtlParseResult parsed =
      ParseCtlArgs({"walk-test", "--zones", "front_door,kitchen_window", "--minutes", "20"});
  REQUIRE(parsed.args);
  CHECK(parsed.args->command == CtlCommand::kWalkTest);
  CHECK(parsed.args->walk_zones == std::vector<std::string>{"front_door", "kitchen_window"});
  CHECK(parsed.args->walk_seconds == 1200);
  parsed = ParseCtlArgs({"walk-test"});
  REQUIRE(parsed.args);
  CHECK(parsed.args->walk_seconds == 900);
  CHECK(parsed.args->walk_zones.empty());
  parsed = ParseCtlArgs({"walk-test", "--seconds", "5"});
  REQUIRE(parsed.args);
  CHECK(parsed.args->walk_seconds == 5);
  const nlohmann::json request = MakeWalkTestRequest(*parsed.args, "1234", false, "r1");
  CHECK(request["action"] == "WALK_TEST");
  CHECK(request["seconds"] == 5);
  CHECK_FALSE(request.contains("zones"));
  parsed = ParseCtlArgs({"walk-test", "--stop"});
  REQUIRE(parsed.args);
  CHECK(parsed.args->walk_stop);
  CHECK(MakeWalkTestRequest(*parsed.args, "1234", true, "r2")["action"] == "WALK_TEST_STOP");
  parsed = ParseCtlArgs({"memory", "--clear"});
  REQUIRE(parsed.args);
  CHECK(parsed.args->command == CtlCommand::kMemory);
  CHECK(parsed.args->memory_clear);
}

TEST_CASE("homesecctl args: walk-test misuse is one line saying what is wrong") {
  for (const std::vector<std::string>& words :
       std::vector<std::vector<std::string>>{{"walk-test", "--minutes", "0"},
                                             {"walk-test", "--minutes", "241"},
                                             {"walk-test", "--minutes", "5", "--seconds", "5"},
                                             {"walk-test", "--zones", "front_door,,hall"},
                                             {"walk-test", "--zones", "front door"},
                                             {"walk-test", "--stop", "--minutes", "5"},
                                             {"walk-test", "extra"},
                                             {"pair", "--zones", "a"},
                                             {"disarm", "--clear"}}) {
    const CtlParseResult parsed = ParseCtlArgs(words);
    CHECK_FALSE(parsed.args);
    CHECK_FALSE(parsed.error.empty());
  }
}

TEST_CASE("homesecctl walk-test: live lines and a report of zones never seen or seen one way") {
  const nlohmann::json zones = nlohmann::json::array(
      {{{"zone", "front_door"}, {"opened", true}, {"closed", true}, {"tamper", false}},
       {{"zone", "kitchen_window"}, {"opened", true}, {"closed", false}, {"tamper", true}},
       {{"zone", "hall_motion"}, {"opened", false}, {"closed", false}, {"tamper", false}}});
  const nlohmann::json seen{{"type", "seen"},
                            {"zone", "front_door"},
                            {"direction", "closed"},
                            {"zones", zones},
                            {"ends", "2026-12-02T13:35:02.000Z"}};
  CHECK(FormatWalkTestMessage(seen) == "front_door  closed  (seen both ways)\n");
  const nlohmann::json started{
      {"type", "started"}, {"zones", zones}, {"ends", "2026-12-02T13:35:02.000Z"}};
  CHECK(FormatWalkTestMessage(started).find(
            "walk test running until 13:35:02Z on 3 zones: front_door, kitchen_window, "
            "hall_motion") == 0);
  const nlohmann::json ended{{"type", "ended"}, {"reason", "timeout"}, {"zones", zones}};
  CHECK(FormatWalkTestMessage(ended) ==
        "walk test ended: its time ran out\n"
        "1 of 3 zones seen both ways\n"
        "never seen: hall_motion\n"
        "seen one way only: kitchen_window (opened, never closed)\n"
        "tamper seen: kitchen_window\n"
        "FAIL\n");
  CHECK_FALSE(WalkTestPassed(ended));
  nlohmann::json passed = ended;
  passed["zones"] = nlohmann::json::array({zones[0]});
  CHECK(WalkTestPassed(passed));
  CHECK(FormatWalkTestMessage(passed).ends_with("PASS\n"));
  // Anything else on the topic prints nothing and passes nothing.
  CHECK(FormatWalkTestMessage(nlohmann::json{{"type", "other"}}).empty());
  CHECK_FALSE(WalkTestPassed(nlohmann::json::array()));
}

TEST_CASE("alarm memory: the disarm result carries it and homesecctl prints it") {
  CommandResult result;
  result.request_id = "r1";
  result.action = CommandAction::kDisarm;
  result.accepted = true;
  result.message = "disarmed";
  AlarmMemoryEntry entry;
  entry.zone = "kitchen_window";
  entry.type = "burglary";
  entry.code = 131;
  entry.time = *ParseRfc3339("2026-12-02T13:03:04Z");
  entry.restored = *ParseRfc3339("2026-12-02T13:03:09Z");
  result.alarm_memory = {entry};
  const std::string payload = CommandResultToJson(result).dump();
  const auto reply = ParseCommandReply(payload, "r1");
  REQUIRE(reply);
  REQUIRE(reply->alarm_memory.size() == 1);
  CHECK(reply->alarm_memory[0].zone == "kitchen_window");
  CHECK(reply->alarm_memory[0].time == entry.time);
  CHECK(reply->alarm_memory[0].restored == entry.restored);
  CHECK(FormatCommandResult(*reply) ==
        "accepted: disarmed\n"
        "alarm memory: while armed, 1 zone alarmed:\n"
        "  kitchen_window  burglary  2026-12-02 13:03:04Z  restored 2026-12-02 13:03:09Z\n");
  // Without a memory the result has no such key.
  result.alarm_memory.clear();
  CHECK_FALSE(CommandResultToJson(result).contains("alarm_memory"));
}

}  // namespace
}  // namespace homesec
