// Opening the store: schema creation, user_version, migrations, reopening and refusals.
#include <sqlite3.h>

#include <fstream>

#include "store_test_support.hpp"

namespace homesec {
namespace {

using testing::CommitOrFail;
using testing::ExecRaw;
using testing::MakeEvent;
using testing::OpenOrFail;
using testing::TempDir;

std::int64_t QueryInt(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  const std::int64_t value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

}  // namespace

TEST_CASE("store: open creates the schema and sets user_version") {
  TempDir dir;
  {
    auto store = OpenOrFail(dir.DbPath());
    CHECK(store->schema_version() == 3);
  }
  CHECK(QueryInt(dir.DbPath(), "PRAGMA user_version") == 3);
  CHECK(QueryInt(dir.DbPath(),
                 "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                 "('meta', 'panel_state', 'users', 'events', 'outbox', 'dispatch', "
                 "'zone_state')") == 7);
}

TEST_CASE("store: the database is in WAL mode") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(dir.DbPath().c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))) == "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_CASE("store: reopening keeps snapshot, events, outbox, users and settings") {
  TempDir dir;
  User anna{1, "anna", Role::kMaster, "pbkdf2-sha256$1000$00$00", std::nullopt, std::nullopt};
  {
    auto store = OpenOrFail(dir.DbPath());
    CommitOrFail(*store, {MakeEvent(1, Priority::kCritical), MakeEvent(2)},
                 {{"mode", "armed_away"}});
    std::string error;
    REQUIRE_MESSAGE(store->UpsertUser(anna, &error), error);
    REQUIRE_MESSAGE(store->SetMeta("hub_id", "hub-1", &error), error);
  }
  auto store = OpenOrFail(dir.DbPath());
  std::string error;
  const auto snapshot = store->LoadSnapshot(&error);
  REQUIRE_MESSAGE(snapshot.has_value(), error);
  CHECK(*snapshot == nlohmann::json{{"mode", "armed_away"}});
  const auto events = store->RecentEvents(10, &error);
  REQUIRE(events.size() == 2);
  CHECK(events[0] == MakeEvent(1, Priority::kCritical));
  CHECK(events[1] == MakeEvent(2));
  CHECK(store->OutboxSize() == 2);
  CHECK(store->Users(&error) == std::vector<User>{anna});
  CHECK(store->GetMeta("hub_id") == "hub-1");
}

TEST_CASE("store: an empty version 0 file is migrated to the current schema") {
  TempDir dir;
  // A v0 database: a valid SQLite file with nothing in it (user_version 0).
  ExecRaw(dir.DbPath(), "CREATE TABLE placeholder (x); DROP TABLE placeholder;");
  CHECK(QueryInt(dir.DbPath(), "PRAGMA user_version") == 0);
  auto store = OpenOrFail(dir.DbPath());
  CHECK(store->schema_version() == 3);
  CommitOrFail(*store, {MakeEvent(1)});
  CHECK(store->EventCount() == 1);
}

TEST_CASE("store: a fresh store has no snapshot and no error") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  std::string error;
  CHECK_FALSE(store->LoadSnapshot(&error).has_value());
  CHECK(error.empty());
}

TEST_CASE("store: a schema newer than this build is refused") {
  TempDir dir;
  ExecRaw(dir.DbPath(), "PRAGMA user_version = 99");
  std::string error;
  CHECK(Store::Open(dir.DbPath(), &error) == nullptr);
  CHECK(error.find(dir.DbPath()) == 0);
  CHECK(error.find("schema version 99 is newer") != std::string::npos);
}

TEST_CASE("store: a file that is not a database is refused naming the path") {
  TempDir dir;
  std::ofstream(dir.DbPath()) << std::string(4096, 'x');
  std::string error;
  CHECK(Store::Open(dir.DbPath(), &error) == nullptr);
  CHECK(error.find(dir.DbPath()) == 0);
  CHECK(error.find("file is not a database") != std::string::npos);
}

TEST_CASE("store: a path in a missing directory is refused naming the path") {
  TempDir dir;
  const std::string path = dir.File("missing/homesec.db");
  std::string error;
  CHECK(Store::Open(path, &error) == nullptr);
  CHECK(error.find(path) == 0);
  CHECK(error.find("unable to open database file") != std::string::npos);
}

}  // namespace homesec
