// Input from strangers, at the parsers the daemon puts between the brokers and the panel: every
// payload of issue 10's reproductions is refused with a reason, never thrown, and whatever the
// daemon would publish in reply can be serialised.
#include <doctest/doctest.h>

#include <string>

#include "daemon/config.hpp"
#include "daemon/local_command.hpp"
#include "daemon/uplink.hpp"
#include "rules/json_limits.hpp"
#include "rules/text.hpp"

namespace homesec {
namespace {

std::string ChineseNote(int characters) {
  std::string note;
  for (int i = 0; i < characters; ++i) note += "\xe5\xb7\xa1";  // 巡
  return note;
}

TEST_CASE("hostile input: a plain command with an invalid UTF-8 byte is refused, the reply dumps") {
  const LocalCommandParse parsed = ParseLocalCommand("ARM\xff", false);
  REQUIRE(parsed.refusal.has_value());
  CHECK(parsed.refusal->reason == "invalid_request");
  CHECK(parsed.refusal->message.find("'ARM\\xff'") != std::string::npos);
  std::string reply;
  CHECK_NOTHROW(reply =
                    CommandResultToJson(*parsed.refusal).dump());  // throwing dump(), on purpose
  CHECK(IsValidUtf8(reply));
}

TEST_CASE("hostile input: a long non-ASCII plain command is echoed cut on a character boundary") {
  const LocalCommandParse parsed = ParseLocalCommand(ChineseNote(100), false);
  REQUIRE(parsed.refusal.has_value());
  CHECK(IsValidUtf8(parsed.refusal->message));
  CHECK_NOTHROW(CommandResultToJson(*parsed.refusal).dump());
}

TEST_CASE(
    "hostile input: a JSON command's request_id that is not short printable text is refused") {
  const LocalCommandParse long_id = ParseLocalCommand(
      R"({"action":"DISARM","request_id":")" + std::string(500, 'r') + R"("})", false);
  REQUIRE(long_id.refusal.has_value());
  CHECK(long_id.refusal->request_id.empty());
  const LocalCommandParse control =
      ParseLocalCommand(R"({"action":"DISARM","request_id":"a\u001b[2Jb"})", false);
  REQUIRE(control.refusal.has_value());
  CHECK(control.refusal->message.find("request_id") != std::string::npos);
}

TEST_CASE("hostile input: a deeply nested JSON command is refused before it is built") {
  const LocalCommandParse parsed = ParseLocalCommand("{\"a\":" + std::string(3000, '['), false);
  REQUIRE(parsed.refusal.has_value());
  CHECK(parsed.refusal->message.find("nested deeper") != std::string::npos);
}

TEST_CASE("hostile input: a platform note whose text is not a string is refused, not thrown") {
  std::string error;
  CHECK_FALSE(ParsePlatformCommand(R"({"action":"note","text":1})", &error).has_value());
  CHECK(error == "\"text\" must be a string");
}

TEST_CASE(
    "hostile input: platform commands that are not JSON objects or lack an action are refused") {
  for (const std::string& payload :
       {std::string("silence"), std::string("[]"), std::string(R"({"action":7})"),
        std::string("{\"action\":\"\xff\"}"), std::string(R"({"action":"reboot"})"),
        std::string(100, '{')}) {
    std::string error;
    CHECK_FALSE(ParsePlatformCommand(payload, &error).has_value());
    CHECK_FALSE(error.empty());
    CHECK(IsValidUtf8(error));
  }
}

TEST_CASE("hostile input: a patrol check-in note of 167 Chinese characters is cut on a boundary") {
  std::string error;
  const std::optional<PlatformCommand> command = ParsePlatformCommand(
      R"({"action":"patrol_check_in","officer":"patrol 7","note":")" + ChineseNote(167) + R"("})",
      &error);
  REQUIRE(command.has_value());
  CHECK(command->kind == PlatformCommand::Kind::kPatrolCheckIn);
  CHECK(command->command.note.size() == 498);
  CHECK(IsValidUtf8(command->command.note));
  CHECK_NOTHROW(nlohmann::json{{"note", command->command.note}}.dump());
}

TEST_CASE("hostile input: acks that are too large, too deep or not UTF-8 are refused") {
  std::string error;
  CHECK_FALSE(ParsePlatformAck(std::string(20000, ' ') + "{}", "hub-1", &error));
  CHECK(error.find("larger than") != std::string::npos);
  error.clear();
  CHECK_FALSE(ParsePlatformAck(std::string(50, '['), "hub-1", &error));
  CHECK(error.find("nested deeper") != std::string::npos);
  error.clear();
  CHECK_FALSE(ParsePlatformAck("{\"id\":\"hub-1:\xff\",\"status\":\"received\"}", "hub-1", &error));
  CHECK(IsValidUtf8(error));
}

TEST_CASE("hostile input: an ack id whose seq is not written as the hub writes it is refused") {
  std::string error;
  CHECK_FALSE(ParsePlatformAck(R"({"id":"hub-1:07","status":"received"})", "hub-1", &error));
  CHECK(error.find("canonical") != std::string::npos);
  CHECK(ParsePlatformAck(R"({"id":"hub-1:70","status":"received"})", "hub-1", &error));
  CHECK(ParsePlatformAck(R"({"id":"hub-1:0","status":"received"})", "hub-1", &error));
}

TEST_CASE("hostile input: a config number out of range is a config error, not an exception") {
  const ConfigResult result = ParseConfigText(R"({"uplink": {"heartbeat_s": 1e999}})");
  CHECK_FALSE(result.config.has_value());
  REQUIRE_FALSE(result.errors.empty());
  CHECK(result.errors.front().message.find("1e999") != std::string::npos);
}

TEST_CASE("hostile input: a deeply nested config is refused with a reason") {
  const ConfigResult result = ParseConfigText(std::string(100000, '['));
  CHECK_FALSE(result.config.has_value());
  REQUIRE_FALSE(result.errors.empty());
  CHECK(result.errors.front().message.find("nested deeper") != std::string::npos);
}

}  // namespace
}  // namespace homesec
