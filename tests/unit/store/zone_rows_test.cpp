// Zones as rows of their own (schema 2): Commit(PanelSnapshot) writes only the zones it lists,
// LoadSnapshot puts them back as the snapshot's "zones", and stores from before them upgrade
// with their snapshot intact.
#include <sqlite3.h>

#include "store_test_support.hpp"

namespace homesec {
namespace {

using nlohmann::json;
using testing::CommitOrFail;
using testing::ExecRaw;
using testing::MakeEvent;
using testing::OpenOrFail;
using testing::TempDir;

PanelSnapshot Snapshot(json panel, bool replace,
                       std::vector<std::pair<std::string, std::string>> zones) {
  PanelSnapshot snapshot;
  snapshot.panel = std::move(panel);
  snapshot.replace_zones = replace;
  snapshot.zones = std::move(zones);
  return snapshot;
}

void Commit(Store& store, const PanelSnapshot& snapshot, const std::vector<Event>& events = {}) {
  std::string error;
  REQUIRE_MESSAGE(store.Commit(snapshot, events, "hub-1", Durability::kNormal, &error), error);
}

json Load(Store& store) {
  std::string error;
  const auto snapshot = store.LoadSnapshot(&error);
  REQUIRE_MESSAGE(snapshot.has_value(), error);
  return *snapshot;
}

}  // namespace

TEST_CASE("zone rows: the zones listed are saved, the others kept, and loaded as \"zones\"") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  Commit(*store, Snapshot({{"mode", "disarmed"}}, true,
                          {{"front_door", R"({"active":false})"}, {"window", R"({})"}}));
  Commit(*store, Snapshot({{"mode", "armed_away"}}, false, {{"window", R"({"active":true})"}}),
         {MakeEvent(1)});
  CHECK(Load(*store) ==
        json{{"mode", "armed_away"},
             {"zones", {{"front_door", {{"active", false}}}, {"window", {{"active", true}}}}}});
  CHECK(store->EventCount() == 1);
}

TEST_CASE("zone rows: a replacing snapshot removes the rows of zones it does not list") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  Commit(*store, Snapshot({{"n", 1}}, true, {{"a", R"({"active":true})"}, {"b", R"({})"}}));
  Commit(*store, Snapshot({{"n", 2}}, true, {{"b", R"({"alarmed":true})"}}));
  CHECK(Load(*store) == json{{"n", 2}, {"zones", {{"b", {{"alarmed", true}}}}}});
}

TEST_CASE("zone rows: the zone rows replace a whole snapshot's zone lists") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  // A store written before zone rows: everything in one document.
  CommitOrFail(*store, {},
               {{"n", 1},
                {"zones", {{"a", {{"alarmed", true}}}}},
                {"closed_zones", {"b"}},
                {"open_zones", json::array()}});
  Commit(*store, Snapshot({{"n", 2}}, true, {{"a", R"({"active":false})"}}));
  CHECK(Load(*store) == json{{"n", 2}, {"zones", {{"a", {{"active", false}}}}}});
}

TEST_CASE("zone rows: a whole-document commit removes every zone row") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  Commit(*store, Snapshot({{"n", 1}}, true, {{"a", R"({"active":true})"}}));
  CommitOrFail(*store, {}, {{"n", 2}});
  CHECK(Load(*store) == json{{"n", 2}});
}

TEST_CASE("zone rows: a damaged row is an error naming the zone, never a guess") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  Commit(*store, Snapshot({{"n", 1}}, true, {{"a", R"({"active":true})"}}));
  ExecRaw(dir.DbPath(), "UPDATE zone_state SET state = 'not json' WHERE id = 'a'");
  std::string error;
  CHECK_FALSE(store->LoadSnapshot(&error).has_value());
  CHECK(error.find("zone a") != std::string::npos);
}

TEST_CASE("zone rows: a schema 1 store upgrades with its snapshot as it was") {
  TempDir dir;
  const json whole = {{"n", 1}, {"closed_zones", {"a", "b"}}, {"open_zones", json::array()}};
  {
    auto store = OpenOrFail(dir.DbPath());
    CommitOrFail(*store, {MakeEvent(1)}, whole);
  }
  // Back to schema 1: neither the table nor the journal's (migration 3) existed then.
  ExecRaw(dir.DbPath(),
          "DROP TABLE zone_state; DROP TABLE journal; DROP TABLE journal_config; "
          "PRAGMA user_version = 1;");
  auto store = OpenOrFail(dir.DbPath());
  CHECK(store->schema_version() == 3);
  CHECK(Load(*store) == whole);
  CHECK(store->EventCount() == 1);
  Commit(*store, Snapshot({{"n", 2}}, true, {{"a", R"({"active":true})"}}));
  CHECK(Load(*store) == json{{"n", 2}, {"zones", {{"a", {{"active", true}}}}}});
}

}  // namespace homesec
