// Local commands: Home Assistant's plain payloads, JSON with code/force/request_id, and refusals
// that say why.
#include <doctest/doctest.h>

#include "daemon/local_command.hpp"

namespace homesec {

TEST_CASE("local command: Home Assistant's plain ARM_AWAY is an arm-away command without a code") {
  const LocalCommandParse parsed = ParseLocalCommand("ARM_AWAY", false);
  REQUIRE(parsed.command.has_value());
  CHECK(parsed.command->action == CommandAction::kArmAway);
  CHECK_FALSE(parsed.command->code.has_value());
  CHECK(parsed.command->source == "mqtt");
}

TEST_CASE("local command: JSON carries the code, force and request id") {
  const LocalCommandParse parsed = ParseLocalCommand(
      R"({"action":"ARM_HOME","code":"0123","force":true,"request_id":"r-7"})", false);
  REQUIRE(parsed.command.has_value());
  CHECK(parsed.command->action == CommandAction::kArmHome);
  CHECK(parsed.command->code == std::optional<std::string>("0123"));
  CHECK(parsed.command->force);
  CHECK(parsed.command->request_id == "r-7");
}

TEST_CASE("local command: Home Assistant's empty code template means no code") {
  const LocalCommandParse parsed = ParseLocalCommand(R"({"action":"DISARM","code":""})", false);
  REQUIRE(parsed.command.has_value());
  CHECK_FALSE(parsed.command->code.has_value());
}

TEST_CASE("local command: a retained command is refused as invalid_request naming retain") {
  const LocalCommandParse parsed = ParseLocalCommand("DISARM", true);
  REQUIRE(parsed.refusal.has_value());
  CHECK_FALSE(parsed.command.has_value());
  CHECK(parsed.refusal->reason == "invalid_request");
  CHECK(parsed.refusal->message.find("retained") != std::string::npos);
}

TEST_CASE("local command: broken JSON is refused saying it is not valid JSON") {
  const LocalCommandParse parsed = ParseLocalCommand(R"({"action": )", false);
  REQUIRE(parsed.refusal.has_value());
  CHECK(parsed.refusal->message.find("JSON") != std::string::npos);
}

TEST_CASE("local command: a numeric code is refused because leading zeros would be lost") {
  const LocalCommandParse parsed =
      ParseLocalCommand(R"({"action":"DISARM","code":123,"request_id":"n"})", false);
  REQUIRE(parsed.refusal.has_value());
  CHECK(parsed.refusal->request_id == "n");
  CHECK(parsed.refusal->message.find("code") != std::string::npos);
}

TEST_CASE("local command: an unknown action is refused naming it") {
  const LocalCommandParse parsed = ParseLocalCommand("ARM_CUSTOM_BYPASS", false);
  REQUIRE(parsed.refusal.has_value());
  CHECK(parsed.refusal->message.find("ARM_CUSTOM_BYPASS") != std::string::npos);
}

namespace {

// A valid JSON DISARM padded with spaces inside the object to exactly `size` bytes.
std::string PaddedDisarm(std::size_t size) {
  const std::string head = R"({"action":"DISARM","code":"1234","request_id":"big")";
  std::string payload = head + std::string(size - head.size() - 1, ' ') + "}";
  REQUIRE(payload.size() == size);
  return payload;
}

}  // namespace

TEST_CASE("local command: a command at the size cap is parsed") {
  const LocalCommandParse parsed = ParseLocalCommand(PaddedDisarm(kMaxCommandBytes), false);
  REQUIRE(parsed.command.has_value());
  CHECK(parsed.command->action == CommandAction::kDisarm);
  CHECK(parsed.command->request_id == "big");
}

TEST_CASE("local command: an oversized payload is refused unparsed, naming the size cap") {
  // The same valid command one byte longer: only its size can refuse it.
  const LocalCommandParse parsed = ParseLocalCommand(PaddedDisarm(kMaxCommandBytes + 1), false);
  REQUIRE(parsed.refusal.has_value());
  CHECK_FALSE(parsed.command.has_value());
  CHECK(parsed.refusal->reason == "invalid_request");
  CHECK(parsed.refusal->message ==
        "command larger than " + std::to_string(kMaxCommandBytes) + " bytes");
  CHECK(parsed.refusal->request_id.empty());  // unparsed: its request id was never read
}

TEST_CASE("local command: BYPASS carries the zone, the code and until_disarm") {
  const LocalCommandParse parsed = ParseLocalCommand(
      R"({"action":"BYPASS","zone":"front_door","code":"1234","until_disarm":true,)"
      R"("request_id":"r-b","time":"2026-11-29T04:12:31Z"})",
      false);
  REQUIRE(parsed.command.has_value());
  CHECK(parsed.command->action == CommandAction::kBypass);
  CHECK(parsed.command->zone == "front_door");
  CHECK(parsed.command->code == std::optional<std::string>("1234"));
  CHECK(parsed.command->until_disarm);
  CHECK(parsed.command->request_id == "r-b");
  CHECK(parsed.sent.has_value());
  const LocalCommandParse lasting = ParseLocalCommand(
      R"({"action":"bypass","zone":"front_door","code":"1234","request_id":"r-c"})", false);
  REQUIRE(lasting.command.has_value());
  CHECK(lasting.command->action == CommandAction::kBypass);
  CHECK_FALSE(lasting.command->until_disarm);
}

TEST_CASE("local command: UNBYPASS carries the zone") {
  const LocalCommandParse parsed = ParseLocalCommand(
      R"({"action":"UNBYPASS","zone":"kitchen_window","code":"1234","request_id":"r-u"})", false);
  REQUIRE(parsed.command.has_value());
  CHECK(parsed.command->action == CommandAction::kUnbypass);
  CHECK(parsed.command->zone == "kitchen_window");
  CHECK(std::string(ToString(CommandAction::kUnbypass)) == "UNBYPASS");
  CHECK(ParseCommandAction("unbypass") == CommandAction::kUnbypass);
}

TEST_CASE("local command: BYPASS and UNBYPASS without a zone are refused as invalid_request") {
  for (const char* payload :
       {R"({"action":"BYPASS","code":"1234","request_id":"r-1"})",
        R"({"action":"UNBYPASS","zone":null,"code":"1234","request_id":"r-1"})"}) {
    CAPTURE(payload);
    const LocalCommandParse parsed = ParseLocalCommand(payload, false);
    REQUIRE(parsed.refusal.has_value());
    CHECK(parsed.refusal->reason == "invalid_request");
    CHECK(parsed.refusal->message.starts_with("\"zone\" is required for "));
    CHECK(parsed.refusal->request_id == "r-1");
  }
}

TEST_CASE("local command: a zone that is not a short zone id is refused unechoed") {
  const std::string long_zone(kMaxZoneIdBytes + 1, 'z');
  for (const std::string& zone :
       {std::string(R"(7)"), std::string(R"("")"), std::string(R"("front door")"),
        std::string(R"("zone/+/#")"), std::string(R"("é")"), std::string(R"(["a"])"),
        "\"" + long_zone + "\""}) {
    CAPTURE(zone);
    const LocalCommandParse parsed = ParseLocalCommand(
        R"({"action":"BYPASS","code":"1234","request_id":"r-z","zone":)" + zone + "}", false);
    REQUIRE(parsed.refusal.has_value());
    CHECK(parsed.refusal->reason == "invalid_request");
    CHECK(parsed.refusal->action == CommandAction::kBypass);
    CHECK(parsed.refusal->message == "\"zone\" must be a zone id: 1 to " +
                                         std::to_string(kMaxZoneIdBytes) +
                                         " letters, digits, '_' or '-'");
  }
  const LocalCommandParse longest =
      ParseLocalCommand(R"({"action":"BYPASS","code":"1","request_id":"r","zone":")" +
                            std::string(kMaxZoneIdBytes, 'z') + "\"}",
                        false);
  CHECK(longest.command.has_value());
}

TEST_CASE("local command: zone and until_disarm on another action are refused") {
  auto refusal = [](const std::string& payload) {
    const LocalCommandParse parsed = ParseLocalCommand(payload, false);
    REQUIRE(parsed.refusal.has_value());
    CHECK(parsed.refusal->reason == "invalid_request");
    return parsed.refusal->message;
  };
  CHECK(refusal(R"({"action":"DISARM","code":"1","request_id":"r","zone":"front_door"})") ==
        "\"zone\" applies only to BYPASS and UNBYPASS");
  CHECK(refusal(R"({"action":"UNBYPASS","code":"1","request_id":"r","zone":"a",)"
                R"("until_disarm":true})") == "\"until_disarm\" applies only to BYPASS");
  CHECK(refusal(R"({"action":"BYPASS","code":"1","request_id":"r","zone":"a",)"
                R"("until_disarm":"yes"})") == "\"until_disarm\" must be true or false");
}

TEST_CASE("local command: plain BYPASS is refused, naming the JSON form") {
  for (const char* plain : {"BYPASS", " unbypass "}) {
    CAPTURE(plain);
    const LocalCommandParse parsed = ParseLocalCommand(plain, false);
    REQUIRE(parsed.refusal.has_value());
    CHECK(parsed.refusal->reason == "invalid_request");
    CHECK(parsed.refusal->message.find("needs a zone: send JSON") != std::string::npos);
  }
}

TEST_CASE("local command: a BYPASS with a code needs a request id like any coded command") {
  const LocalCommandParse parsed =
      ParseLocalCommand(R"({"action":"BYPASS","zone":"front_door","code":"1234"})", false);
  REQUIRE(parsed.refusal.has_value());
  CHECK(parsed.refusal->message.find("needs a \"request_id\"") != std::string::npos);
  // Without a code (code_required_to_bypass false) none is needed.
  CHECK(ParseLocalCommand(R"({"action":"BYPASS","zone":"front_door"})", false).command);
}

TEST_CASE("local command: the result JSON names open zones and the reason") {
  CommandResult result;
  result.request_id = "r1";
  result.action = CommandAction::kArmAway;
  result.accepted = false;
  result.reason = "zones_open";
  result.message = "kitchen_window is open";
  result.open_zones = {"kitchen_window"};
  const nlohmann::json json = CommandResultToJson(result);
  CHECK(json["request_id"] == "r1");
  CHECK(json["accepted"] == false);
  CHECK(json["reason"] == "zones_open");
  CHECK(json["open_zones"] == nlohmann::json::array({"kitchen_window"}));
  CHECK(json["action"] == std::string(ToString(CommandAction::kArmAway)));
}

}  // namespace homesec
