// The backend seam: chip selection, the real libgpiod backend's errors (no hardware needed),
// and the config strings for bias and role.
#include <doctest/doctest.h>
#include <stdlib.h>

#include "sensors/gpio_inputs.hpp"
#include "sensors/line_backend.hpp"
#include "tests/unit/sensors/gpio_test_support.hpp"

namespace homesec {
namespace {

TEST_CASE("gpio backend: a chip that does not exist is an error naming chip and line") {
  std::unique_ptr<LineBackend> backend = MakeBackendFor("gpiochip9");
  REQUIRE(backend);
  GpioLineConfig cfg;
  cfg.chip = "gpiochip9";
  cfg.line = 17;
  int fd = -1;
  bool active = false;
  std::string error;
  CHECK_FALSE(backend->RequestInput(cfg, "homesecd", &fd, &active, &error));
  CHECK(error.find("gpiochip9 line 17: cannot open the GPIO chip") == 0);
  int handle = -1;
  error.clear();
  CHECK_FALSE(backend->RequestOutput(cfg, "homesecd", &handle, &error));
  CHECK(error.find("gpiochip9 line 17: ") == 0);
}

TEST_CASE("gpio backend: a missing chip named by path or line name is reported, not thrown") {
  std::unique_ptr<LineBackend> backend = MakeGpiodBackend();
  REQUIRE(backend);
  GpioLineConfig cfg;
  cfg.chip = "/dev/gpiochip-none";
  cfg.line = std::string("door");
  int fd = -1;
  bool active = false;
  std::string error;
  CHECK_FALSE(backend->RequestInput(cfg, "homesecd", &fd, &active, &error));
  CHECK(error.find("/dev/gpiochip-none line 'door': ") == 0);
}

TEST_CASE("gpio backend: chips named sim* use the simulated chip under HOMESEC_SIM_DIR") {
  test::SimChipDir chip;
  setenv("HOMESEC_SIM_DIR", chip.root().c_str(), 1);
  CHECK(SimDir() == chip.root());
  CHECK(IsSimChip("sim0"));
  CHECK_FALSE(IsSimChip("gpiochip0"));
  std::unique_ptr<LineBackend> backend = MakeBackendFor("sim0");
  REQUIRE(backend);
  int fd = -1;
  bool active = true;
  std::string error;
  CHECK(backend->RequestInput(test::SimLine(3), "homesecd", &fd, &active, &error));
  CHECK(error.empty());
  CHECK_FALSE(active);
  CHECK(SimLineConsumer(chip.root(), "sim0", "3") == "homesecd");
  unsetenv("HOMESEC_SIM_DIR");
}

TEST_CASE("gpio backend: the configured sim directory overrides HOMESEC_SIM_DIR") {
  test::SimChipDir chip;
  setenv("HOMESEC_SIM_DIR", "/nonexistent/homesec-sim", 1);
  std::unique_ptr<LineBackend> backend = MakeBackendFactory(chip.root())("sim1");
  REQUIRE(backend);
  unsetenv("HOMESEC_SIM_DIR");
  int fd = -1;
  bool active = false;
  std::string error;
  GpioLineConfig cfg = test::SimLine(4);
  cfg.chip = "sim1";
  CHECK(backend->RequestInput(cfg, "homesecd", &fd, &active, &error));
  CHECK(SimLineConsumer(chip.root(), "sim1", "4") == "homesecd");
}

TEST_CASE("gpio config: bias and role strings round-trip") {
  for (Bias bias : {Bias::kAsIs, Bias::kDisabled, Bias::kPullUp, Bias::kPullDown}) {
    CHECK(ParseBias(ToString(bias)) == bias);
  }
  CHECK(ParseBias("pull-up") == Bias::kPullUp);
  CHECK_FALSE(ParseBias("up").has_value());
  for (LineRole role : {LineRole::kContact, LineRole::kLatch, LineRole::kTamper, LineRole::kPanic,
                        LineRole::kKeyswitch}) {
    CHECK(ParseLineRole(ToString(role)) == role);
  }
  CHECK_FALSE(ParseLineRole("doorbell").has_value());
}

TEST_CASE("gpio config: a line is validated without opening the chip") {
  GpioLineConfig cfg;
  cfg.chip = "gpiochip0";
  cfg.line = -2;
  std::string error;
  CHECK_FALSE(ValidateGpioLine(cfg, &error));
  CHECK(error == "gpiochip0 line -2: line offset must not be negative");
  cfg.line = 17;
  cfg.debounce = Millis{1000};
  CHECK_FALSE(ValidateGpioLine(cfg, &error));
  CHECK(error.find("gpiochip0 line 17: debounce_ms 1000 is above the maximum 300") == 0);
  cfg.debounce = Millis{50};
  CHECK(ValidateGpioLine(cfg, &error));
}

}  // namespace
}  // namespace homesec
