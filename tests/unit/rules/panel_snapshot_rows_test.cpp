// Panel::SnapshotForStore / Stored: the store keeps the zones as rows of their own and gets only
// the rows of zones that changed; put back together (as Store::LoadSnapshot does) they restore
// exactly the panel that Snapshot() would have.
#include <doctest/doctest.h>

#include <map>

#include "tests/unit/rules/panel_test_support.hpp"

namespace homesec::test {
namespace {

using nlohmann::json;

std::vector<std::string> Ids(const PanelSnapshot& snapshot) {
  std::vector<std::string> ids;
  for (const auto& [id, state] : snapshot.zones) ids.push_back(id);
  return ids;
}

std::vector<std::string> ConfigIds(const Panel& panel) {
  std::vector<std::string> ids;
  for (const ZoneConfig& zone : panel.config().zones) ids.push_back(zone.id);
  return ids;
}

// A store's zone rows: replaced wholesale or updated row by row, like the zone_state table.
struct Rows {
  std::map<std::string, std::string> rows;

  void Save(const PanelSnapshot& snapshot) {
    if (snapshot.replace_zones) rows.clear();
    for (const auto& [id, state] : snapshot.zones) rows[id] = state;
  }
  // What Store::LoadSnapshot returns: the panel document with the rows as its "zones".
  json Load(const PanelSnapshot& latest) const {
    json snapshot = latest.panel;
    json zones = json::object();
    for (const auto& [id, state] : rows) zones[id] = json::parse(state);
    snapshot["zones"] = zones;
    return snapshot;
  }
};

// Takes a store snapshot, "commits" it to `rows` and tells the panel.
PanelSnapshot Save(Harness& h, Rows& rows) {
  PanelSnapshot snapshot = h.panel.SnapshotForStore(h.now);
  rows.Save(snapshot);
  h.panel.Stored(snapshot);
  return snapshot;
}

TEST_CASE(
    "snapshot rows: the first lists every zone and replaces all rows, later ones only changes") {
  Harness h;
  const PanelSnapshot first = h.panel.SnapshotForStore(h.now);
  CHECK(first.replace_zones);
  CHECK(Ids(first) == ConfigIds(h.panel));
  CHECK_FALSE(first.panel.contains("zones"));
  CHECK_FALSE(first.panel.contains("closed_zones"));
  CHECK_FALSE(first.panel.contains("open_zones"));
  CHECK(first.panel.at("mode") == "disarmed");
  h.panel.Stored(first);

  const PanelSnapshot idle = h.panel.SnapshotForStore(h.now);
  CHECK_FALSE(idle.replace_zones);
  CHECK(idle.zones.empty());

  h.Open("front_door");
  const PanelSnapshot one = h.panel.SnapshotForStore(h.now);
  CHECK_FALSE(one.replace_zones);
  REQUIRE(Ids(one) == std::vector<std::string>{"front_door"});
  CHECK(json::parse(one.zones[0].second) == json{{"active", true}});
}

TEST_CASE("snapshot rows: zones not Stored (a failed commit) are listed again next time") {
  Harness h;
  h.panel.Stored(h.panel.SnapshotForStore(h.now));
  h.Open("front_door");
  (void)h.panel.SnapshotForStore(h.now);  // the commit failed: never Stored
  h.Read("kitchen_window", "latch", "open");
  const PanelSnapshot retry = h.panel.SnapshotForStore(h.now);
  CHECK_FALSE(retry.replace_zones);
  CHECK(Ids(retry) == std::vector<std::string>{"front_door", "kitchen_window"});
  h.panel.Stored(retry);
  CHECK(h.panel.SnapshotForStore(h.now).zones.empty());
}

TEST_CASE("snapshot rows: a first snapshot that was never Stored is a full one again") {
  Harness h;
  (void)h.panel.SnapshotForStore(h.now);  // failed
  const PanelSnapshot again = h.panel.SnapshotForStore(h.now);
  CHECK(again.replace_zones);
  CHECK(Ids(again) == ConfigIds(h.panel));
}

TEST_CASE("snapshot rows: a new zone list replaces every row") {
  Harness h;
  h.panel.Stored(h.panel.SnapshotForStore(h.now));
  PanelConfig config = StandardConfig();
  config.zones.pop_back();
  config.zones.push_back(MakeZone("garage", 30, ZoneType::kPerimeter, "garage_door", "contact"));
  h.panel.Reconfigure(config, h.now);
  const PanelSnapshot after = h.panel.SnapshotForStore(h.now);
  CHECK(after.replace_zones);
  CHECK(Ids(after) == ConfigIds(h.panel));
}

TEST_CASE("snapshot rows: rows saved over time restore the same panel as Snapshot()") {
  Harness h;
  Rows rows;
  Save(h, rows);
  h.Read("kitchen_window", "latch", "open");
  h.Send(CommandAction::kArmAway, "1234", /*force=*/true);  // kitchen_window force-bypassed
  Save(h, rows);
  h.Advance(seconds(60));
  Save(h, rows);
  h.Open("front_door");  // entry delay
  Save(h, rows);
  h.Advance(seconds(40));  // burglary: front_door alarmed, siren on
  const PanelSnapshot latest = Save(h, rows);
  REQUIRE(h.panel.mode() == Mode::kTriggered);

  std::string error;
  Panel restored = Panel::Restore(h.panel.config(), rows.Load(latest), h.now, &error);
  REQUIRE_MESSAGE(error.empty(), error);
  CHECK(restored.Snapshot(h.now) == h.panel.Snapshot(h.now));
  for (const ZoneConfig& zone : h.panel.config().zones) {
    CHECK(restored.zone_status(zone.id) == h.panel.zone_status(zone.id));
  }
}

TEST_CASE("snapshot rows: a held door keeps its deadline however much later the panel is saved") {
  const PanelConfig config = DoorHeldConfig();
  Harness h(config);
  Rows rows;
  Save(h, rows);
  h.Open("unit_door");
  Save(h, rows);  // the door's row, with its deadline 120 s from now
  h.Advance(seconds(100));
  const PanelSnapshot latest = Save(h, rows);  // the panel row only: the door did not change
  CHECK(latest.zones.empty());

  // Down for 10 s: 10 s of the limit are left.
  const Now later{MonoTime{} + seconds(3), h.now.wall + seconds(10)};
  std::string error;
  Panel restored = Panel::Restore(h.panel.config(), rows.Load(latest), later, &error);
  REQUIRE_MESSAGE(error.empty(), error);
  restored.Start(later);
  const auto due = restored.NextDeadline(later);
  REQUIRE(due.has_value());
  CHECK(*due == later.mono + seconds(10));
}

TEST_CASE("snapshot rows: a held door in a snapshot from before zone rows keeps its time left") {
  const PanelConfig config = DoorHeldConfig();
  Harness h(config);
  // The old form: the time left when the whole snapshot was written, 20 s.
  json snapshot = h.panel.Snapshot(h.now);
  snapshot["zones"]["unit_door"] = {{"active", true}, {"door_held_remaining_ms", 20000}};
  // Down for 5 s: 15 s are left.
  const Now later{MonoTime{} + seconds(3), h.now.wall + seconds(5)};
  std::string error;
  Panel restored = Panel::Restore(config, snapshot, later, &error);
  REQUIRE_MESSAGE(error.empty(), error);
  restored.Start(later);
  const auto due = restored.NextDeadline(later);
  REQUIRE(due.has_value());
  CHECK(*due == later.mono + seconds(15));
}

}  // namespace
}  // namespace homesec::test
