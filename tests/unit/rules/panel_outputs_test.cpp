// The panel's outputs besides the siren's own timing: the deterrent during the entry delay and the
// alarm, the strobe latched until disarm, the door and water leak chimes, the arm/disarm squawk,
// and silent alarms that show nothing (docs/devices.md).
#include <doctest/doctest.h>

#include "tests/unit/rules/panel_test_support.hpp"

namespace homesec::test {
namespace {

// Any output switched on (or to a pattern) in these actions.
bool AnythingOn(const std::vector<Action>& actions) {
  for (const SetOutput& o : All<SetOutput>(actions)) {
    if (o.pattern != OutputPattern::kOff) return true;
  }
  return false;
}

// Index of the first action of type T in the list, or the list's size.
template <typename T>
std::size_t IndexOf(const std::vector<Action>& actions) {
  for (std::size_t i = 0; i < actions.size(); ++i) {
    if (std::holds_alternative<T>(actions[i])) return i;
  }
  return actions.size();
}

// Armed away, the front door opened: the entry delay (30 s) is running.
std::vector<Action> EnterArmedHouse(Harness& h) {
  h.ArmAndWait();
  return h.Open("front_door");
}

// ---- the deterrent and the strobe through an alarm -------------------------------------------

TEST_CASE("outputs: the entry delay pulses the deterrent, nothing else sounds yet") {
  Harness h;
  const auto actions = EnterArmedHouse(h);
  REQUIRE(h.panel.mode() == Mode::kPending);
  const auto deterrent = Outputs(actions, OutputKind::kDeterrent);
  REQUIRE(deterrent.size() == 1);
  CHECK(deterrent[0].pattern == OutputPattern::kPulsed);
  CHECK(deterrent[0].duration == seconds(30));  // bounded by the entry delay
  CHECK(Outputs(actions, OutputKind::kSiren).empty());
  CHECK(Outputs(actions, OutputKind::kStrobe).empty());
}

TEST_CASE("outputs: the entry delay running out sounds siren, strobe and deterrent steady") {
  Harness h;
  EnterArmedHouse(h);
  const auto actions = h.Advance(seconds(30));
  REQUIRE(h.panel.mode() == Mode::kTriggered);
  REQUIRE(Siren(actions));
  CHECK(Siren(actions)->pattern == OutputPattern::kSteady);
  const auto strobe = Outputs(actions, OutputKind::kStrobe);
  REQUIRE(strobe.size() == 1);
  CHECK(strobe[0].pattern == OutputPattern::kSteady);
  CHECK(strobe[0].duration == seconds(0));  // until disarm
  const auto deterrent = Outputs(actions, OutputKind::kDeterrent);
  REQUIRE(deterrent.size() == 1);
  CHECK(deterrent[0].pattern == OutputPattern::kSteady);
  CHECK(deterrent[0].duration == seconds(180));  // bounded by the siren time
}

TEST_CASE("outputs: an instant alarm while armed sounds siren, strobe and deterrent steady") {
  Harness h;
  h.ArmAndWait();
  const auto actions = h.Read("kitchen_window", "latch", "open");
  CHECK(LastPattern(actions, OutputKind::kSiren) == OutputPattern::kSteady);
  CHECK(LastPattern(actions, OutputKind::kStrobe) == OutputPattern::kSteady);
  CHECK(LastPattern(actions, OutputKind::kDeterrent) == OutputPattern::kSteady);
}

TEST_CASE("outputs: at the siren timeout siren and deterrent stop, the strobe stays on") {
  Harness h;
  EnterArmedHouse(h);
  h.Advance(seconds(30));
  auto actions = h.Advance(seconds(179));
  CHECK(All<SetOutput>(actions).empty());
  actions = h.Advance(seconds(1));
  CHECK(SirenTurnedOff(actions));
  CHECK(LastPattern(actions, OutputKind::kDeterrent) == OutputPattern::kOff);
  CHECK(Outputs(actions, OutputKind::kStrobe).empty());  // still on
  CHECK(h.panel.mode() == Mode::kArmedAway);
  // Still on an hour later, for the patrol.
  actions = h.Advance(hours(1));
  CHECK(Outputs(actions, OutputKind::kStrobe).empty());
}

TEST_CASE("outputs: disarm after the siren timeout switches the strobe off") {
  Harness h;
  EnterArmedHouse(h);
  h.Advance(seconds(30 + 180));
  const auto actions = h.Disarm();
  REQUIRE(Result(actions));
  CHECK(Result(actions)->accepted);
  const auto strobe = Outputs(actions, OutputKind::kStrobe);
  REQUIRE(strobe.size() == 1);
  CHECK(strobe[0].pattern == OutputPattern::kOff);
  CHECK(Outputs(actions, OutputKind::kSiren).empty());      // already off
  CHECK(Outputs(actions, OutputKind::kDeterrent).empty());  // already off
}

TEST_CASE("outputs: disarm during the alarm switches siren, strobe and deterrent off") {
  Harness h;
  EnterArmedHouse(h);
  h.Advance(seconds(30));
  const auto actions = h.Disarm();
  CHECK(SirenTurnedOff(actions));
  CHECK(LastPattern(actions, OutputKind::kStrobe) == OutputPattern::kOff);
  CHECK(LastPattern(actions, OutputKind::kDeterrent) == OutputPattern::kOff);
  CHECK_FALSE(AnythingOn(actions));
  // Nothing is left to switch off later.
  CHECK(All<SetOutput>(h.Advance(hours(1))).empty());
}

TEST_CASE("outputs: disarm during the entry delay stops the deterrent") {
  Harness h;
  EnterArmedHouse(h);
  const auto actions = h.Disarm();
  const auto deterrent = Outputs(actions, OutputKind::kDeterrent);
  REQUIRE(deterrent.size() == 1);
  CHECK(deterrent[0].pattern == OutputPattern::kOff);
  CHECK(Outputs(actions, OutputKind::kStrobe).empty());  // no alarm sounded: never on
  CHECK(Outputs(actions, OutputKind::kSiren).empty());
}

TEST_CASE("outputs: silencing the siren stops siren and deterrent, the strobe stays on") {
  Harness h;
  h.ArmAndWait();
  h.Read("kitchen_window", "latch", "open");
  auto actions = h.Send(CommandAction::kSilenceSiren, "1234");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->accepted);
  CHECK(SirenTurnedOff(actions));
  CHECK(LastPattern(actions, OutputKind::kDeterrent) == OutputPattern::kOff);
  CHECK(Outputs(actions, OutputKind::kStrobe).empty());
  actions = h.Disarm();
  CHECK(LastPattern(actions, OutputKind::kStrobe) == OutputPattern::kOff);
}

TEST_CASE("outputs: a fire alarm lights the strobe, the deterrent stays quiet") {
  Harness h;
  const auto actions = h.Read("smoke_detector", "smoke", true);
  CHECK(Siren(actions)->reason == SirenReason::kFire);
  CHECK(LastPattern(actions, OutputKind::kStrobe) == OutputPattern::kSteady);
  CHECK(Outputs(actions, OutputKind::kDeterrent).empty());
}

TEST_CASE("outputs: a fire during a burglary alarm switches the deterrent off") {
  Harness h;
  h.ArmAndWait();
  h.Read("kitchen_window", "latch", "open");
  const auto actions = h.Read("smoke_detector", "smoke", true);
  CHECK(Siren(actions)->reason == SirenReason::kFire);
  CHECK(LastPattern(actions, OutputKind::kDeterrent) == OutputPattern::kOff);
  CHECK(Outputs(actions, OutputKind::kStrobe).empty());  // on already
}

TEST_CASE("outputs: an audible panic while disarmed sounds siren, strobe and deterrent") {
  Harness h;
  const auto actions = h.Send(CommandAction::kPanic, std::nullopt);
  CHECK(LastPattern(actions, OutputKind::kSiren) == OutputPattern::kSteady);
  CHECK(LastPattern(actions, OutputKind::kStrobe) == OutputPattern::kSteady);
  CHECK(LastPattern(actions, OutputKind::kDeterrent) == OutputPattern::kSteady);
}

TEST_CASE("outputs: the strobe of an alarm raised while disarmed is reset by a disarm code") {
  Harness h;
  h.Read("smoke_detector", "smoke", true);
  h.Read("smoke_detector", "smoke", false);
  h.Advance(seconds(180));
  REQUIRE(h.panel.mode() == Mode::kDisarmed);
  const auto actions = h.Disarm();
  REQUIRE(Result(actions));
  CHECK(Result(actions)->accepted);
  CHECK(Result(actions)->reason == "ok");
  CHECK(LastPattern(actions, OutputKind::kStrobe) == OutputPattern::kOff);
  CHECK(All<Squawk>(actions).empty());  // nothing was disarmed
  // Afterwards a disarm code is "already disarmed" again.
  CHECK(Result(h.Disarm())->reason == "already_disarmed");
}

TEST_CASE("outputs: a wrong code does not reset the strobe") {
  Harness h;
  h.Read("smoke_detector", "smoke", true);
  h.Advance(seconds(180));
  const auto actions = h.Disarm("0000");
  CHECK_FALSE(Result(actions)->accepted);
  CHECK(All<SetOutput>(actions).empty());
}

TEST_CASE("outputs: a restart resumes the latched strobe and the running deterrent") {
  Harness h;
  h.ArmAndWait();
  h.Read("kitchen_window", "latch", "open");
  h.Advance(seconds(60));
  std::string error;
  Panel restored = Panel::Restore(StandardConfig(), h.panel.Snapshot(h.now), h.now, &error);
  REQUIRE(error.empty());
  const auto actions = restored.Start(h.now);
  CHECK(LastPattern(actions, OutputKind::kSiren) == OutputPattern::kSteady);
  CHECK(LastPattern(actions, OutputKind::kStrobe) == OutputPattern::kSteady);
  const auto deterrent = Outputs(actions, OutputKind::kDeterrent);
  REQUIRE(deterrent.size() == 1);
  CHECK(deterrent[0].pattern == OutputPattern::kSteady);
  CHECK(deterrent[0].duration == seconds(120));
}

// ---- chimes -------------------------------------------------------------------------------------

TEST_CASE("chime: a chime zone opening while disarmed gives a short pulsed chime") {
  PanelConfig config = StandardConfig();
  config.zones[0].chime = true;  // front_door
  Harness h(config);
  const auto actions = h.Open("front_door");
  const auto chime = Outputs(actions, OutputKind::kChime);
  REQUIRE(chime.size() == 1);
  CHECK(chime[0].pattern == OutputPattern::kPulsed);
  CHECK(chime[0].duration == seconds(2));
  CHECK(Outputs(actions, OutputKind::kSiren).empty());
  // It ends by itself; the panel has nothing to switch off.
  CHECK(All<SetOutput>(h.Advance(seconds(10))).empty());
}

TEST_CASE("chime: a zone without chime, or any zone while armed, does not chime") {
  PanelConfig config = StandardConfig();
  config.zones[0].chime = true;
  Harness h(config);
  CHECK(Outputs(h.Read("kitchen_window", "latch", "open"), OutputKind::kChime).empty());
  h.Read("kitchen_window", "latch", "closed");
  h.ArmAndWait();
  CHECK(Outputs(h.Open("front_door"), OutputKind::kChime).empty());
}

TEST_CASE("chime: a water leak while disarmed chimes pulsed until the zone restores") {
  Harness h;
  auto actions = h.Read("leak_sensor", "water_leak", true);
  const auto chime = Outputs(actions, OutputKind::kChime);
  REQUIRE(chime.size() == 1);
  CHECK(chime[0].pattern == OutputPattern::kPulsed);
  CHECK(chime[0].duration == seconds(180));  // at most the siren time
  CHECK(Outputs(actions, OutputKind::kSiren).empty());
  CHECK(Outputs(actions, OutputKind::kStrobe).empty());
  CHECK(Outputs(actions, OutputKind::kDeterrent).empty());
  CHECK(h.panel.mode() == Mode::kDisarmed);
  CHECK(All<SetOutput>(h.Advance(seconds(60))).empty());  // still sounding
  actions = h.Read("leak_sensor", "water_leak", false);
  CHECK(LastPattern(actions, OutputKind::kChime) == OutputPattern::kOff);
  CHECK(FindEvent(actions, "alarm_restore"));
}

TEST_CASE("chime: a water leak chime ends by itself at the siren time") {
  Harness h;
  h.Read("leak_sensor", "water_leak", true);
  CHECK(All<SetOutput>(h.Advance(seconds(179))).empty());
  const auto actions = h.Advance(seconds(1));
  CHECK(LastPattern(actions, OutputKind::kChime) == OutputPattern::kOff);
  CHECK_FALSE(h.panel.NextDeadline(h.now).has_value());
  // The restore afterwards has nothing left to switch off.
  CHECK(Outputs(h.Read("leak_sensor", "water_leak", false), OutputKind::kChime).empty());
}

TEST_CASE("chime: a disarm code while disarmed stops a water leak chime") {
  Harness h;
  h.Read("leak_sensor", "water_leak", true);
  const auto actions = h.Disarm();
  REQUIRE(Result(actions));
  CHECK(Result(actions)->accepted);
  CHECK(LastPattern(actions, OutputKind::kChime) == OutputPattern::kOff);
}

TEST_CASE("chime: SILENCE_SIREN stops a water leak chime") {
  Harness h;
  h.Read("leak_sensor", "water_leak", true);
  const auto actions = h.Send(CommandAction::kSilenceSiren, "1234");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->accepted);
  CHECK(LastPattern(actions, OutputKind::kChime) == OutputPattern::kOff);
}

TEST_CASE("chime: a water leak while armed chimes too, and the disarm stops it") {
  Harness h;
  h.ArmAndWait();
  auto actions = h.Read("leak_sensor", "water_leak", true);
  CHECK(LastPattern(actions, OutputKind::kChime) == OutputPattern::kPulsed);
  CHECK(h.panel.mode() == Mode::kArmedAway);
  actions = h.Disarm();
  CHECK(LastPattern(actions, OutputKind::kChime) == OutputPattern::kOff);
  // The chime is off before the disarm squawk, so a chime output can chirp it.
  CHECK(IndexOf<SetOutput>(actions) < IndexOf<Squawk>(actions));
}

TEST_CASE("chime: a door chime does not cut a water leak chime short") {
  PanelConfig config = StandardConfig();
  config.zones[0].chime = true;
  Harness h(config);
  h.Read("leak_sensor", "water_leak", true);
  CHECK(Outputs(h.Open("front_door"), OutputKind::kChime).empty());
}

TEST_CASE("chime: with two leaks the chime stops only when both are dry") {
  PanelConfig config = StandardConfig();
  config.zones.push_back(
      MakeZone("leak_kitchen", 11, ZoneType::kWater24h, "leak_kitchen", "water_leak"));
  Harness h(config);
  h.Read("leak_sensor", "water_leak", true);
  h.Read("leak_kitchen", "water_leak", true);
  CHECK(Outputs(h.Read("leak_sensor", "water_leak", false), OutputKind::kChime).empty());
  const auto actions = h.Read("leak_kitchen", "water_leak", false);
  CHECK(LastPattern(actions, OutputKind::kChime) == OutputPattern::kOff);
}

TEST_CASE("chime: gas still sounds the emergency siren while disarmed, not just a chime") {
  Harness h;
  const auto actions = h.Read("gas_sensor", "gas", true);
  REQUIRE(Siren(actions));
  CHECK(Siren(actions)->reason == SirenReason::kEmergency);
  CHECK(LastPattern(actions, OutputKind::kStrobe) == OutputPattern::kSteady);
}

TEST_CASE("chime: a restart resumes a water leak chime for the time it had left") {
  Harness h;
  h.Read("leak_sensor", "water_leak", true);
  h.Advance(seconds(100));
  std::string error;
  Panel restored = Panel::Restore(StandardConfig(), h.panel.Snapshot(h.now), h.now, &error);
  REQUIRE(error.empty());
  const auto chime = Outputs(restored.Start(h.now), OutputKind::kChime);
  REQUIRE(chime.size() == 1);
  CHECK(chime[0].pattern == OutputPattern::kPulsed);
  CHECK(chime[0].duration == seconds(80));
}

// ---- squawk -------------------------------------------------------------------------------------

TEST_CASE("squawk: an accepted arm squawks armed once, at the start of the exit delay") {
  Harness h;
  auto actions = h.Send(CommandAction::kArmAway, "1234");
  REQUIRE(h.panel.mode() == Mode::kArming);
  const auto squawks = All<Squawk>(actions);
  REQUIRE(squawks.size() == 1);
  CHECK(squawks[0].armed);
  actions = h.Advance(seconds(60));
  CHECK(h.panel.mode() == Mode::kArmedAway);
  CHECK(All<Squawk>(actions).empty());
}

TEST_CASE("squawk: arming a mode without exit delay squawks armed at once") {
  PanelConfig config = StandardConfig();
  config.timing[Mode::kArmedHome].exit_delay = seconds(0);
  Harness h(config);
  const auto actions = h.Send(CommandAction::kArmHome, "1234");
  REQUIRE(h.panel.mode() == Mode::kArmedHome);
  REQUIRE(All<Squawk>(actions).size() == 1);
  CHECK(All<Squawk>(actions)[0].armed);
}

TEST_CASE("squawk: a refused arm does not squawk") {
  Harness h;
  h.Read("kitchen_window", "latch", "open");
  CHECK(All<Squawk>(h.Send(CommandAction::kArmAway, "1234")).empty());  // zone open
  h.Read("kitchen_window", "latch", "closed");
  CHECK(All<Squawk>(h.Send(CommandAction::kArmAway, "0000")).empty());  // wrong code
}

TEST_CASE("squawk: a disarm squawks disarmed once") {
  Harness h;
  h.ArmAndWait();
  const auto squawks = All<Squawk>(h.Disarm());
  REQUIRE(squawks.size() == 1);
  CHECK_FALSE(squawks[0].armed);
}

TEST_CASE("squawk: cancelling the exit delay squawks disarmed") {
  Harness h;
  h.Send(CommandAction::kArmAway, "1234");
  const auto squawks = All<Squawk>(h.Disarm());
  REQUIRE(squawks.size() == 1);
  CHECK_FALSE(squawks[0].armed);
}

TEST_CASE("squawk: the disarm squawk comes after the alarm outputs are off") {
  Harness h;
  h.ArmAndWait();
  h.Read("kitchen_window", "latch", "open");
  const auto actions = h.Disarm();
  const std::size_t squawk = IndexOf<Squawk>(actions);
  REQUIRE(squawk < actions.size());
  for (std::size_t i = squawk; i < actions.size(); ++i) {
    CHECK_FALSE(std::holds_alternative<SetOutput>(actions[i]));
  }
}

// What the house shows for a list of actions: outputs, squawks, states and the command result.
std::vector<std::string> Shown(const std::vector<Action>& actions) {
  std::vector<std::string> out;
  for (const Action& action : actions) {
    if (const auto* o = std::get_if<SetOutput>(&action)) {
      out.push_back("output " + std::string(ToString(o->kind)) + " " +
                    std::string(ToString(o->pattern)) + " " + std::to_string(o->duration.count()));
    } else if (const auto* s = std::get_if<Squawk>(&action)) {
      out.push_back(s->armed ? "squawk armed" : "squawk disarmed");
    } else if (const auto* state = std::get_if<StateChanged>(&action)) {
      out.push_back("state " + std::string(ToString(state->mode)));
    } else if (const auto* result = std::get_if<CommandResult>(&action)) {
      out.push_back("result " + result->reason + " " + result->message + " " + result->user);
    }
  }
  return out;
}

TEST_CASE("squawk: a duress disarm during an alarm squawks and switches off exactly as anna's") {
  Harness normal;
  Harness duress;
  for (Harness* h : {&normal, &duress}) {
    EnterArmedHouse(*h);
    h->Advance(seconds(30));
  }
  const auto expected = Shown(normal.Disarm("1234"));
  const auto seen = Shown(duress.Disarm("9999"));
  CHECK(seen == expected);
  CHECK(std::find(seen.begin(), seen.end(), "squawk disarmed") != seen.end());
  CHECK(std::find(seen.begin(), seen.end(), "output strobe off 0") != seen.end());
}

TEST_CASE("squawk: a duress disarm while armed squawks exactly as a normal disarm") {
  Harness normal;
  Harness duress;
  normal.ArmAndWait();
  duress.ArmAndWait();
  const auto expected = Shown(normal.Disarm("1234"));
  const auto seen = Shown(duress.Disarm("9999"));
  CHECK(seen == expected);
  CHECK(std::find(seen.begin(), seen.end(), "squawk disarmed") != seen.end());
}

// ---- silent alarms ------------------------------------------------------------------------------

TEST_CASE("silent alarms: a silent panic drives no siren, strobe, deterrent or squawk") {
  PanelConfig config = StandardConfig();
  config.zones[8].silent = true;  // panic_button
  Harness h(config);
  const auto actions = h.Read("panic_button", "contact", "open");
  REQUIRE(FindEvent(actions, "silent_panic"));
  CHECK(All<SetOutput>(actions).empty());
  CHECK(All<Squawk>(actions).empty());
  CHECK(All<SetOutput>(h.Advance(minutes(5))).empty());
}

TEST_CASE("silent alarms: a silent panic while armed shows nothing either") {
  PanelConfig config = StandardConfig();
  config.zones[8].silent = true;
  Harness h(config);
  h.ArmAndWait();
  const auto actions = h.Read("panic_button", "contact", "open");
  CHECK(All<SetOutput>(actions).empty());
  CHECK(h.panel.mode() == Mode::kArmedAway);
}

TEST_CASE("silent alarms: the duress code raises its alarm without siren, strobe or deterrent") {
  Harness h;
  h.ArmAndWait();
  const auto actions = h.Disarm("9999");
  REQUIRE(FindEvent(actions, "duress"));
  CHECK_FALSE(AnythingOn(actions));
  CHECK(All<SetOutput>(h.Advance(minutes(5))).empty());
}

TEST_CASE("silent alarms: medical and a tamper while disarmed light no strobe") {
  Harness h;
  CHECK(All<SetOutput>(h.Send(CommandAction::kMedical, std::nullopt)).empty());
  CHECK(All<SetOutput>(h.Read("front_door", "tamper", true)).empty());
}

}  // namespace
}  // namespace homesec::test
