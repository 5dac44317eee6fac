// GPIO inputs through the simulated chip: initial levels, edges, active-low, debounce, roles.
#include "sensors/gpio_inputs.hpp"

#include <doctest/doctest.h>

#include "tests/unit/sensors/gpio_test_support.hpp"

namespace homesec {
namespace {

using test::MakeClock;
using test::SimChipDir;
using test::SimLine;

struct Rig {
  SimChipDir chip;
  std::shared_ptr<Now> clock = MakeClock();
  GpioInputs inputs{"homesec-test", chip.Factory(clock)};
  std::vector<Reading> initial;
  std::vector<std::string> errors;

  bool Open(const std::vector<std::pair<std::string, GpioLineConfig>>& lines) {
    return inputs.Open(lines, *clock, &initial, &errors);
  }
  void Advance(Millis d) { *clock = *clock + d; }
  std::vector<Reading> Read() {
    std::vector<Reading> out;
    for (int fd : inputs.Fds()) {
      for (Reading& r : inputs.OnReadable(fd, *clock)) out.push_back(std::move(r));
    }
    return out;
  }
};

Value Open() {
  return std::string("open");
}
Value Closed() {
  return std::string("closed");
}

TEST_CASE("gpio inputs: the level at start is read as an initial reading") {
  Rig rig;
  REQUIRE(rig.chip.Drive("sim0", "4", true));
  REQUIRE(rig.Open({{"front_door", SimLine(4)}, {"back_door", SimLine(5)}}));
  REQUIRE(rig.initial.size() == 2);
  CHECK(rig.initial[0].device == "front_door");
  CHECK(rig.initial[0].property == "contact");
  CHECK(rig.initial[0].value == Open());
  CHECK(rig.initial[0].initial);
  CHECK(rig.initial[1].device == "back_door");
  CHECK(rig.initial[1].value == Closed());
}

TEST_CASE("gpio inputs: an unset line with pull-up reads high") {
  Rig rig;
  GpioLineConfig cfg = SimLine(2);
  cfg.bias = Bias::kPullUp;
  REQUIRE(rig.Open({{"door", cfg}}));
  CHECK(rig.initial.at(0).value == Open());
}

TEST_CASE("gpio inputs: an edge produces a reading once stable for the debounce time") {
  Rig rig;
  REQUIRE(rig.Open({{"door", SimLine(3)}}));
  REQUIRE(rig.chip.Drive("sim0", "3", true));
  CHECK(rig.Read().empty());
  REQUIRE(rig.inputs.NextDeadline().has_value());
  CHECK(*rig.inputs.NextDeadline() == rig.clock->mono + Millis{50});
  rig.Advance(Millis{49});
  CHECK(rig.inputs.OnTick(*rig.clock).empty());
  rig.Advance(Millis{1});
  std::vector<Reading> readings = rig.inputs.OnTick(*rig.clock);
  REQUIRE(readings.size() == 1);
  CHECK(readings[0].device == "door");
  CHECK(readings[0].value == Open());
  CHECK_FALSE(readings[0].initial);
  CHECK_FALSE(rig.inputs.NextDeadline().has_value());
}

TEST_CASE("gpio inputs: active_low inverts the physical level") {
  Rig rig;
  GpioLineConfig cfg = SimLine(7, LineRole::kContact, Millis{0});
  cfg.active_low = true;
  REQUIRE(rig.chip.Drive("sim0", "7", true));  // NC contact closed: pulled high
  REQUIRE(rig.Open({{"window", cfg}}));
  CHECK(rig.initial.at(0).value == Closed());
  REQUIRE(rig.chip.Drive("sim0", "7", false));
  std::vector<Reading> readings = rig.Read();
  REQUIRE(readings.size() == 1);
  CHECK(readings[0].value == Open());
}

TEST_CASE("gpio inputs: chatter shorter than the debounce produces no reading") {
  Rig rig;
  REQUIRE(rig.Open({{"door", SimLine(3, LineRole::kContact, Millis{100})}}));
  REQUIRE(rig.chip.Drive("sim0", "3", true));
  CHECK(rig.Read().empty());
  rig.Advance(Millis{30});
  REQUIRE(rig.chip.Drive("sim0", "3", false));
  CHECK(rig.Read().empty());
  rig.Advance(Millis{500});
  CHECK(rig.inputs.OnTick(*rig.clock).empty());
  CHECK_FALSE(rig.inputs.NextDeadline().has_value());
}

TEST_CASE("gpio inputs: a 400 ms alarm pulse at the maximum debounce gives open then closed") {
  Rig rig;
  REQUIRE(rig.Open({{"panic", SimLine(9, LineRole::kContact, kMaxDebounce)}}));
  std::vector<Reading> seen;
  auto collect = [&seen](std::vector<Reading> r) { seen.insert(seen.end(), r.begin(), r.end()); };
  REQUIRE(rig.chip.Drive("sim0", "9", true));
  collect(rig.Read());
  rig.Advance(kMaxDebounce);
  collect(rig.inputs.OnTick(*rig.clock));
  rig.Advance(Millis{400} - kMaxDebounce);
  REQUIRE(rig.chip.Drive("sim0", "9", false));
  collect(rig.Read());
  rig.Advance(kMaxDebounce);
  collect(rig.inputs.OnTick(*rig.clock));
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].value == Open());
  CHECK(seen[1].value == Closed());
}

TEST_CASE("gpio inputs: each role produces its property") {
  Rig rig;
  REQUIRE(rig.Open({{"latch", SimLine(1, LineRole::kLatch)},
                    {"lid", SimLine(2, LineRole::kTamper)},
                    {"button", SimLine(3, LineRole::kPanic)},
                    {"key", SimLine(4, LineRole::kKeyswitch)}}));
  REQUIRE(rig.initial.size() == 4);
  CHECK(rig.initial[0].property == "latch");
  CHECK(rig.initial[0].value == Closed());
  CHECK(rig.initial[1].property == "tamper");
  CHECK(rig.initial[1].value == Value(false));
  CHECK(rig.initial[2].property == "panic");
  CHECK(rig.initial[3].property == "keyswitch");
  for (const char* line : {"1", "2", "3", "4"}) REQUIRE(rig.chip.Drive("sim0", line, true));
  rig.Read();
  rig.Advance(Millis{50});
  std::vector<Reading> readings = rig.inputs.OnTick(*rig.clock);
  REQUIRE(readings.size() == 4);
  for (const Reading& r : readings) {
    if (r.property == "latch") {
      CHECK(r.value == Open());
    } else {
      CHECK(r.value == Value(true));
    }
  }
}

TEST_CASE("gpio inputs: every open line has its own fd") {
  Rig rig;
  REQUIRE(rig.Open({{"a", SimLine(1)}, {"b", SimLine(2)}, {"c", SimLine(3)}}));
  std::vector<int> fds = rig.inputs.Fds();
  REQUIRE(fds.size() == 3);
  CHECK(fds[0] != fds[1]);
  CHECK(fds[1] != fds[2]);
  CHECK(fds[0] >= 0);
}

TEST_CASE("gpio inputs: a debounce above the maximum is refused naming chip and line") {
  Rig rig;
  CHECK_FALSE(rig.Open({{"door", SimLine(3, LineRole::kContact, Millis{500})}}));
  REQUIRE(rig.errors.size() == 1);
  CHECK(rig.errors[0].find("door: sim0 line 3: debounce_ms 500") == 0);
  CHECK(rig.initial.empty());
}

TEST_CASE("gpio inputs: a line that fails to open does not stop the others") {
  Rig rig;
  CHECK_FALSE(rig.Open({{"a", SimLine(1)}, {"dup", SimLine(1)}, {"b", SimLine(2)}}));
  REQUIRE(rig.errors.size() == 1);
  CHECK(rig.errors[0] == "dup: sim0 line 1: busy (used by 'homesec-test')");
  CHECK(rig.initial.size() == 2);
  CHECK(rig.inputs.Fds().size() == 2);
}

}  // namespace
}  // namespace homesec
