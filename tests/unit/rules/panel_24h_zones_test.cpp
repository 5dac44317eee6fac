// 24-hour zones (fire, gas, water, tamper, panic), chime, manual alarm commands and how readings
// become zone activity (edges, unknown, latch states, initial readings).
#include <doctest/doctest.h>

#include "tests/unit/rules/panel_test_support.hpp"

namespace homesec::test {
namespace {

TEST_CASE("24h zones: fire alarms while disarmed (110, fire siren) and returns to disarmed") {
  Harness h;
  auto actions = h.Read("smoke_detector", "smoke", true);
  const auto fire = FindEvent(actions, "fire");
  REQUIRE(fire);
  CHECK(fire->cid == ContactId{1, 110, 0, 5});
  CHECK(fire->mode == Mode::kDisarmed);
  REQUIRE(Siren(actions));
  CHECK(Siren(actions)->reason == SirenReason::kFire);
  CHECK(h.panel.mode() == Mode::kTriggered);
  CHECK(h.panel.armed_mode() == Mode::kDisarmed);
  actions = h.Advance(seconds(180));
  CHECK(SirenTurnedOff(actions));
  CHECK(h.panel.mode() == Mode::kDisarmed);
}

TEST_CASE("24h zones: disarming a fire alarm raised while disarmed silences it with 406") {
  Harness h;
  h.Read("smoke_detector", "smoke", true);
  const auto actions = h.Disarm();
  REQUIRE(Result(actions));
  CHECK(Result(actions)->accepted);
  CHECK(SirenTurnedOff(actions));
  CHECK(FindEvent(actions, "alarm_cancel"));
  CHECK_FALSE(FindEvent(actions, "disarmed"));  // it was never armed: no opening
  CHECK(h.panel.mode() == Mode::kDisarmed);
}

TEST_CASE("24h zones: fire alarms in every armed mode too") {
  for (CommandAction arm : {CommandAction::kArmHome, CommandAction::kArmNight,
                            CommandAction::kArmAway, CommandAction::kArmVacation}) {
    Harness h;
    h.ArmAndWait(arm);
    const auto actions = h.Read("smoke_detector", "smoke", true);
    CHECK(FindEvent(actions, "fire"));
    CHECK(h.panel.mode() == Mode::kTriggered);
    h.Advance(seconds(180));
    CHECK(h.panel.mode() == Harness::ArmTarget(arm));
  }
}

TEST_CASE("24h zones: gas alarms with 151 and the emergency siren") {
  Harness h;
  const auto actions = h.Read("gas_sensor", "gas", true);
  REQUIRE(FindEvent(actions, "gas"));
  CHECK(FindEvent(actions, "gas")->cid.code == cid::kGas);
  REQUIRE(Siren(actions));
  CHECK(Siren(actions)->reason == SirenReason::kEmergency);
}

TEST_CASE("24h zones: water leak reports 154 with a local chime, no siren, no mode change") {
  Harness h;
  const auto actions = h.Read("leak_sensor", "water_leak", true);
  REQUIRE(FindEvent(actions, "water_leak"));
  CHECK(FindEvent(actions, "water_leak")->cid.code == cid::kWaterLeak);
  CHECK_FALSE(Siren(actions));
  const auto chimes = Outputs(actions, OutputKind::kChime);
  REQUIRE(chimes.size() == 1);
  CHECK(chimes[0].pattern == OutputPattern::kPulsed);
  CHECK(h.panel.mode() == Mode::kDisarmed);
}

TEST_CASE("24h zones: tamper while disarmed reports 137 without the siren") {
  Harness h;
  const auto actions = h.Read("front_door", "tamper", true);
  const auto tamper = FindEvent(actions, "tamper");
  REQUIRE(tamper);
  CHECK(tamper->cid.code == cid::kTamper);
  CHECK(tamper->priority == Priority::kCritical);
  CHECK_FALSE(Siren(actions));
  CHECK(h.panel.mode() == Mode::kDisarmed);
}

TEST_CASE("24h zones: tamper while armed sounds the siren") {
  Harness h;
  h.ArmAndWait(CommandAction::kArmHome);
  const auto actions = h.Read("front_door", "tamper", true);
  CHECK(FindEvent(actions, "tamper"));
  CHECK(SirenTurnedOn(actions));
  CHECK(h.panel.mode() == Mode::kTriggered);
}

TEST_CASE("24h zones: audible panic reports 123 with the emergency siren") {
  Harness h;
  const auto actions = h.Open("panic_button");
  const auto panic = FindEvent(actions, "panic");
  REQUIRE(panic);
  CHECK(panic->cid.code == cid::kAudiblePanic);
  REQUIRE(Siren(actions));
  CHECK(Siren(actions)->reason == SirenReason::kEmergency);
}

TEST_CASE("24h zones: silent panic reports 122 silently with no siren and no state change") {
  PanelConfig config = StandardConfig();
  config.zones[8].silent = true;
  Harness h(config);
  h.ArmAndWait(CommandAction::kArmHome);
  const auto actions = h.Open("panic_button");
  const auto panic = FindEvent(actions, "silent_panic");
  REQUIRE(panic);
  CHECK(panic->cid.code == cid::kSilentPanic);
  CHECK(panic->silent);
  CHECK(panic->report);
  CHECK_FALSE(Siren(actions));
  CHECK(All<StateChanged>(actions).empty());
  CHECK(h.panel.mode() == Mode::kArmedHome);
  for (const ZoneChanged& z : All<ZoneChanged>(actions)) CHECK(z.status != ZoneStatus::kAlarm);
  CHECK(h.panel.zone_status("panic_button") != ZoneStatus::kAlarm);
}

TEST_CASE("24h zones: a zone alarms on the activation edge, not on repeated readings") {
  Harness h;
  auto actions = h.Read("leak_sensor", "water_leak", true);
  CHECK(CountEvents(actions, "water_leak") == 1);
  actions = h.Read("leak_sensor", "water_leak", true);
  CHECK(Events(actions).empty());
  h.Read("leak_sensor", "water_leak", false);
  actions = h.Read("leak_sensor", "water_leak", true);
  CHECK(CountEvents(actions, "water_leak") == 1);
}

TEST_CASE("zones: an unknown value (null) is never closed and alarms when it becomes active") {
  Harness h;
  h.ArmAndWait();
  h.Advance(minutes(5));
  auto actions = h.Read("kitchen_window", "latch", std::monostate{});
  CHECK(h.panel.zone_status("kitchen_window") == ZoneStatus::kUnknown);
  CHECK(Events(actions).empty());
  actions = h.Read("kitchen_window", "latch", "open");
  CHECK(FindEvent(actions, "burglary"));
}

TEST_CASE("zones: a tilted or forced window latch counts as open") {
  Harness h;
  h.Read("kitchen_window", "latch", "tilted");
  CHECK(h.panel.zone_status("kitchen_window") == ZoneStatus::kOpen);
  h.Read("kitchen_window", "latch", "forced");
  CHECK(h.panel.zone_status("kitchen_window") == ZoneStatus::kOpen);
  h.Read("kitchen_window", "latch", "closed");
  CHECK(h.panel.zone_status("kitchen_window") == ZoneStatus::kClosed);
}

TEST_CASE("zones: an initial reading sets a state the panel did not know without an alarm") {
  Harness h(StandardConfig(), /*zones_closed=*/false);
  const auto actions = h.Read("smoke_detector", "smoke", true, /*initial=*/true);
  CHECK(Events(actions).empty());
  CHECK(h.panel.zone_status("smoke") == ZoneStatus::kOpen);
}

TEST_CASE("zones: a chime zone opening while disarmed chimes, but not when armed") {
  PanelConfig config = StandardConfig();
  config.zones[0].chime = true;  // front_door
  Harness h(config);
  auto actions = h.Open("front_door");
  const auto chimes = Outputs(actions, OutputKind::kChime);
  REQUIRE(chimes.size() == 1);
  CHECK(chimes[0].pattern == OutputPattern::kPulsed);
  CHECK(chimes[0].duration == seconds(2));
  CHECK(Events(actions).empty());
  h.Close("front_door");
  h.ArmAndWait();
  actions = h.Open("front_door");
  CHECK(Outputs(actions, OutputKind::kChime).empty());
}

TEST_CASE("commands: TRIGGER raises a manual alarm (120) with the siren") {
  Harness h;
  const auto actions = h.Send(CommandAction::kTrigger, std::nullopt);
  REQUIRE(FindEvent(actions, "manual_trigger"));
  CHECK(FindEvent(actions, "manual_trigger")->cid.code == cid::kPanic);
  CHECK(SirenTurnedOn(actions));
  REQUIRE(Result(actions));
  CHECK(Result(actions)->accepted);
  CHECK(h.panel.mode() == Mode::kTriggered);
}

TEST_CASE("commands: PANIC raises an audible panic (123), FIRE a fire alarm (110)") {
  Harness h;
  auto actions = h.Send(CommandAction::kPanic, std::nullopt);
  REQUIRE(FindEvent(actions, "panic"));
  CHECK(FindEvent(actions, "panic")->cid.code == cid::kAudiblePanic);
  REQUIRE(Siren(actions));
  CHECK(Siren(actions)->reason == SirenReason::kEmergency);
  actions = h.Send(CommandAction::kFire, std::nullopt);
  REQUIRE(FindEvent(actions, "fire"));
  CHECK(FindEvent(actions, "fire")->cid.code == cid::kFire);
  REQUIRE(Siren(actions));
  CHECK(Siren(actions)->reason == SirenReason::kFire);  // fire outranks emergency
}

TEST_CASE("commands: MEDICAL reports 100 without a siren") {
  Harness h;
  const auto actions = h.Send(CommandAction::kMedical, std::nullopt);
  REQUIRE(FindEvent(actions, "medical"));
  CHECK(FindEvent(actions, "medical")->cid.code == cid::kMedical);
  CHECK_FALSE(Siren(actions));
  CHECK(h.panel.mode() == Mode::kDisarmed);
}

}  // namespace
}  // namespace homesec::test
