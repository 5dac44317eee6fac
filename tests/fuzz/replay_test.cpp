// Replays every seed (tests/fuzz/seeds/<target>/) and every saved fuzz finding
// (tests/data/fuzz/<target>/) through the fuzz targets' bodies, in the normal test run: an input
// that once crashed a parser stays a test, under GCC, clang and the sanitizer pass alike.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_targets.hpp"

namespace homesec::fuzz {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> InputsOf(std::string_view target) {
  std::vector<fs::path> inputs;
  for (const fs::path& dir : {fs::path(HOMESEC_FUZZ_SEEDS_DIR) / target,
                              fs::path(HOMESEC_FUZZ_REGRESSIONS_DIR) / target}) {
    if (!fs::is_directory(dir)) continue;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
      if (entry.is_regular_file()) inputs.push_back(entry.path());
    }
  }
  std::sort(inputs.begin(), inputs.end());
  return inputs;
}

std::vector<std::uint8_t> ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void Replay(std::string_view name) {
  const auto& targets = AllTargets();
  const auto target = std::find_if(targets.begin(), targets.end(),
                                   [&](const FuzzTarget& t) { return t.name == name; });
  REQUIRE(target != targets.end());
  const std::vector<fs::path> inputs = InputsOf(name);
  CHECK_MESSAGE(!inputs.empty(), "no seeds for fuzz target ", name);
  for (const fs::path& path : inputs) {
    INFO("input: ", path.string());
    // An abort (a sanitizer report, a violated invariant) ends the process before doctest can
    // name the input: name it first (ctest shows it only for a failed test).
    std::fprintf(stderr, "replaying %s\n", path.c_str());
    const std::vector<std::uint8_t> bytes = ReadBytes(path);
    CHECK_NOTHROW(target->function(bytes.data(), bytes.size()));
  }
}

TEST_CASE("fuzz replay: every fuzz target has a replay case") {
  // The cases below name the targets one by one; a target added to the table needs one too.
  CHECK(AllTargets().size() == 16);
}

TEST_CASE("fuzz replay: zigbee2mqtt decoder inputs never crash") {
  Replay("zigbee2mqtt_decoder");
}
TEST_CASE("fuzz replay: local command inputs never crash") {
  Replay("local_command");
}
TEST_CASE("fuzz replay: uplink ack inputs never crash") {
  Replay("uplink_ack");
}
TEST_CASE("fuzz replay: uplink command inputs never crash") {
  Replay("uplink_command");
}
TEST_CASE("fuzz replay: config inputs never crash") {
  Replay("config");
}
TEST_CASE("fuzz replay: panel snapshot inputs never crash") {
  Replay("panel_restore");
}
TEST_CASE("fuzz replay: watch snapshot inputs never crash") {
  Replay("watch_restore");
}
TEST_CASE("fuzz replay: stored event inputs never crash") {
  Replay("event_json");
}
TEST_CASE("fuzz replay: homesecctl reply and status inputs never crash") {
  Replay("ctl_protocol");
}
TEST_CASE("fuzz replay: homesecctl argument inputs never crash") {
  Replay("ctl_args");
}
TEST_CASE("fuzz replay: RFC 3339 time inputs never crash") {
  Replay("rfc3339");
}
TEST_CASE("fuzz replay: time zone rule and daily hours inputs never crash") {
  Replay("local_time");
}
TEST_CASE("fuzz replay: PIN hash inputs never crash") {
  Replay("pin_hash");
}
TEST_CASE("fuzz replay: JSON and UTF-8 text inputs never crash") {
  Replay("json_text");
}
TEST_CASE("fuzz replay: retained local topics read back never crash") {
  Replay("local_retained");
}
TEST_CASE("fuzz replay: input journal rows read back never crash") {
  Replay("journal_row");
}

}  // namespace
}  // namespace homesec::fuzz
