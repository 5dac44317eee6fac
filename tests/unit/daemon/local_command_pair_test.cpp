// PAIR / PAIR_STOP on the local command topic: "seconds" (1..254, default 120) and "device"
// (the friendly name expected) only for PAIR, each misuse refused saying why.
#include <doctest/doctest.h>

#include "daemon/local_command.hpp"
#include "tools/homesecctl/args.hpp"
#include "tools/homesecctl/protocol.hpp"

namespace homesec {
namespace {

using namespace std::chrono_literals;

TEST_CASE("local command: PAIR carries the code, seconds and the device expected") {
  const LocalCommandParse parsed = ParseLocalCommand(
      R"({"action":"PAIR","code":"1234","seconds":90,"device":"hall door/1","request_id":"r1"})",
      false);
  REQUIRE(parsed.command);
  CHECK(parsed.command->action == CommandAction::kPair);
  CHECK(parsed.command->code == std::optional<std::string>("1234"));
  CHECK(parsed.command->pair_time == 90s);
  CHECK(parsed.command->pair_device == "hall door/1");
}

TEST_CASE("local command: PAIR without seconds opens for the default 120 s") {
  const LocalCommandParse parsed =
      ParseLocalCommand(R"({"action":"PAIR","code":"1234","request_id":"r2"})", false);
  REQUIRE(parsed.command);
  CHECK(parsed.command->pair_time == kDefaultPairTime);
  CHECK(parsed.command->pair_device.empty());
}

TEST_CASE("local command: PAIR seconds outside 1 to 254 or not whole are refused") {
  for (const char* seconds : {"0", "255", "-3", "12.5", "\"60\"", "true"}) {
    CAPTURE(seconds);
    const std::string payload = std::string(R"({"action":"PAIR","code":"1234","seconds":)") +
                                seconds + R"(,"request_id":"r3"})";
    const LocalCommandParse parsed = ParseLocalCommand(payload, false);
    CHECK_FALSE(parsed.command);
    REQUIRE(parsed.refusal);
    CHECK(parsed.refusal->reason == "invalid_request");
    CHECK(parsed.refusal->message.find("seconds") != std::string::npos);
  }
}

TEST_CASE("local command: seconds and device apply only to PAIR") {
  for (const char* payload :
       {R"({"action":"DISARM","code":"1234","seconds":60,"request_id":"r4"})",
        R"({"action":"PAIR_STOP","code":"1234","device":"x","request_id":"r5"})"}) {
    CAPTURE(payload);
    const LocalCommandParse parsed = ParseLocalCommand(payload, false);
    CHECK_FALSE(parsed.command);
    REQUIRE(parsed.refusal);
    CHECK(parsed.refusal->message.find("only to PAIR") != std::string::npos);
  }
}

TEST_CASE("local command: a PAIR device with wildcards or control characters is refused") {
  for (const char* device : {"\"a/#\"", "\"a+b\"", "\"\"", "\"bell\\u0007\"", "12"}) {
    CAPTURE(device);
    const std::string payload = std::string(R"({"action":"PAIR","code":"1234","device":)") +
                                device + R"(,"request_id":"r6"})";
    const LocalCommandParse parsed = ParseLocalCommand(payload, false);
    CHECK_FALSE(parsed.command);
    REQUIRE(parsed.refusal);
  }
}

TEST_CASE("local command: PAIR_STOP parses with its code") {
  const LocalCommandParse parsed =
      ParseLocalCommand(R"({"action":"PAIR_STOP","code":"1234","request_id":"r7"})", false);
  REQUIRE(parsed.command);
  CHECK(parsed.command->action == CommandAction::kPairStop);
}

TEST_CASE("homesecctl: pair takes --seconds and --device and builds the PAIR request") {
  const CtlParseResult parsed = ParseCtlArgs({"pair", "--seconds", "200", "--device", "hall"});
  REQUIRE(parsed.args);
  CHECK(parsed.args->command == CtlCommand::kPair);
  CHECK(parsed.args->pair_seconds == 200);
  const nlohmann::json request = MakePairRequest(*parsed.args, "1234", false, "id-1");
  CHECK(request == nlohmann::json{{"action", "PAIR"},
                                  {"seconds", 200},
                                  {"device", "hall"},
                                  {"code", "1234"},
                                  {"request_id", "id-1"}});
  CHECK(MakePairRequest(*parsed.args, "1234", true, "id-2") ==
        nlohmann::json{{"action", "PAIR_STOP"}, {"code", "1234"}, {"request_id", "id-2"}});
}

TEST_CASE("homesecctl: pair defaults to 120 s and refuses more than 254") {
  const CtlParseResult parsed = ParseCtlArgs({"pair"});
  REQUIRE(parsed.args);
  CHECK(parsed.args->pair_seconds == 120);
  CHECK_FALSE(ParseCtlArgs({"pair", "--seconds", "255"}).args);
  CHECK_FALSE(ParseCtlArgs({"pair", "--seconds", "0"}).args);
  CHECK_FALSE(ParseCtlArgs({"arm", "away", "--seconds", "10"}).args);
  CHECK_FALSE(ParseCtlArgs({"pair", "1234"}).args);  // never a PIN on the command line
}

}  // namespace
}  // namespace homesec
