// GPIO outputs through the simulated chip: steady, pulsed, timed off, all off at disarm.
#include <doctest/doctest.h>

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

}  // namespace
}  // namespace homesec
