// Wrong-code lockout per source (issue 11): each keypad, the platform and the shared local
// command topic earn their own lockout; it escalates (90 s, doubling up to lockout_max) and each
// lockout is reported (461). A source's wrong codes never lock out another source's right code.
#include <doctest/doctest.h>

#include "rules/panel_state.hpp"
#include "tests/unit/rules/panel_test_support.hpp"

namespace homesec::test {
namespace {

std::vector<Action> DisarmFrom(Harness& h, const std::string& source, const std::string& code) {
  Command command;
  command.action = CommandAction::kDisarm;
  command.code = code;
  command.source = source;
  static int requests = 0;
  command.request_id = "lockout-" + std::to_string(++requests);
  return h.panel.Handle(command, h.now);
}

// Wrong codes from `source` until it is locked out; returns the lockout's actions.
std::vector<Action> LockOut(Harness& h, const std::string& source) {
  std::vector<Action> last;
  for (int i = 0; i < h.panel.config().codes.max_wrong; ++i) last = DisarmFrom(h, source, "0000");
  return last;
}

TEST_CASE("lockout: 50 wrong codes on the local command topic do not lock out a keypad") {
  Harness h;
  h.ArmAndWait();
  for (int i = 0; i < 50; ++i) {
    const auto result = Result(DisarmFrom(h, "mqtt", "0000"));
    REQUIRE(result);
    CHECK_FALSE(result->accepted);
  }
  CHECK(Result(DisarmFrom(h, "mqtt", "1234"))->reason == "locked_out");
  const auto keypad = DisarmFrom(h, "keypad:hall_keypad", "1234");
  REQUIRE(Result(keypad));
  CHECK(Result(keypad)->accepted);
  CHECK(h.panel.mode() == Mode::kDisarmed);
}

TEST_CASE("lockout: one keypad's wrong codes do not lock out another keypad or the CLI") {
  Harness h;
  h.ArmAndWait();
  CHECK(Result(LockOut(h, "keypad:porch_keypad"))->reason == "locked_out");
  CHECK(Result(DisarmFrom(h, "keypad:porch_keypad", "1234"))->reason == "locked_out");
  CHECK(Result(DisarmFrom(h, "mqtt", "1234"))->accepted);
  h.ArmAndWait();
  CHECK(Result(DisarmFrom(h, "keypad:hall_keypad", "1234"))->accepted);
}

TEST_CASE("lockout: declared names on the command topic share one lockout") {
  // homesecd cannot tell who published on the command topic: whatever a publisher calls itself,
  // it is the one shared source, so rotating names buys no extra guesses.
  CHECK(LockoutSource("mqtt").empty());
  CHECK(LockoutSource("homesecctl").empty());
  CHECK(LockoutSource("keypad:").empty());
  CHECK(LockoutSource("keypad:hall_keypad") == "keypad:hall_keypad");
  CHECK(LockoutSource("platform") == "platform");
  CHECK(LockoutSource("mqtt:").empty());
  Harness h;
  h.ArmAndWait();
  for (const char* source : {"mqtt", "homesecctl", "ha", "x1"}) DisarmFrom(h, source, "0000");
  CHECK(Result(DisarmFrom(h, "x2", "0000"))->reason == "locked_out");
  CHECK(Result(DisarmFrom(h, "mqtt", "1234"))->reason == "locked_out");
}

TEST_CASE("lockout: each broker account's own command topic is its own source") {
  // Only that account may write its topic (hub-local.acl), and homesecd listens only to the
  // configured accounts' topics: the broker vouches for the name.
  CHECK(LockoutSource("mqtt:homeassistant") == "mqtt:homeassistant");
  Harness h;
  h.ArmAndWait();
  for (int i = 0; i < 5; ++i) DisarmFrom(h, "mqtt:homeassistant", "0000");
  CHECK(Result(DisarmFrom(h, "mqtt:homeassistant", "1234"))->reason == "locked_out");
  CHECK(Result(DisarmFrom(h, "mqtt:homesecctl", "1234"))->accepted);
}

TEST_CASE("lockout: each lockout in a row doubles, up to lockout_max, and is reported as 461") {
  Harness h;
  h.ArmAndWait();
  const std::vector<int> expected{90, 180, 360, 720, 1440, 2880, 3600, 3600};
  for (const int seconds_locked : expected) {
    const auto actions = LockOut(h, "keypad:hall_keypad");
    const auto lockout = FindEvent(actions, "code_lockout");
    REQUIRE(lockout);
    CHECK(lockout->report);
    CHECK(lockout->cid.code == cid::kWrongCode);
    CHECK(lockout->device == "hall_keypad");
    CHECK(lockout->text.find("keypad:hall_keypad") != std::string::npos);
    CHECK(lockout->text.find(std::to_string(seconds_locked) + " s") != std::string::npos);
    h.Advance(seconds(seconds_locked - 1));
    CHECK(Result(DisarmFrom(h, "keypad:hall_keypad", "1234"))->reason == "locked_out");
    h.Advance(seconds(1));
  }
  // A grade 2 attacker on one keypad: 5 guesses an hour once the ceiling is reached.
  CHECK(LockoutDuration(h.panel.config().codes, 100) == seconds(3600));
}

TEST_CASE("lockout: a valid code from the source starts the escalation afresh") {
  Harness h;
  h.ArmAndWait();
  LockOut(h, "keypad:hall_keypad");
  h.Advance(seconds(90));
  CHECK(Result(DisarmFrom(h, "keypad:hall_keypad", "1234"))->accepted);
  h.ArmAndWait();
  const auto again = FindEvent(LockOut(h, "keypad:hall_keypad"), "code_lockout");
  REQUIRE(again);
  CHECK(again->text.find("90 s") != std::string::npos);
}

TEST_CASE("lockout: a source quiet for lockout_reset starts again from the shortest lockout") {
  Harness h;
  h.ArmAndWait();
  LockOut(h, "mqtt");
  h.Advance(seconds(90));
  LockOut(h, "mqtt");  // 180 s
  h.Advance(hours(24));
  const auto third = FindEvent(LockOut(h, "mqtt"), "code_lockout");
  REQUIRE(third);
  CHECK(third->text.find("90 s") != std::string::npos);
}

TEST_CASE("lockout: per-source lockouts survive a restart") {
  Harness h;
  h.ArmAndWait();
  LockOut(h, "keypad:hall_keypad");
  LockOut(h, "mqtt");
  const nlohmann::json snapshot = h.panel.Snapshot(h.now);
  std::string error;
  Panel restored = Panel::Restore(h.panel.config(), snapshot, h.now + seconds(10), &error);
  CHECK(error.empty());
  Command command;
  command.action = CommandAction::kDisarm;
  command.code = "1234";
  command.source = "keypad:hall_keypad";
  const auto keypad = Result(restored.Handle(command, h.now + seconds(20)));
  REQUIRE(keypad);
  CHECK(keypad->reason == "locked_out");
  CHECK(keypad->message.find("70 s") != std::string::npos);
  command.source = "keypad:porch_keypad";
  CHECK(Result(restored.Handle(command, h.now + seconds(21)))->accepted);
}

TEST_CASE("lockout: a snapshot from before per-source lockouts still loads, as the shared one") {
  Harness h;
  nlohmann::json snapshot = h.panel.Snapshot(h.now);
  const std::int64_t until_ms = (h.now.wall + seconds(60)).time_since_epoch().count();
  snapshot["codes"] = {{"recent_wrong", nlohmann::json::array()}, {"locked_until", until_ms}};
  std::string error;
  const auto state = StateFromJson(snapshot, h.now, &error);
  INFO(error);
  REQUIRE(state);
  REQUIRE(state->codes.locked_until);
  CHECK(*state->codes.locked_until == h.now.wall + seconds(60));
  CHECK(state->codes.sources.empty());
  CHECK(state->codes.lockouts == 0);
}

}  // namespace
}  // namespace homesec::test
