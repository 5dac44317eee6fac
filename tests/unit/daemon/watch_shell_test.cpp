// The vacant-house watch in the shell: the config section, the local WATCH_* commands, the
// platform's watch ack and patrol check-in (homesecctl watch:
// tests/unit/homesecctl/watch_test.cpp).
#include <doctest/doctest.h>

#include "daemon/config.hpp"
#include "daemon/local_command.hpp"
#include "daemon/uplink.hpp"
#include "tests/unit/daemon/config_test_support.hpp"
#include "tests/utc_support.hpp"

namespace homesec {
namespace {

using test::MinimalConfig;
using test::RequireError;

TEST_CASE("config watch: report time, POSIX time zone and arm retry are read") {
  nlohmann::json json = MinimalConfig();
  json["watch"] = {
      {"report_time", "19:30"}, {"time_zone", "CET-1CEST,M3.5.0,M10.5.0/3"}, {"arm_retry_s", 120}};
  const ConfigResult result = ParseConfig(json);
  REQUIRE_MESSAGE(result.config.has_value(), test::AllErrors(result));
  const WatchConfig& watch = result.config->panel.watch;
  CHECK(watch.report_hour == 19);
  CHECK(watch.report_minute == 30);
  CHECK(watch.time_zone.std_offset_s == 3600);
  CHECK(watch.time_zone.dst.has_value());
  CHECK(watch.arm_retry == Seconds{120});
}

TEST_CASE("config watch: defaults are 20:00 UTC with a 60 s retry") {
  const ConfigResult result = ParseConfig(MinimalConfig());
  REQUIRE(result.config.has_value());
  CHECK(result.config->panel.watch.report_hour == 20);
  CHECK(result.config->panel.watch.report_minute == 0);
  CHECK(result.config->panel.watch.time_zone == UtcRule());
  CHECK(result.config->panel.watch.arm_retry == Seconds{60});
}

TEST_CASE("config watch: every mistake is reported at its path with a hint") {
  nlohmann::json json = MinimalConfig();
  json["watch"] = {{"report_time", "8pm"},
                   {"time_zone", "Europe/Berlin"},
                   {"arm_retry_s", 1},
                   {"report_tme", "20:00"}};
  const ConfigResult result = ParseConfig(json);
  RequireError(result, "watch.report_time", "'8pm' is not a time of day", "HH:MM");
  RequireError(result, "watch.time_zone", "is not a POSIX TZ rule", "CST-8");
  RequireError(result, "watch.arm_retry_s", "");
  RequireError(result, "watch.report_tme", "", "report_time");
}

TEST_CASE("local command: WATCH_START carries the watch details and the keyholder") {
  const LocalCommandParse parsed = ParseLocalCommand(
      R"({"action":"WATCH_START","code":"1234","request_id":"w1","watch":{
            "departure":"now","expected_return":"2026-10-28T18:00:00+01:00",
            "contact_phone":"+49 170 1234567","notes":"lights on a timer",
            "keyholder":{"name":"Nina","pin":"4711","valid_from":"2026-10-23T00:00:00Z",
                         "valid_until":"2026-10-26T00:00:00Z","hours":"08:00-20:00"},
            "rearm_after_keyholder_s":600}})",
      false);
  REQUIRE_MESSAGE(parsed.command.has_value(),
                  (parsed.refusal ? parsed.refusal->message : "neither command nor refusal"));
  const Command& command = *parsed.command;
  CHECK(command.action == CommandAction::kWatchStart);
  CHECK(command.code == std::optional<std::string>("1234"));
  REQUIRE(command.watch.has_value());
  CHECK_FALSE(command.watch->departure.has_value());  // now
  CHECK(command.watch->expected_return == Utc("2026-10-28T17:00:00Z"));
  CHECK(command.watch->contact_phone == "+49 170 1234567");
  REQUIRE(command.watch->keyholder.has_value());
  CHECK(command.watch->keyholder->pin == "4711");
  CHECK(command.watch->keyholder->hours == "08:00-20:00");
  CHECK(command.watch->rearm_after_keyholder == Seconds{600});
}

TEST_CASE("local command: a malformed watch is refused naming the field") {
  auto refusal = [](const std::string& payload) {
    const LocalCommandParse parsed = ParseLocalCommand(payload, false);
    REQUIRE(parsed.refusal.has_value());
    CHECK(parsed.refusal->reason == "invalid_request");
    return parsed.refusal->message;
  };
  CHECK(refusal(R"({"action":"WATCH_START","code":"1","watch":{"expected_return":"tomorrow"}})")
            .find("watch.expected_return") != std::string::npos);
  CHECK(refusal(R"({"action":"WATCH_START","code":"1","watch":{"expected_retrun":"x"}})")
            .find("unknown field watch.expected_retrun") != std::string::npos);
  CHECK(refusal(R"({"action":"WATCH_START","code":"1","watch":{"keyholder":{"name":"N"}}})")
            .find("watch.keyholder.valid_from is required") != std::string::npos);
  CHECK(refusal(R"({"action":"DISARM","code":"1","watch":{}})").find("WATCH_START") !=
        std::string::npos);
  CHECK(refusal(R"({"action":"PATROL_CHECK_IN"})").find("platform") != std::string::npos);
}

TEST_CASE("local command: the result names the watch when there is one") {
  CommandResult result;
  result.action = CommandAction::kWatchStart;
  result.accepted = true;
  CHECK_FALSE(CommandResultToJson(result).contains("watch_id"));
  result.watch_id = "watch-1792000000";
  CHECK(CommandResultToJson(result)["watch_id"] == "watch-1792000000");
  CHECK(CommandResultToJson(result)["action"] == "WATCH_START");
}

TEST_CASE("platform watch ack: {watch_id, status} is a watch ack, event acks are not") {
  std::string error;
  const auto ack = ParseWatchAck(R"({"watch_id":"w-1","status":"registered"})", &error);
  REQUIRE(ack.has_value());
  CHECK(ack->watch_id == "w-1");
  CHECK(ack->status == "registered");
  CHECK_FALSE(ParseWatchAck(R"({"id":"hub-1:4","status":"received"})", &error));
  CHECK(error.empty());
  CHECK_FALSE(ParseWatchAck(R"({"watch_id":"w-1","status":"Registered!"})", &error));
  CHECK(error.find("status") != std::string::npos);
}

TEST_CASE("platform command: a patrol check-in becomes a platform command with officer and note") {
  std::string error;
  const auto command = ParsePatrolCheckIn(
      nlohmann::json::parse(R"({"action":"patrol_check_in","officer":"patrol 7",)"
                            R"("note":"all quiet","request_id":"p-1"})"),
      &error);
  REQUIRE(command.has_value());
  CHECK(command->action == CommandAction::kPatrolCheckIn);
  CHECK(command->source == "platform");
  CHECK(command->officer == "patrol 7");
  CHECK(command->note == "all quiet");
  CHECK_FALSE(ParsePatrolCheckIn(nlohmann::json::parse(R"({"note":5})"), &error));
}

}  // namespace
}  // namespace homesec
