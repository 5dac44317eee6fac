// TROUBLE_ACK on the local command topic: the code, and "trouble" (one trouble's id) only for
// TROUBLE_ACK, printable and bounded.
#include <doctest/doctest.h>

#include "daemon/local_command.hpp"

namespace homesec {
namespace {

TEST_CASE("local command: TROUBLE_ACK carries the code and, optionally, one trouble's id") {
  const LocalCommandParse all =
      ParseLocalCommand(R"({"action":"TROUBLE_ACK","code":"1234","request_id":"t1"})", false);
  REQUIRE(all.command);
  CHECK(all.command->action == CommandAction::kTroubleAck);
  CHECK(all.command->trouble.empty());
  const LocalCommandParse one = ParseLocalCommand(
      R"({"action":"TROUBLE_ACK","code":"1234","trouble":"battery_low:front_door",)"
      R"("request_id":"t2"})",
      false);
  REQUIRE(one.command);
  CHECK(one.command->trouble == "battery_low:front_door");
}

TEST_CASE("local command: a trouble id elsewhere, of the wrong type or unprintable is refused") {
  for (const char* payload :
       {R"({"action":"DISARM","code":"1234","trouble":"uplink_lost","request_id":"t3"})",
        R"({"action":"TROUBLE_ACK","code":"1234","trouble":7,"request_id":"t4"})",
        R"({"action":"TROUBLE_ACK","code":"1234","trouble":"","request_id":"t5"})",
        R"({"action":"TROUBLE_ACK","code":"1234","trouble":"a\u0001b","request_id":"t6"})"}) {
    CAPTURE(payload);
    const LocalCommandParse parsed = ParseLocalCommand(payload, false);
    CHECK_FALSE(parsed.command);
    REQUIRE(parsed.refusal);
    CHECK(parsed.refusal->message.find("\"trouble\"") != std::string::npos);
  }
  CHECK_FALSE(IsTroubleId(std::string(kMaxTroubleIdBytes + 1, 'a')));
  CHECK(IsTroubleId("lock_jammed:front_lock"));
}

}  // namespace
}  // namespace homesec
