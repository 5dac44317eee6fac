// Panel arming: exit delay, per-mode timing, open zones (refuse / force bypass), exit error,
// recent closing, closing events and the config rules behind them.
#include <doctest/doctest.h>

#include "tests/unit/rules/panel_test_support.hpp"

namespace homesec::test {
namespace {

TEST_CASE("arming: arm away runs the exit delay, then arms and reports closing 3 401") {
  Harness h;
  auto actions = h.Send(CommandAction::kArmAway, "1234");
  CHECK(h.panel.mode() == Mode::kArming);
  const auto states = All<StateChanged>(actions);
  REQUIRE(states.size() == 1);
  CHECK(states[0].armed_mode == Mode::kArmedAway);
  CHECK(states[0].delay_remaining == seconds(60));
  REQUIRE(Result(actions));
  CHECK(Result(actions)->accepted);
  CHECK(Result(actions)->request_id == "req-1");
  CHECK(Result(actions)->source == "test");

  actions = h.Advance(seconds(59));
  CHECK(h.panel.mode() == Mode::kArming);
  actions = h.Advance(seconds(1));
  CHECK(h.panel.mode() == Mode::kArmedAway);
  const auto armed = FindEvent(actions, "armed");
  REQUIRE(armed);
  CHECK(armed->cid == ContactId{3, 401, 1, 1});
  CHECK(armed->user == "anna");
  CHECK(armed->category == EventCategory::kArming);
  CHECK(armed->mode == Mode::kArmedAway);
}

TEST_CASE("arming: arm home and night report closing 3 441 (armed stay)") {
  Harness h;
  auto actions = h.ArmAndWait(CommandAction::kArmHome);
  REQUIRE(FindEvent(actions, "armed"));
  CHECK(FindEvent(actions, "armed")->cid.code == cid::kArmedStay);
  h.Disarm();
  actions = h.ArmAndWait(CommandAction::kArmNight);
  CHECK(h.panel.mode() == Mode::kArmedNight);
  REQUIRE(FindEvent(actions, "armed"));
  CHECK(FindEvent(actions, "armed")->cid.code == cid::kArmedStay);
}

TEST_CASE("arming: exit delay 0 arms at once") {
  PanelConfig config = StandardConfig();
  config.timing[Mode::kArmedNight] = ModeTiming{seconds(0), seconds(10), seconds(60)};
  Harness h(config);
  const auto actions = h.Send(CommandAction::kArmNight, "1234");
  CHECK(h.panel.mode() == Mode::kArmedNight);
  CHECK(FindEvent(actions, "armed"));
  CHECK(All<StateChanged>(actions).size() == 1);
}

TEST_CASE("arming: exit delay is taken from the target mode's timing") {
  PanelConfig config = StandardConfig();
  config.timing[Mode::kArmedHome] = ModeTiming{seconds(15), seconds(20), seconds(90)};
  Harness h(config);
  h.Send(CommandAction::kArmHome, "1234");
  h.Advance(seconds(14));
  CHECK(h.panel.mode() == Mode::kArming);
  h.Advance(seconds(1));
  CHECK(h.panel.mode() == Mode::kArmedHome);
}

TEST_CASE("arming: open zones refuse arming, naming them in the reply and an event") {
  Harness h;
  h.Read("kitchen_window", "latch", "tilted");
  const auto actions = h.Send(CommandAction::kArmAway, "1234");
  CHECK(h.panel.mode() == Mode::kDisarmed);
  const auto result = Result(actions);
  REQUIRE(result);
  CHECK_FALSE(result->accepted);
  CHECK(result->reason == "zones_open");
  CHECK(result->open_zones == std::vector<std::string>{"kitchen_window"});
  CHECK(result->message.find("kitchen_window") != std::string::npos);
  const auto refused = FindEvent(actions, "arming_refused");
  REQUIRE(refused);
  CHECK(refused->category == EventCategory::kArming);
  CHECK(refused->text.find("kitchen_window") != std::string::npos);
}

TEST_CASE("arming: a zone never heard from is unknown and blocks arming like an open one") {
  Harness h(StandardConfig(), /*zones_closed=*/false);
  const auto result = Result(h.Send(CommandAction::kArmAway, "1234"));
  REQUIRE(result);
  CHECK(result->reason == "zones_open");
  CHECK(std::find(result->open_zones.begin(), result->open_zones.end(), "living_motion") !=
        result->open_zones.end());
}

TEST_CASE("arming: force bypasses open zones with one 570 event per zone and arms") {
  Harness h;
  h.Read("kitchen_window", "latch", "open");
  h.Motion("living_pir", true);
  auto actions = h.Send(CommandAction::kArmAway, "1234", /*force=*/true);
  REQUIRE(Result(actions));
  CHECK(Result(actions)->accepted);
  CHECK(CountEvents(actions, "zone_bypassed") == 2);
  const auto bypass = FindEvent(actions, "zone_bypassed");
  REQUIRE(bypass);
  CHECK(bypass->cid.code == cid::kBypass);
  CHECK(bypass->cid.qualifier == 1);
  CHECK(h.panel.zone_status("kitchen_window") == ZoneStatus::kBypassed);
  h.Advance(seconds(60));
  CHECK(h.panel.mode() == Mode::kArmedAway);
  // A bypassed zone does not alarm.
  h.Read("kitchen_window", "latch", "closed");
  actions = h.Read("kitchen_window", "latch", "open");
  CHECK(Events(actions).empty());
  CHECK(h.panel.mode() == Mode::kArmedAway);
}

TEST_CASE("arming: the exit door may be open when arming starts") {
  Harness h;
  h.Open("front_door");
  const auto result = Result(h.Send(CommandAction::kArmAway, "1234"));
  REQUIRE(result);
  CHECK(result->accepted);
  CHECK(h.panel.mode() == Mode::kArming);
}

TEST_CASE("arming: opening and closing the exit door during the exit delay does not abort") {
  Harness h;
  h.Send(CommandAction::kArmAway, "1234");
  h.Advance(seconds(20));
  auto actions = h.Open("front_door");
  h.Motion("hall_pir", true);
  actions = h.Close("front_door");
  h.Motion("hall_pir", false);
  CHECK(h.panel.mode() == Mode::kArming);
  actions = h.Advance(seconds(40));
  CHECK(h.panel.mode() == Mode::kArmedAway);
  CHECK_FALSE(FindEvent(actions, "exit_error"));
  CHECK_FALSE(SirenTurnedOn(actions));
}

TEST_CASE("arming: exit door still open when the exit delay ends is an exit error (374)") {
  Harness h;
  h.Send(CommandAction::kArmAway, "1234");
  h.Open("front_door");
  auto actions = h.Advance(seconds(60));
  const auto error = FindEvent(actions, "exit_error");
  REQUIRE(error);
  CHECK(error->cid == ContactId{1, 374, 1, 1});
  CHECK(error->zone == "front_door");
  // The entry delay follows, then burglary unless disarmed.
  CHECK(h.panel.mode() == Mode::kPending);
  actions = h.Advance(seconds(30));
  CHECK(h.panel.mode() == Mode::kTriggered);
  const auto burglary = FindEvent(actions, "burglary");
  REQUIRE(burglary);
  CHECK(burglary->cid.code == cid::kEntryExit);
}

TEST_CASE("arming: a window opened during the exit delay alarms at once (not on the exit route)") {
  Harness h;
  h.Send(CommandAction::kArmAway, "1234");
  const auto actions = h.Read("kitchen_window", "latch", "open");
  CHECK(FindEvent(actions, "burglary"));
  CHECK(h.panel.mode() == Mode::kTriggered);
}

TEST_CASE("arming: an alarm within the recent-closing window also reports recent closing 459") {
  Harness h;
  h.ArmAndWait();
  h.Advance(seconds(100));
  const auto actions = h.Read("kitchen_window", "latch", "open");
  CHECK(FindEvent(actions, "burglary"));
  const auto closing = FindEvent(actions, "recent_closing");
  REQUIRE(closing);
  CHECK(closing->cid.code == cid::kRecentClosing);
  CHECK(closing->cid.number == 1);  // the user who armed
}

TEST_CASE("arming: an alarm after the recent-closing window is not recent closing") {
  Harness h;
  h.ArmAndWait();
  h.Advance(seconds(121));
  const auto actions = h.Read("kitchen_window", "latch", "open");
  CHECK(FindEvent(actions, "burglary"));
  CHECK_FALSE(FindEvent(actions, "recent_closing"));
}

TEST_CASE("arming: interior zones are bypassed in armed_home (bypass_in) and do not block") {
  Harness h;
  h.Motion("living_pir", true);
  auto actions = h.ArmAndWait(CommandAction::kArmHome);
  CHECK(h.panel.mode() == Mode::kArmedHome);
  CHECK(h.panel.zone_status("living_motion") == ZoneStatus::kBypassed);
  h.Motion("living_pir", false);
  actions = h.Motion("living_pir", true);
  CHECK(Events(actions).empty());
}

TEST_CASE("arming: an allow_open_at_arming zone may be open when arming") {
  PanelConfig config = StandardConfig();
  config.zones[2].allow_open_at_arming = true;  // kitchen_window
  Harness h(config);
  h.Read("kitchen_window", "latch", "open");
  const auto result = Result(h.Send(CommandAction::kArmAway, "1234"));
  REQUIRE(result);
  CHECK(result->accepted);
}

TEST_CASE("arming: arming the mode already armed (or arming) is refused as already_armed") {
  Harness h;
  h.Send(CommandAction::kArmAway, "1234");
  auto result = Result(h.Send(CommandAction::kArmAway, "1234"));
  REQUIRE(result);
  CHECK_FALSE(result->accepted);
  CHECK(result->reason == "already_armed");
  h.Advance(seconds(60));
  result = Result(h.Send(CommandAction::kArmAway, "1234"));
  REQUIRE(result);
  CHECK(result->reason == "already_armed");
  CHECK(h.panel.mode() == Mode::kArmedAway);
}

TEST_CASE("arming: a code is required to arm when configured, and arm_only users may arm") {
  Harness h;
  auto result = Result(h.Send(CommandAction::kArmAway, std::nullopt));
  REQUIRE(result);
  CHECK(result->reason == "invalid_code");
  CHECK(h.panel.mode() == Mode::kDisarmed);
  result = Result(h.Send(CommandAction::kArmAway, "3456"));
  REQUIRE(result);
  CHECK(result->accepted);
  CHECK(result->user == "cleaner");
}

TEST_CASE("arming: without code_required_to_arm anyone may arm without a code") {
  PanelConfig config = StandardConfig();
  config.codes.code_required_to_arm = false;
  Harness h(config);
  const auto result = Result(h.Send(CommandAction::kArmHome, std::nullopt));
  REQUIRE(result);
  CHECK(result->accepted);
}

TEST_CASE("arming: armed_vacation arms and alarms like armed_away") {
  Harness h;
  auto actions = h.ArmAndWait(CommandAction::kArmVacation);
  CHECK(h.panel.mode() == Mode::kArmedVacation);
  REQUIRE(FindEvent(actions, "armed"));
  CHECK(FindEvent(actions, "armed")->cid.code == cid::kOpenCloseByUser);
  actions = h.Motion("living_pir", true);
  REQUIRE(FindEvent(actions, "burglary"));
  CHECK(FindEvent(actions, "burglary")->cid.code == cid::kInterior);
}

TEST_CASE("arming: disarming during the exit delay cancels arming") {
  Harness h;
  h.Send(CommandAction::kArmAway, "1234");
  const auto actions = h.Disarm();
  CHECK(h.panel.mode() == Mode::kDisarmed);
  CHECK(FindEvent(actions, "arming_cancelled"));
  CHECK_FALSE(h.panel.NextDeadline(h.now));
}

TEST_CASE("config: TimingFor defaults to exit 60 s, entry 30 s, siren 180 s") {
  const PanelConfig config;
  const ModeTiming timing = config.TimingFor(Mode::kArmedAway);
  CHECK(timing.exit_delay == seconds(60));
  CHECK(timing.entry_delay == seconds(30));
  CHECK(timing.siren == seconds(180));
}

TEST_CASE("config: Validate refuses an entry delay over 45 s unless explicitly allowed") {
  PanelConfig config = StandardConfig();
  config.timing[Mode::kArmedAway] = ModeTiming{seconds(60), seconds(46), seconds(180)};
  auto errors = Validate(config);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("45") != std::string::npos);
  config.allow_long_entry_delay = true;
  CHECK(Validate(config).empty());
}

TEST_CASE("config: Validate reports duplicate zone ids and numbers and zones without device") {
  PanelConfig config = StandardConfig();
  CHECK(Validate(config).empty());
  config.zones[1].id = "front_door";
  config.zones[2].number = 1;
  config.zones[3].device.clear();
  const auto errors = Validate(config);
  CHECK(errors.size() == 3);
}

}  // namespace
}  // namespace homesec::test
