// The simulated chip: busy lines, levels driven from outside, the value file mirror.
#include "sensors/sim_chip.hpp"

#include <doctest/doctest.h>

#include "tests/unit/sensors/gpio_test_support.hpp"

namespace homesec {
namespace {

using test::MakeClock;
using test::SimChipDir;
using test::SimLine;

struct Held {
  int fd = -1;
  bool active = false;
  std::string error;
};

Held Request(LineBackend& backend, const GpioLineConfig& cfg, const std::string& consumer) {
  Held held;
  if (!backend.RequestInput(cfg, consumer, &held.fd, &held.active, &held.error)) held.fd = -1;
  return held;
}

TEST_CASE("sim chip: a line requested twice is busy, naming the holder") {
  SimChipDir chip;
  auto clock = MakeClock();
  auto first = chip.Factory(clock)("sim0");
  REQUIRE(first);
  auto second = chip.Factory(clock)("sim0");
  REQUIRE(second);
  REQUIRE(Request(*first, SimLine(3), "xyz").fd >= 0);
  Held held = Request(*second, SimLine(3), "homesecd");
  CHECK(held.fd == -1);
  CHECK(held.error == "sim0 line 3: busy (used by 'xyz')");
  CHECK(SimLineConsumer(chip.root(), "sim0", "3") == "xyz");
}

TEST_CASE("sim chip: a line is free again once its holder is gone") {
  SimChipDir chip;
  auto clock = MakeClock();
  auto first = chip.Factory(clock)("sim0");
  REQUIRE(first);
  REQUIRE(Request(*first, SimLine(3), "xyz").fd >= 0);
  first.reset();
  CHECK(SimLineConsumer(chip.root(), "sim0", "3").empty());
  auto second = chip.Factory(clock)("sim0");
  REQUIRE(second);
  CHECK(Request(*second, SimLine(3), "homesecd").fd >= 0);
}

TEST_CASE("sim chip: levels driven from outside arrive as edges and are mirrored") {
  SimChipDir chip;
  auto clock = MakeClock();
  auto backend = chip.Factory(clock)("sim0");
  REQUIRE(backend);
  Held held = Request(*backend, SimLine(5), "homesecd");
  REQUIRE(held.fd >= 0);
  CHECK(ReadSimLevel(chip.root(), "sim0", "5") == std::optional<bool>(false));
  REQUIRE(chip.Drive("sim0", "5", true));
  REQUIRE(chip.Drive("sim0", "5", false));
  std::string error;
  std::vector<RawEdge> edges = backend->ReadEdges(held.fd, &error);
  CHECK(error.empty());
  REQUIRE(edges.size() == 2);
  CHECK(edges[0].active);
  CHECK(edges[0].time == clock->mono);
  CHECK_FALSE(edges[1].active);
  CHECK(ReadSimLevel(chip.root(), "sim0", "5") == std::optional<bool>(false));
}

TEST_CASE("sim chip: writing the same level again is not an edge") {
  SimChipDir chip;
  auto clock = MakeClock();
  auto backend = chip.Factory(clock)("sim0");
  REQUIRE(backend);
  Held held = Request(*backend, SimLine(5), "homesecd");
  REQUIRE(chip.Drive("sim0", "5", true));
  REQUIRE(chip.Drive("sim0", "5", true));
  std::string error;
  CHECK(backend->ReadEdges(held.fd, &error).size() == 1);
}

TEST_CASE("sim chip: malformed text is reported naming chip and line, and ignored") {
  SimChipDir chip;
  auto clock = MakeClock();
  auto backend = chip.Factory(clock)("sim0");
  REQUIRE(backend);
  Held held = Request(*backend, SimLine(6), "homesecd");
  REQUIRE(held.fd >= 0);
  const std::string edges_path = SimPaths(chip.root(), "sim0", "6").edges;
  FILE* fifo = fopen(edges_path.c_str(), "w");
  REQUIRE(fifo != nullptr);
  fputs("banana\n1\n", fifo);
  fclose(fifo);
  std::string error;
  std::vector<RawEdge> edges = backend->ReadEdges(held.fd, &error);
  CHECK(error == "sim0 line 6: ignored 'banana' (write 0 or 1)");
  REQUIRE(edges.size() == 1);
  CHECK(edges[0].active);
}

TEST_CASE("sim chip: driving a line nobody holds sets its level for the next start") {
  SimChipDir chip;
  REQUIRE(chip.Drive("sim0", "door", true));
  CHECK(ReadSimLevel(chip.root(), "sim0", "door") == std::optional<bool>(true));
  auto clock = MakeClock();
  auto backend = chip.Factory(clock)("sim0");
  REQUIRE(backend);
  GpioLineConfig cfg = SimLine(0);
  cfg.line = std::string("door");
  Held held = Request(*backend, cfg, "homesecd");
  REQUIRE(held.fd >= 0);
  CHECK(held.active);
}

TEST_CASE("sim chip: a line name that cannot be a file name is refused") {
  SimChipDir chip;
  auto clock = MakeClock();
  auto backend = chip.Factory(clock)("sim0");
  REQUIRE(backend);
  GpioLineConfig cfg = SimLine(0);
  cfg.line = std::string("../etc");
  Held held = Request(*backend, cfg, "homesecd");
  CHECK(held.fd == -1);
  CHECK(held.error.find("sim0 line '../etc': ") == 0);
}

}  // namespace
}  // namespace homesec
