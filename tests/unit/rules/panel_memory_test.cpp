// Alarm memory: the zones that alarmed while armed (or in a 24-hour alarm), with the kind and
// time of the first alarm and the restore, from the alarm until acknowledged: told in the
// disarm result, kept across a restart, cleared when a user next arms the panel (never by the
// vacant-house watch arming on its own) or by MEMORY_CLEAR with a code.
#include <doctest/doctest.h>

#include "rules/contact_id_codes.hpp"
#include "tests/unit/rules/panel_watch_test_support.hpp"

namespace homesec::test {
namespace {

using namespace std::chrono_literals;

std::optional<AlarmMemoryChanged> MemoryChange(const std::vector<Action>& actions) {
  const auto found = All<AlarmMemoryChanged>(actions);
  if (found.empty()) return std::nullopt;
  return found.back();
}

// Armed away, the kitchen window opened (burglary) and closed again 5 s later.
void BurglaryWhileAway(Harness& h) {
  h.ArmAndWait();
  h.Read("kitchen_window", "latch", "open");
  h.now = h.now + 5s;
  h.Read("kitchen_window", "latch", "closed");
}

TEST_CASE("alarm memory: the disarm result says which zone alarmed while away and when") {
  Harness h;
  h.ArmAndWait();
  const WallTime alarm_time = h.now.wall;
  const auto alarm = h.Read("kitchen_window", "latch", "open");
  REQUIRE(FindEvent(alarm, "burglary"));
  const auto change = MemoryChange(alarm);
  REQUIRE(change);
  REQUIRE(change->entries.size() == 1);
  h.now = h.now + 5s;
  h.Read("kitchen_window", "latch", "closed");
  h.now = h.now + 1min;
  const auto actions = h.Disarm();
  const auto result = Result(actions);
  REQUIRE(result);
  CHECK(result->accepted);
  CHECK(result->message == "disarmed");
  REQUIRE(result->alarm_memory.size() == 1);
  const AlarmMemoryEntry& entry = result->alarm_memory.front();
  CHECK(entry.zone == "kitchen_window");
  CHECK(entry.type == "burglary");
  CHECK(entry.code == cid::kPerimeter);
  CHECK(entry.time == alarm_time);
  // The latch closed while the siren sounded; its restore is sent when the siren time ends or
  // at the disarm, whichever comes first.
  REQUIRE(entry.restored);
  CHECK(*entry.restored > alarm_time);
  CHECK(h.panel.alarm_memory() == result->alarm_memory);
}

TEST_CASE("alarm memory: a disarm with nothing in memory says nothing") {
  Harness h;
  h.ArmAndWait();
  const auto result = Result(h.Disarm());
  REQUIRE(result);
  CHECK(result->alarm_memory.empty());
}

TEST_CASE("alarm memory: one entry per zone, the first alarm's time, counted") {
  Harness h;
  h.ArmAndWait();
  const WallTime first = h.now.wall;
  h.Read("kitchen_window", "latch", "open");
  h.Read("kitchen_window", "latch", "closed");
  h.now = h.now + 10s;
  h.Read("kitchen_window", "latch", "open");
  h.Motion("living_pir", true);
  const auto memory = h.panel.alarm_memory();
  REQUIRE(memory.size() == 2);
  CHECK(memory[0].zone == "kitchen_window");
  CHECK(memory[0].time == first);
  CHECK(memory[0].count == 2);
  CHECK_FALSE(memory[0].restored);  // in alarm again
  CHECK(memory[1].zone == "living_motion");
}

TEST_CASE("alarm memory: a 24-hour alarm while disarmed is remembered") {
  Harness h;
  h.Read("leak_sensor", "water_leak", true);
  REQUIRE(h.panel.alarm_memory().size() == 1);
  CHECK(h.panel.alarm_memory()[0].zone == "leak");
  CHECK(h.panel.alarm_memory()[0].type == "water_leak");
}

TEST_CASE("alarm memory: a silent panic is never remembered (it must not show locally)") {
  PanelConfig config = StandardConfig();
  config.zones[8].silent = true;
  Harness h(config);
  h.ArmAndWait();
  const auto actions = h.Open("panic_button");
  REQUIRE(FindEvent(actions, "silent_panic"));
  CHECK_FALSE(MemoryChange(actions));
  CHECK(h.panel.alarm_memory().empty());
  CHECK(Result(h.Disarm())->alarm_memory.empty());
}

TEST_CASE("alarm memory: cleared when a user next arms the panel") {
  Harness h;
  BurglaryWhileAway(h);
  h.Disarm();
  REQUIRE_FALSE(h.panel.alarm_memory().empty());
  const auto actions = h.Send(CommandAction::kArmAway, "1234");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->accepted);
  const auto change = MemoryChange(actions);
  REQUIRE(change);
  CHECK(change->entries.empty());
  CHECK(h.panel.alarm_memory().empty());
}

TEST_CASE(
    "alarm memory: the vacant-house watch re-arming after a visit keeps it for the resident") {
  WatchHarness h;
  h.Watch(CommandAction::kWatchStart, WeekTrip());
  h.RunUntil("2026-10-21T07:01:00Z");
  REQUIRE(h.panel.mode() == Mode::kArmedVacation);
  // Thursday night a window is forced; the siren time ends, the panel stays armed.
  h.RunUntil("2026-10-22T02:00:00Z");
  REQUIRE(FindEvent(h.Read("kitchen_window", "latch", "open"), "burglary"));
  h.Read("kitchen_window", "latch", "closed");
  h.Advance(minutes(4));
  REQUIRE(h.panel.mode() == Mode::kArmedVacation);
  // Saturday: Nina lets herself in and is told at her disarm.
  h.RunUntil("2026-10-24T10:00:00Z");
  h.Open("front_door");
  const auto visit = Result(h.Disarm("4711"));
  REQUIRE(visit);
  REQUIRE(visit->accepted);
  REQUIRE(visit->alarm_memory.size() == 1);
  // She leaves; the watch re-arms the house by itself: nobody armed it with a code.
  h.Advance(minutes(5));
  h.Close("front_door");
  const auto rearm = h.Advance(minutes(10) + seconds(31));
  REQUIRE(FindEvent(rearm, "watch_rearmed"));
  REQUIRE(h.panel.mode() == Mode::kArmedVacation);
  CHECK(h.panel.alarm_memory().size() == 1);
  if (const auto change = MemoryChange(rearm)) CHECK_FALSE(change->entries.empty());
  // The family is back: anna's disarm still tells of Thursday's window.
  h.RunUntil("2026-10-29T08:00:00Z");
  h.Open("front_door");
  const auto back = Result(h.Disarm("1234"));
  REQUIRE(back);
  CHECK(back->accepted);
  REQUIRE(back->alarm_memory.size() == 1);
  CHECK(back->alarm_memory[0].zone == "kitchen_window");
  CHECK(back->alarm_memory[0].time == Utc("2026-10-22T02:00:00Z"));
}

TEST_CASE("alarm memory: the watch arming at the departure does not acknowledge it") {
  WatchHarness h;
  h.Read("leak_sensor", "water_leak", true);
  h.Read("leak_sensor", "water_leak", false);
  REQUIRE(h.panel.alarm_memory().size() == 1);
  h.Watch(CommandAction::kWatchStart, WeekTrip());
  h.RunUntil("2026-10-21T07:01:00Z");
  REQUIRE(h.panel.mode() == Mode::kArmedVacation);
  CHECK(h.panel.alarm_memory().size() == 1);
}

TEST_CASE("alarm memory: MEMORY_CLEAR with a code acknowledges it while disarmed") {
  Harness h;
  BurglaryWhileAway(h);
  h.Disarm();
  auto actions = h.Send(CommandAction::kMemoryClear, "0000");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->reason == "invalid_code");
  CHECK_FALSE(h.panel.alarm_memory().empty());
  actions = h.Send(CommandAction::kMemoryClear, std::nullopt);
  REQUIRE(Result(actions));
  CHECK(Result(actions)->reason == "invalid_code");
  actions = h.Send(CommandAction::kMemoryClear, "2345");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->accepted);
  CHECK(Result(actions)->message == "alarm memory cleared");
  CHECK(Result(actions)->user == "ben");
  const auto cleared = FindEvent(actions, "alarm_memory_cleared");
  REQUIRE(cleared);
  CHECK_FALSE(cleared->report);
  REQUIRE(MemoryChange(actions));
  CHECK(MemoryChange(actions)->entries.empty());
  CHECK(h.panel.alarm_memory().empty());
  actions = h.Send(CommandAction::kMemoryClear, "1234");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->accepted);
  CHECK(Result(actions)->message == "the alarm memory is empty");
}

TEST_CASE("alarm memory: MEMORY_CLEAR is refused while armed") {
  Harness h;
  BurglaryWhileAway(h);
  const auto actions = h.Send(CommandAction::kMemoryClear, "1234");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->reason == "not_allowed");
  CHECK_FALSE(h.panel.alarm_memory().empty());
}

TEST_CASE("alarm memory: survives a restart and is announced by Start") {
  Harness h;
  BurglaryWhileAway(h);
  const auto before = h.panel.alarm_memory();
  REQUIRE(before.size() == 1);
  const nlohmann::json snapshot = nlohmann::json::parse(h.panel.Snapshot(h.now).dump());
  const Now later{MonoTime{} + seconds(3), h.now.wall + 10min};
  std::string error;
  Panel panel = Panel::Restore(h.panel.config(), snapshot, later, &error);
  CHECK(error.empty());
  CHECK(panel.alarm_memory() == before);
  const auto start = panel.Start(later);
  const auto change = MemoryChange(start);
  REQUIRE(change);
  CHECK(change->entries == before);
  Command disarm;
  disarm.action = CommandAction::kDisarm;
  disarm.code = "1234";
  disarm.source = "test";
  disarm.request_id = "after-restart";
  const auto result = Result(panel.Handle(disarm, later));
  REQUIRE(result);
  CHECK(result->alarm_memory == before);
}

TEST_CASE("alarm memory: the store's snapshot (without zones) carries it too") {
  Harness h;
  BurglaryWhileAway(h);
  const PanelSnapshot stored = h.panel.SnapshotForStore(h.now);
  REQUIRE(stored.panel.contains("alarm_memory"));
  CHECK(stored.panel["alarm_memory"][0]["zone"] == "kitchen_window");
}

}  // namespace
}  // namespace homesec::test
