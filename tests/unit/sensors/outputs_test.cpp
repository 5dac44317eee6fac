// GPIO outputs through the simulated chip: steady, pulsed, timed off, all off at disarm, the
// arm/disarm squawk, and the panel's output sequences driven onto real (simulated) lines.
#include <doctest/doctest.h>

#include "rules/panel.hpp"
#include "sensors/gpio_outputs.hpp"
#include "tests/unit/sensors/gpio_test_support.hpp"

namespace homesec {
namespace {

using test::MakeClock;
using test::SimChipDir;
using test::SimLine;

OutputConfig GpioOutput(const std::string& id, const std::string& kind, int line) {
  OutputConfig cfg;
  cfg.id = id;
  cfg.kind = kind;
  cfg.driver = OutputDriver::kGpio;
  cfg.gpio = SimLine(line);
  return cfg;
}

SetOutput Action(OutputKind kind, OutputPattern pattern, Seconds duration = Seconds{0}) {
  SetOutput action;
  action.kind = kind;
  action.pattern = pattern;
  action.duration = duration;
  return action;
}

struct Rig {
  SimChipDir chip;
  std::shared_ptr<Now> clock = MakeClock();
  GpioOutputs outputs{"homesec-test", chip.Factory(clock)};
  std::vector<std::string> errors;

  Rig() {
    REQUIRE(outputs.Open({GpioOutput("siren_relay", "siren", 20),
                          GpioOutput("strobe", "strobe", 21), GpioOutput("dog", "deterrent", 22)},
                         &errors));
  }
  // The physical level in the simulated chip, as the demo or a test harness sees it.
  std::optional<bool> Line(const std::string& line) const {
    return ReadSimLevel(chip.root(), "sim0", line);
  }
  void AdvanceTo(Millis since_start, MonoTime start) {
    clock->mono = start + since_start;
    outputs.OnTick(*clock, &errors);
  }
};

TEST_CASE("gpio outputs: lines start off") {
  Rig rig;
  CHECK(rig.Line("20") == std::optional<bool>(false));
  CHECK_FALSE(rig.outputs.IsOn("siren_relay"));
  CHECK_FALSE(rig.outputs.NextDeadline().has_value());
}

TEST_CASE("gpio outputs: steady switches the siren relay on until told otherwise") {
  Rig rig;
  rig.outputs.Apply(Action(OutputKind::kSiren, OutputPattern::kSteady), *rig.clock, &rig.errors);
  CHECK(rig.outputs.IsOn("siren_relay"));
  CHECK(rig.Line("20") == std::optional<bool>(true));
  CHECK(rig.outputs.PatternOf("siren_relay") == OutputPattern::kSteady);
  CHECK_FALSE(rig.outputs.NextDeadline().has_value());
  CHECK(rig.errors.empty());
}

TEST_CASE("gpio outputs: only outputs of the action's kind are driven") {
  Rig rig;
  rig.outputs.Apply(Action(OutputKind::kStrobe, OutputPattern::kSteady), *rig.clock);
  CHECK(rig.Line("21") == std::optional<bool>(true));
  CHECK(rig.Line("20") == std::optional<bool>(false));
  CHECK(rig.Line("22") == std::optional<bool>(false));
}

TEST_CASE("gpio outputs: pulsed follows the 500 ms on / 500 ms off cadence") {
  Rig rig;
  const MonoTime start = rig.clock->mono;
  rig.outputs.Apply(Action(OutputKind::kDeterrent, OutputPattern::kPulsed), *rig.clock);
  CHECK(rig.Line("22") == std::optional<bool>(true));
  CHECK(rig.outputs.NextDeadline() == start + kPulseOn);
  rig.AdvanceTo(Millis{499}, start);
  CHECK(rig.Line("22") == std::optional<bool>(true));
  rig.AdvanceTo(Millis{500}, start);
  CHECK(rig.Line("22") == std::optional<bool>(false));
  CHECK(rig.outputs.NextDeadline() == start + kPulseOn + kPulseOff);
  rig.AdvanceTo(Millis{1000}, start);
  CHECK(rig.Line("22") == std::optional<bool>(true));
  rig.AdvanceTo(Millis{1500}, start);
  CHECK(rig.Line("22") == std::optional<bool>(false));
}

TEST_CASE("gpio outputs: an output goes off when its duration ends (siren timeout)") {
  Rig rig;
  const MonoTime start = rig.clock->mono;
  rig.outputs.Apply(Action(OutputKind::kSiren, OutputPattern::kSteady, Seconds{180}), *rig.clock);
  CHECK(rig.outputs.NextDeadline() == start + Seconds{180});
  rig.AdvanceTo(Seconds{179}, start);
  CHECK(rig.Line("20") == std::optional<bool>(true));
  rig.AdvanceTo(Seconds{180}, start);
  CHECK(rig.Line("20") == std::optional<bool>(false));
  CHECK(rig.outputs.PatternOf("siren_relay") == OutputPattern::kOff);
  CHECK_FALSE(rig.outputs.NextDeadline().has_value());
}

TEST_CASE("gpio outputs: a pulsed output with a duration ends off") {
  Rig rig;
  const MonoTime start = rig.clock->mono;
  rig.outputs.Apply(Action(OutputKind::kDeterrent, OutputPattern::kPulsed, Seconds{2}), *rig.clock);
  for (Millis t{500}; t <= Millis{2000}; t += Millis{500}) rig.AdvanceTo(t, start);
  CHECK(rig.Line("22") == std::optional<bool>(false));
  CHECK_FALSE(rig.outputs.NextDeadline().has_value());
}

TEST_CASE("gpio outputs: the off pattern switches the output off") {
  Rig rig;
  rig.outputs.Apply(Action(OutputKind::kSiren, OutputPattern::kSteady), *rig.clock);
  rig.outputs.Apply(Action(OutputKind::kSiren, OutputPattern::kOff), *rig.clock);
  CHECK(rig.Line("20") == std::optional<bool>(false));
}

TEST_CASE("gpio outputs: AllOff at disarm switches every output off and stops patterns") {
  Rig rig;
  rig.outputs.Apply(Action(OutputKind::kSiren, OutputPattern::kSteady), *rig.clock);
  rig.outputs.Apply(Action(OutputKind::kStrobe, OutputPattern::kPulsed), *rig.clock);
  rig.outputs.Apply(Action(OutputKind::kDeterrent, OutputPattern::kPulsed), *rig.clock);
  rig.outputs.AllOff(&rig.errors);
  for (const char* line : {"20", "21", "22"}) CHECK(rig.Line(line) == std::optional<bool>(false));
  CHECK_FALSE(rig.outputs.NextDeadline().has_value());
  CHECK(rig.errors.empty());
}

TEST_CASE("gpio outputs: an active-low relay is driven low when on") {
  SimChipDir chip;
  auto clock = MakeClock();
  GpioOutputs outputs("homesec-test", chip.Factory(clock));
  OutputConfig relay = GpioOutput("siren_relay", "siren", 30);
  REQUIRE(relay.gpio);
  relay.gpio->active_low = true;
  std::vector<std::string> errors;
  REQUIRE(outputs.Open({relay}, &errors));
  CHECK(ReadSimLevel(chip.root(), "sim0", "30") == std::optional<bool>(true));
  outputs.Apply(Action(OutputKind::kSiren, OutputPattern::kSteady), *clock);
  CHECK(ReadSimLevel(chip.root(), "sim0", "30") == std::optional<bool>(false));
}

TEST_CASE("gpio outputs: a line already held is an error naming output, chip and line") {
  SimChipDir chip;
  auto clock = MakeClock();
  GpioOutputs first("alarmd", chip.Factory(clock));
  GpioOutputs second("homesecd", chip.Factory(clock));
  std::vector<std::string> errors;
  REQUIRE(first.Open({GpioOutput("siren_relay", "siren", 20)}, &errors));
  CHECK_FALSE(second.Open({GpioOutput("siren_relay", "siren", 20)}, &errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == "siren_relay: sim0 line 20: busy (used by 'alarmd')");
}

TEST_CASE("gpio outputs: zigbee outputs are left to the zigbee adapter") {
  SimChipDir chip;
  auto clock = MakeClock();
  GpioOutputs outputs("homesec-test", chip.Factory(clock));
  OutputConfig zigbee;
  zigbee.id = "hall_siren";
  zigbee.kind = "siren";
  zigbee.driver = OutputDriver::kZigbeeSiren;
  zigbee.zigbee = "Hall siren";
  std::vector<std::string> errors;
  CHECK(outputs.Open({zigbee}, &errors));
  CHECK(errors.empty());
  outputs.Apply(Action(OutputKind::kSiren, OutputPattern::kSteady), *clock);
  CHECK_FALSE(outputs.IsOn("hall_siren"));
}

// ---- squawk ------------------------------------------------------------------------------------

// A siren relay and a chime buzzer that squawk, a siren relay that does not, and a strobe and a
// deterrent (which never squawk).
struct SquawkRig {
  SimChipDir chip;
  std::shared_ptr<Now> clock = MakeClock();
  GpioOutputs outputs{"homesec-test", chip.Factory(clock)};
  std::vector<std::string> errors;
  MonoTime start = clock->mono;

  SquawkRig() {
    OutputConfig siren = GpioOutput("outdoor_siren", "siren", 20);
    siren.squawk = true;
    OutputConfig chime = GpioOutput("hall_chime", "chime", 23);
    chime.squawk = true;
    OutputConfig quiet = GpioOutput("indoor_siren", "siren", 24);
    REQUIRE(outputs.Open({siren, GpioOutput("strobe", "strobe", 21),
                          GpioOutput("dog", "deterrent", 22), chime, quiet},
                         &errors));
  }
  std::optional<bool> Line(const std::string& line) const {
    return ReadSimLevel(chip.root(), "sim0", line);
  }
  // Runs OnTick at every deadline up to `since_start`, recording the siren line's level after
  // each step as (ms since start, level).
  std::vector<std::pair<long, bool>> RunTo(Millis since_start, const std::string& line = "20") {
    std::vector<std::pair<long, bool>> trace;
    for (int guard = 0; guard < 1000; ++guard) {
      const auto next = outputs.NextDeadline();
      if (!next || *next > start + since_start) break;
      clock->mono = *next;
      outputs.OnTick(*clock, &errors);
      trace.emplace_back((clock->mono - start).count(), Line(line).value_or(false));
    }
    clock->mono = start + since_start;
    return trace;
  }
};

using Trace = std::vector<std::pair<long, bool>>;

TEST_CASE("gpio squawk: armed is one 100 ms chirp on squawk siren and chime outputs") {
  SquawkRig rig;
  rig.outputs.Squawk(/*armed=*/true, *rig.clock, &rig.errors);
  CHECK(rig.Line("20") == std::optional<bool>(true));
  CHECK(rig.Line("23") == std::optional<bool>(true));
  CHECK(rig.outputs.IsSquawking("outdoor_siren"));
  CHECK(rig.RunTo(Millis{1000}) == Trace{{100, false}});
  CHECK(rig.Line("23") == std::optional<bool>(false));
  CHECK_FALSE(rig.outputs.IsSquawking("outdoor_siren"));
  CHECK_FALSE(rig.outputs.NextDeadline().has_value());
  CHECK(rig.outputs.PatternOf("outdoor_siren") == OutputPattern::kOff);
  CHECK(rig.errors.empty());
}

TEST_CASE("gpio squawk: disarmed is two 100 ms chirps 200 ms apart") {
  SquawkRig rig;
  rig.outputs.Squawk(/*armed=*/false, *rig.clock, &rig.errors);
  CHECK(rig.Line("20") == std::optional<bool>(true));
  CHECK(rig.RunTo(Millis{1000}) == Trace{{100, false}, {300, true}, {400, false}});
  CHECK_FALSE(rig.outputs.NextDeadline().has_value());
  CHECK(rig.errors.empty());
}

TEST_CASE("gpio squawk: outputs without squawk, strobes and deterrents stay silent") {
  SquawkRig rig;
  rig.outputs.Squawk(/*armed=*/false, *rig.clock, &rig.errors);
  for (const char* line : {"21", "22", "24"}) CHECK(rig.Line(line) == std::optional<bool>(false));
  CHECK(rig.RunTo(Millis{1000}, "24") == Trace{{100, false}, {300, false}, {400, false}});
}

TEST_CASE("gpio squawk: a siren output sounding an alarm is not interrupted by a squawk") {
  SquawkRig rig;
  rig.outputs.Apply(Action(OutputKind::kSiren, OutputPattern::kSteady, Seconds{180}), *rig.clock);
  rig.outputs.Squawk(/*armed=*/false, *rig.clock, &rig.errors);
  CHECK_FALSE(rig.outputs.IsSquawking("outdoor_siren"));
  rig.RunTo(Millis{1000});
  CHECK(rig.Line("20") == std::optional<bool>(true));
  CHECK(rig.outputs.PatternOf("outdoor_siren") == OutputPattern::kSteady);
}

TEST_CASE("gpio squawk: the disarm's offs for an idle output do not cut its chirps short") {
  SquawkRig rig;
  rig.outputs.Squawk(/*armed=*/false, *rig.clock, &rig.errors);
  rig.outputs.Apply(Action(OutputKind::kSiren, OutputPattern::kOff), *rig.clock);
  rig.outputs.Apply(Action(OutputKind::kChime, OutputPattern::kOff), *rig.clock);
  CHECK(rig.Line("20") == std::optional<bool>(true));
  CHECK(rig.RunTo(Millis{1000}) == Trace{{100, false}, {300, true}, {400, false}});
}

TEST_CASE("gpio squawk: an alarm during a chirp takes the output over at once") {
  SquawkRig rig;
  rig.outputs.Squawk(/*armed=*/false, *rig.clock, &rig.errors);
  rig.RunTo(Millis{150});
  CHECK(rig.Line("20") == std::optional<bool>(false));
  rig.outputs.Apply(Action(OutputKind::kSiren, OutputPattern::kSteady), *rig.clock);
  CHECK_FALSE(rig.outputs.IsSquawking("outdoor_siren"));
  rig.RunTo(Millis{1000});
  CHECK(rig.Line("20") == std::optional<bool>(true));
}

TEST_CASE("gpio squawk: AllOff ends a chirp") {
  SquawkRig rig;
  rig.outputs.Squawk(/*armed=*/true, *rig.clock, &rig.errors);
  rig.outputs.AllOff(&rig.errors);
  CHECK(rig.Line("20") == std::optional<bool>(false));
  CHECK_FALSE(rig.outputs.IsSquawking("outdoor_siren"));
  CHECK_FALSE(rig.outputs.NextDeadline().has_value());
}

TEST_CASE("gpio outputs: a chime output pulses for its duration and ends off") {
  SquawkRig rig;
  rig.outputs.Apply(Action(OutputKind::kChime, OutputPattern::kPulsed, Seconds{2}), *rig.clock);
  CHECK(rig.RunTo(Millis{5000}, "23") ==
        Trace{{500, false}, {1000, true}, {1500, false}, {2000, false}});
  CHECK(rig.outputs.PatternOf("hall_chime") == OutputPattern::kOff);
  CHECK_FALSE(rig.outputs.NextDeadline().has_value());
}

TEST_CASE("gpio outputs: destroying the outputs (shutdown) leaves every line driven off") {
  SimChipDir chip;
  auto clock = MakeClock();
  {
    GpioOutputs outputs("homesec-test", chip.Factory(clock));
    std::vector<std::string> errors;
    REQUIRE(outputs.Open({GpioOutput("siren_relay", "siren", 20),
                          GpioOutput("strobe", "strobe", 21), GpioOutput("dog", "deterrent", 22)},
                         &errors));
    outputs.Apply(Action(OutputKind::kSiren, OutputPattern::kSteady), *clock);
    outputs.Apply(Action(OutputKind::kStrobe, OutputPattern::kSteady), *clock);
    outputs.Apply(Action(OutputKind::kDeterrent, OutputPattern::kPulsed), *clock);
    CHECK(ReadSimLevel(chip.root(), "sim0", "20") == std::optional<bool>(true));
  }
  for (const char* line : {"20", "21", "22"}) {
    CHECK(ReadSimLevel(chip.root(), "sim0", line) == std::optional<bool>(false));
  }
}

// ---- the panel's sequences on the lines ---------------------------------------------------------

// A real panel whose SetOutput and Squawk actions drive the GPIO outputs, as daemon/app.cpp
// does, with one manual clock for both.
struct PanelRig {
  SimChipDir chip;
  std::shared_ptr<Now> clock = MakeClock();
  GpioOutputs outputs{"homesec-test", chip.Factory(clock)};
  std::optional<Panel> panel;
  std::vector<std::string> errors;

  PanelRig() {
    OutputConfig siren = GpioOutput("siren_relay", "siren", 20);
    siren.squawk = true;
    REQUIRE(outputs.Open({siren, GpioOutput("strobe", "strobe", 21),
                          GpioOutput("dog", "deterrent", 22), GpioOutput("chime", "chime", 23)},
                         &errors));
    PanelConfig config;
    config.hub_id = "hub-test";
    ZoneConfig door;
    door.id = "front_door";
    door.number = 1;
    door.type = ZoneType::kEntryExit;
    door.device = "front_door";
    door.property = "contact";
    ZoneConfig leak;
    leak.id = "leak";
    leak.number = 2;
    leak.type = ZoneType::kWater24h;
    leak.device = "leak_sensor";
    leak.property = "water_leak";
    config.zones = {door, leak};
    config.codes.code_required_to_arm = false;
    panel.emplace(config);
    Execute(panel->Start(*clock));
    Execute(panel->Handle(Reading{"front_door", "contact", "closed", true}, *clock));
    Execute(panel->Handle(Reading{"leak_sensor", "water_leak", false, true}, *clock));
  }
  void Execute(const std::vector<homesec::Action>& actions) {
    for (const homesec::Action& action : actions) {
      if (const auto* output = std::get_if<SetOutput>(&action)) {
        outputs.Apply(*output, *clock, &errors);
      } else if (const auto* squawk = std::get_if<homesec::Squawk>(&action)) {
        outputs.Squawk(squawk->armed, *clock, &errors);
      }
    }
  }
  void Handle(const Input& input) { Execute(panel->Handle(input, *clock)); }
  // Steps the clock through every output and panel deadline up to `d` from now.
  void Advance(Millis d) {
    const MonoTime target = clock->mono + d;
    for (int guard = 0; guard < 100000; ++guard) {
      std::optional<MonoTime> next = panel->NextDeadline(*clock);
      const auto out_next = outputs.NextDeadline();
      if (out_next && (!next || *out_next < *next)) next = out_next;
      if (!next || *next > target) break;
      *clock = *clock + (*next - clock->mono);
      outputs.OnTick(*clock, &errors);
      if (const auto due = panel->NextDeadline(*clock); due && *due <= clock->mono) Handle(Tick{});
    }
    *clock = *clock + (target - clock->mono);
  }
  bool On(const std::string& line) const {
    return ReadSimLevel(chip.root(), "sim0", line).value_or(false);
  }
  Command Cmd(CommandAction action) const {
    Command command;
    command.action = action;
    command.source = "test";
    return command;
  }
};

TEST_CASE("gpio outputs: a burglary through the panel barks, sounds, keeps the strobe, squawks") {
  PanelRig rig;
  rig.Handle(rig.Cmd(CommandAction::kArmAway));
  CHECK(rig.On("20"));  // the arm squawk's chirp
  rig.Advance(Seconds{60});
  CHECK_FALSE(rig.On("20"));
  rig.Handle(Reading{"front_door", "contact", "open"});
  CHECK(rig.On("22"));  // entry delay: the dog barks, pulsed
  CHECK(rig.outputs.PatternOf("dog") == OutputPattern::kPulsed);
  CHECK_FALSE(rig.On("20"));
  CHECK_FALSE(rig.On("21"));
  rig.Advance(Seconds{30});
  CHECK(rig.On("20"));
  CHECK(rig.On("21"));
  CHECK(rig.outputs.PatternOf("dog") == OutputPattern::kSteady);
  rig.Advance(Seconds{180});
  CHECK_FALSE(rig.On("20"));
  CHECK_FALSE(rig.On("22"));
  CHECK(rig.On("21"));  // the strobe stays on for the patrol
  CHECK(rig.errors.empty());
}

TEST_CASE("gpio outputs: a water leak through the panel chimes until the sensor is dry") {
  PanelRig rig;
  rig.Handle(Reading{"leak_sensor", "water_leak", true});
  CHECK(rig.outputs.PatternOf("chime") == OutputPattern::kPulsed);
  rig.Advance(Seconds{60});
  CHECK(rig.outputs.PatternOf("chime") == OutputPattern::kPulsed);
  rig.Handle(Reading{"leak_sensor", "water_leak", false});
  CHECK(rig.outputs.PatternOf("chime") == OutputPattern::kOff);
  CHECK_FALSE(rig.On("23"));
}

}  // namespace
}  // namespace homesec
