// Zigbee pairing (PAIR / PAIR_STOP): only while disarmed, only with a master code (wrong codes
// count towards the lockout), 1..254 s; 1 627 when the network opens and 1 628 when it closes
// (PAIR_STOP, the window's end, arming, or Zigbee2MQTT refusing); the shell is told through
// PermitJoinRequest.
#include <doctest/doctest.h>

#include "rules/contact_id_codes.hpp"
#include "tests/unit/rules/panel_test_support.hpp"

namespace homesec::test {
namespace {

using namespace std::chrono_literals;

std::vector<Action> Pair(Harness& h, std::optional<std::string> code, Seconds time = 120s,
                         const std::string& device = "",
                         CommandAction action = CommandAction::kPair) {
  Command command;
  command.action = action;
  command.code = std::move(code);
  command.pair_time = time;
  command.pair_device = device;
  command.source = "homesecctl";
  static int requests = 0;
  command.request_id = "pair-" + std::to_string(++requests);
  return h.panel.Handle(command, h.now);
}

std::vector<Action> PairStop(Harness& h, std::optional<std::string> code) {
  return Pair(h, std::move(code), 0s, "", CommandAction::kPairStop);
}

std::optional<PermitJoinRequest> Join(const std::vector<Action>& actions) {
  const auto joins = All<PermitJoinRequest>(actions);
  if (joins.empty()) return std::nullopt;
  return joins.back();
}

TEST_CASE("pairing: a master code opens the Zigbee network, recorded as 1 627 with the user") {
  Harness h;
  const auto actions = Pair(h, "1234", 90s, "hall_door");
  const auto result = Result(actions);
  REQUIRE(result);
  CHECK(result->accepted);
  CHECK(result->action == CommandAction::kPair);
  CHECK(result->user == "anna");
  const auto join = Join(actions);
  REQUIRE(join);
  CHECK(join->time == 90s);
  CHECK(join->device == "hall_door");
  CHECK(join->reason == "opened");
  const auto event = FindEvent(actions, "pairing_opened");
  REQUIRE(event);
  CHECK(event->cid == ContactId{cid::kNew, cid::kProgramModeEntry, 0, 1});
  CHECK(event->user == "anna");
  CHECK(event->report);
  CHECK(h.panel.mode() == Mode::kDisarmed);
}

TEST_CASE("pairing: a user code that is not a master is refused and opens nothing") {
  Harness h;
  const auto actions = Pair(h, "2345");
  const auto result = Result(actions);
  REQUIRE(result);
  CHECK_FALSE(result->accepted);
  CHECK(result->reason == "not_allowed");
  CHECK_FALSE(Join(actions));
  CHECK_FALSE(FindEvent(actions, "pairing_opened"));
}

TEST_CASE("pairing: an arm-only code and a keyholder code are refused") {
  Harness h;
  for (const char* code : {"3456", "5555"}) {
    CAPTURE(code);
    const auto actions = Pair(h, std::string(code));
    REQUIRE(Result(actions));
    CHECK_FALSE(Result(actions)->accepted);
    CHECK_FALSE(Join(actions));
  }
}

TEST_CASE("pairing: a wrong code is refused and recorded as a wrong code") {
  Harness h;
  const auto actions = Pair(h, "0000");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->reason == "invalid_code");
  CHECK(FindEvent(actions, "wrong_code"));
  CHECK_FALSE(Join(actions));
}

TEST_CASE("pairing: wrong codes count towards the same lockout as disarm codes") {
  Harness h;
  const int max_wrong = h.panel.config().codes.max_wrong;
  for (int i = 0; i + 1 < max_wrong; ++i) Pair(h, "0000");
  // The last wrong attempt is a disarm from the same source: it locks the source out.
  Command disarm;
  disarm.action = CommandAction::kDisarm;
  disarm.code = "0000";
  disarm.source = "homesecctl";
  disarm.request_id = "pair-lockout";
  const auto locked = h.panel.Handle(disarm, h.now);
  CHECK(FindEvent(locked, "code_lockout"));
  // Now even the master code is refused for pairing from that source.
  const auto actions = Pair(h, "1234");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->reason == "locked_out");
  CHECK_FALSE(Join(actions));
}

TEST_CASE("pairing: refused while armed, before the code is checked") {
  Harness h;
  h.ArmAndWait(CommandAction::kArmAway);
  REQUIRE(h.panel.mode() == Mode::kArmedAway);
  const auto actions = Pair(h, "0000");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->reason == "not_allowed");
  CHECK_FALSE(FindEvent(actions, "wrong_code"));  // costs no lockout attempt
  CHECK_FALSE(Join(actions));
}

TEST_CASE("pairing: refused during the exit delay") {
  Harness h;
  h.Send(CommandAction::kArmAway, "1234");
  REQUIRE(h.panel.mode() == Mode::kArming);
  const auto actions = Pair(h, "1234");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->reason == "not_allowed");
  CHECK_FALSE(Join(actions));
}

TEST_CASE("pairing: a time of 0 or over 254 s is an invalid request") {
  Harness h;
  for (Seconds time : {0s, 255s, -1s}) {
    CAPTURE(time.count());
    const auto actions = Pair(h, "1234", time);
    REQUIRE(Result(actions));
    CHECK(Result(actions)->reason == "invalid_request");
    CHECK_FALSE(Join(actions));
  }
  CHECK(Result(Pair(h, "1234", 254s))->accepted);
}

TEST_CASE("pairing: the window ends on its own with 1 628 and a close for the shell") {
  Harness h;
  Pair(h, "1234", 60s);
  CHECK_FALSE(FindEvent(h.Advance(59s), "pairing_closed"));
  const auto actions = h.Advance(1s);
  const auto event = FindEvent(actions, "pairing_closed");
  REQUIRE(event);
  CHECK(event->cid.code == cid::kProgramModeExit);
  const auto join = Join(actions);
  REQUIRE(join);
  CHECK(join->time == 0s);
  CHECK(join->reason == "timeout");
  CHECK(All<PermitJoinRequest>(h.Advance(600s)).empty());  // nothing more
}

TEST_CASE("pairing: PAIR_STOP closes it early and names who closed it") {
  Harness h;
  Pair(h, "1234");
  const auto actions = PairStop(h, "2345");  // any valid code gives protection back
  REQUIRE(Result(actions));
  CHECK(Result(actions)->accepted);
  const auto event = FindEvent(actions, "pairing_closed");
  REQUIRE(event);
  CHECK(event->user == "ben");
  CHECK(event->cid.number == 2);
  REQUIRE(Join(actions));
  CHECK(Join(actions)->reason == "stopped");
  CHECK(Join(actions)->time == 0s);
  CHECK_FALSE(FindEvent(h.Advance(200s), "pairing_closed"));  // the timer is gone too
}

TEST_CASE("pairing: PAIR_STOP with nothing open is accepted, closes the bridge, records nothing") {
  Harness h;
  const auto actions = PairStop(h, "1234");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->accepted);
  CHECK(Events(actions).empty());
  REQUIRE(Join(actions));
  CHECK(Join(actions)->time == 0s);
}

TEST_CASE("pairing: PAIR_STOP with a wrong code is refused and keeps the window open") {
  Harness h;
  Pair(h, "1234");
  const auto actions = PairStop(h, "0000");
  CHECK(Result(actions)->reason == "invalid_code");
  CHECK_FALSE(Join(actions));
  CHECK(FindEvent(h.Advance(120s), "pairing_closed"));
}

TEST_CASE("pairing: PAIR while open restarts the window without a second 1 627") {
  Harness h;
  Pair(h, "1234", 60s);
  h.Advance(50s);
  const auto actions = Pair(h, "1234", 100s);
  CHECK(Result(actions)->accepted);
  CHECK_FALSE(FindEvent(actions, "pairing_opened"));
  REQUIRE(Join(actions));
  CHECK(Join(actions)->time == 100s);
  CHECK_FALSE(FindEvent(h.Advance(99s), "pairing_closed"));
  CHECK(FindEvent(h.Advance(1s), "pairing_closed"));
}

TEST_CASE("pairing: arming closes an open window first") {
  Harness h;
  Pair(h, "1234");
  const auto actions = h.Send(CommandAction::kArmAway, "1234");
  const auto closed = FindEvent(actions, "pairing_closed");
  REQUIRE(closed);
  REQUIRE(Join(actions));
  CHECK(Join(actions)->reason == "armed");
  CHECK(h.panel.mode() == Mode::kArming);
}

TEST_CASE("pairing: Zigbee2MQTT refusing the request closes the window, saying why") {
  Harness h;
  Pair(h, "1234");
  const auto actions = h.panel.Handle(PairingRefused{"Invalid payload"}, h.now);
  const auto event = FindEvent(actions, "pairing_closed");
  REQUIRE(event);
  CHECK(event->text.find("Invalid payload") != std::string::npos);
  REQUIRE(Join(actions));
  CHECK(Join(actions)->reason == "refused");
  // A refusal with nothing open changes nothing.
  CHECK(h.panel.Handle(PairingRefused{"late"}, h.now).empty());
}

}  // namespace
}  // namespace homesec::test
