// The GPIO behaviour tests against the kernel's gpio-sim through the real libgpiod backend:
// initial level, edges, active-low, debounce, busy lines, outputs. Where the kernel has no
// gpio-sim each case prints "SKIPPED: no gpio-sim (...)" and returns; ctest reports it as
// skipped through the suite's SKIP_REGULAR_EXPRESSION.
#include <doctest/doctest.h>
#include <poll.h>

#include <cstdio>

#include "sensors/gpio_inputs.hpp"
#include "sensors/gpio_outputs.hpp"
#include "tests/hw/gpio_sim_kernel.hpp"

namespace homesec {
namespace {

using test::KernelGpioSim;

int skipped_cases = 0;

// Returns true (after printing the skip line) when the kernel has no usable gpio-sim.
bool SkipWithoutGpioSim() {
  const std::string& reason = KernelGpioSim::UnavailableReason();
  if (reason.empty()) return false;
  MESSAGE("SKIPPED: no gpio-sim (" << reason << ")");
  ++skipped_cases;
  return true;
}

// doctest counts an early return as a pass; this says at the end of the run what really ran.
struct SkipSummary : doctest::IReporter {
  explicit SkipSummary(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats&) override {
    if (skipped_cases > 0) {
      std::printf("[hw_tests] %d test case(s) SKIPPED: no gpio-sim (%s)\n", skipped_cases,
                  KernelGpioSim::UnavailableReason().c_str());
    }
  }
  void test_case_start(const doctest::TestCaseData&) override {}
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};
REGISTER_LISTENER("homesec_hw_skip_summary", 1, SkipSummary);

Now RealNow() {
  return Now{std::chrono::time_point_cast<Millis>(std::chrono::steady_clock::now()),
             std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now())};
}

GpioLineConfig KernelLine(const KernelGpioSim& sim, int offset, Millis debounce = Millis{20}) {
  GpioLineConfig cfg;
  cfg.chip = sim.chip_name();
  cfg.line = offset;
  cfg.debounce = debounce;
  return cfg;
}

// Runs the inputs like the daemon's loop would, for `span`, collecting readings.
std::vector<Reading> Pump(GpioInputs& inputs, Millis span) {
  std::vector<Reading> readings;
  const MonoTime end = RealNow().mono + span;
  for (;;) {
    Now now = RealNow();
    for (Reading& r : inputs.OnTick(now)) readings.push_back(std::move(r));
    if (now.mono >= end) break;
    MonoTime wake = end;
    if (auto deadline = inputs.NextDeadline(); deadline && *deadline < wake) wake = *deadline;
    std::vector<pollfd> fds;
    for (int fd : inputs.Fds()) fds.push_back(pollfd{fd, POLLIN, 0});
    const int timeout_ms = static_cast<int>(std::max<Millis::rep>(0, (wake - now.mono).count()));
    if (poll(fds.data(), fds.size(), timeout_ms) > 0) {
      for (const pollfd& p : fds) {
        if (p.revents & POLLIN) {
          for (Reading& r : inputs.OnReadable(p.fd, RealNow())) readings.push_back(std::move(r));
        }
      }
    }
  }
  return readings;
}

struct Rig {
  KernelGpioSim sim;
  std::string error;
  GpioInputs inputs{"homesec-hw-test"};
  std::vector<Reading> initial;
  std::vector<std::string> errors;

  bool Create() { return sim.Create(8, &error); }
  bool Open(const std::vector<std::pair<std::string, GpioLineConfig>>& lines) {
    return inputs.Open(lines, RealNow(), &initial, &errors);
  }
};

TEST_CASE("hw gpio-sim: the level at start is read as an initial reading") {
  if (SkipWithoutGpioSim()) return;
  Rig rig;
  REQUIRE_MESSAGE(rig.Create(), rig.error);
  REQUIRE(rig.sim.SetLevel(3, true));
  REQUIRE(rig.Open({{"door", KernelLine(rig.sim, 3)}, {"window", KernelLine(rig.sim, 4)}}));
  REQUIRE(rig.initial.size() == 2);
  CHECK(rig.initial[0].value == Value(std::string("open")));
  CHECK(rig.initial[0].initial);
  CHECK(rig.initial[1].value == Value(std::string("closed")));
}

TEST_CASE("hw gpio-sim: an edge produces a reading once stable for the debounce time") {
  if (SkipWithoutGpioSim()) return;
  Rig rig;
  REQUIRE_MESSAGE(rig.Create(), rig.error);
  REQUIRE(rig.Open({{"door", KernelLine(rig.sim, 2)}}));
  REQUIRE(rig.sim.SetLevel(2, true));
  std::vector<Reading> readings = Pump(rig.inputs, Millis{200});
  REQUIRE(readings.size() == 1);
  CHECK(readings[0].value == Value(std::string("open")));
  CHECK_FALSE(readings[0].initial);
}

TEST_CASE("hw gpio-sim: active_low inverts the physical level") {
  if (SkipWithoutGpioSim()) return;
  Rig rig;
  REQUIRE_MESSAGE(rig.Create(), rig.error);
  REQUIRE(rig.sim.SetLevel(5, true));
  GpioLineConfig cfg = KernelLine(rig.sim, 5);
  cfg.active_low = true;
  REQUIRE(rig.Open({{"window", cfg}}));
  CHECK(rig.initial.at(0).value == Value(std::string("closed")));
  REQUIRE(rig.sim.SetLevel(5, false));
  std::vector<Reading> readings = Pump(rig.inputs, Millis{200});
  REQUIRE(readings.size() == 1);
  CHECK(readings[0].value == Value(std::string("open")));
}

TEST_CASE("hw gpio-sim: chatter shorter than the debounce produces no reading") {
  if (SkipWithoutGpioSim()) return;
  Rig rig;
  REQUIRE_MESSAGE(rig.Create(), rig.error);
  REQUIRE(rig.Open({{"door", KernelLine(rig.sim, 1, Millis{150})}}));
  REQUIRE(rig.sim.SetLevel(1, true));
  REQUIRE(rig.sim.SetLevel(1, false));
  CHECK(Pump(rig.inputs, Millis{400}).empty());
}

TEST_CASE("hw gpio-sim: a 400 ms alarm pulse at the maximum debounce gives open then closed") {
  if (SkipWithoutGpioSim()) return;
  Rig rig;
  REQUIRE_MESSAGE(rig.Create(), rig.error);
  REQUIRE(rig.Open({{"panic", KernelLine(rig.sim, 6, kMaxDebounce)}}));
  REQUIRE(rig.sim.SetLevel(6, true));
  std::vector<Reading> readings = Pump(rig.inputs, Millis{400});
  REQUIRE(rig.sim.SetLevel(6, false));
  std::vector<Reading> after = Pump(rig.inputs, Millis{500});
  readings.insert(readings.end(), after.begin(), after.end());
  REQUIRE(readings.size() == 2);
  CHECK(readings[0].value == Value(std::string("open")));
  CHECK(readings[1].value == Value(std::string("closed")));
}

TEST_CASE("hw gpio-sim: a line already requested is busy, naming chip, line and holder") {
  if (SkipWithoutGpioSim()) return;
  Rig rig;
  REQUIRE_MESSAGE(rig.Create(), rig.error);
  GpioInputs holder("xyz");
  std::vector<Reading> initial;
  std::vector<std::string> errors;
  REQUIRE(holder.Open({{"door", KernelLine(rig.sim, 0)}}, RealNow(), &initial, &errors));
  CHECK_FALSE(rig.Open({{"door", KernelLine(rig.sim, 0)}}));
  REQUIRE(rig.errors.size() == 1);
  CHECK(rig.errors[0] == "door: " + rig.sim.chip_name() + " line 0: busy (used by 'xyz')");
}

TEST_CASE("hw gpio-sim: a line beyond the chip is an error naming chip and line") {
  if (SkipWithoutGpioSim()) return;
  Rig rig;
  REQUIRE_MESSAGE(rig.Create(), rig.error);
  CHECK_FALSE(rig.Open({{"door", KernelLine(rig.sim, 99)}}));
  REQUIRE(rig.errors.size() == 1);
  CHECK(rig.errors[0] ==
        "door: " + rig.sim.chip_name() + " line 99: no such line (the chip has 8 lines)");
}

TEST_CASE("hw gpio-sim: a steady output drives the line, AllOff releases it") {
  if (SkipWithoutGpioSim()) return;
  KernelGpioSim sim;
  std::string error;
  REQUIRE_MESSAGE(sim.Create(8, &error), error);
  OutputConfig relay;
  relay.id = "siren_relay";
  relay.kind = "siren";
  relay.gpio = KernelLine(sim, 7);
  GpioOutputs outputs("homesec-hw-test");
  std::vector<std::string> errors;
  REQUIRE(outputs.Open({relay}, &errors));
  CHECK(sim.Level(7) == std::optional<bool>(false));
  SetOutput action;
  action.kind = OutputKind::kSiren;
  action.pattern = OutputPattern::kSteady;
  outputs.Apply(action, RealNow(), &errors);
  CHECK(sim.Level(7) == std::optional<bool>(true));
  outputs.AllOff(&errors);
  CHECK(sim.Level(7) == std::optional<bool>(false));
  CHECK(errors.empty());
}

}  // namespace
}  // namespace homesec
