// Prepared statements reused for the life of a connection: each SQL text is prepared once, reused
// statements see what other connections wrote, a finished use leaves nothing open, and closing
// the store really closes the connection.
#include <filesystem>

#include "store/sqlite_statement.hpp"
#include "store/statement_cache.hpp"
#include "store_test_support.hpp"

namespace homesec {
namespace {

using testing::CommitOrFail;
using testing::MakeEvent;
using testing::OpenCapturing;
using testing::OpenOrFail;
using testing::TempDir;

// Statements alive on the connection, and how many of them are mid-execution.
struct StatementCount {
  int total = 0;
  int busy = 0;
};

StatementCount CountStatements(sqlite3* db) {
  StatementCount count;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db, nullptr); s != nullptr;
       s = sqlite3_next_stmt(db, s)) {
    ++count.total;
    if (sqlite3_stmt_busy(s) != 0) ++count.busy;
  }
  return count;
}

// One of everything the daemon does per alarm and per acknowledgement.
void AlarmRound(Store& store, std::uint64_t seq) {
  std::string error;
  CommitOrFail(store, {MakeEvent(seq, Priority::kCritical)}, {{"seq", seq}}, Durability::kFull);
  REQUIRE(store.PendingOutbox(10, &error).size() == 1);
  REQUIRE_MESSAGE(store.MarkAttempt(seq, &error), error);
  REQUIRE_MESSAGE(store.RecordDispatch({seq, "received", testing::kTestTime, ""}, &error), error);
  REQUIRE(store.LoadSnapshot(&error) == nlohmann::json{{"seq", seq}});
  REQUIRE(store.OutboxSize() == 0);
  REQUIRE(store.EventCount() == seq);
}

void ExecOn(sqlite3* db, const char* sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
  const std::string text = message != nullptr ? message : "";
  sqlite3_free(message);
  REQUIRE_MESSAGE(rc == SQLITE_OK, text);
}

}  // namespace

TEST_CASE("statement cache: the store prepares each statement once, not once per commit") {
  TempDir dir;
  sqlite3* db = nullptr;
  auto store = OpenCapturing(dir.DbPath(), &db);
  AlarmRound(*store, 1);
  const StatementCount after_one = CountStatements(db);
  CHECK(after_one.total > 5);
  for (std::uint64_t seq = 2; seq <= 200; ++seq) AlarmRound(*store, seq);
  const StatementCount after_many = CountStatements(db);
  CHECK(after_many.total == after_one.total);
  CHECK(after_many.busy == 0);  // every statement was reset after its use
}

TEST_CASE("statement cache: reused statements see what another connection wrote") {
  TempDir dir;
  auto daemon = OpenOrFail(dir.DbPath());
  auto ctl = OpenOrFail(dir.DbPath());  // homesecctl's connection
  std::string error;
  for (int round = 1; round <= 20; ++round) {
    const std::string value = std::to_string(round);
    REQUIRE_MESSAGE(ctl->SetMeta("watch", value, &error), error);
    CHECK(daemon->GetMeta("watch") == value);
    REQUIRE_MESSAGE(ctl->UpsertUser(testing::MakeTestUser(round, "user" + value), &error), error);
    CHECK(daemon->Users(&error).size() == static_cast<std::size_t>(round));
    CommitOrFail(*ctl, {MakeEvent(static_cast<std::uint64_t>(round))}, {{"round", round}});
    CHECK(daemon->LoadSnapshot(&error) == nlohmann::json{{"round", round}});
    CHECK(daemon->OutboxSize() == static_cast<std::size_t>(round));
    CHECK(daemon->RecentEvents(1, &error).at(0).seq == static_cast<std::uint64_t>(round));
  }
}

TEST_CASE("statement cache: a read that stops at its first row does not pin the WAL") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  CommitOrFail(*store, {MakeEvent(1)}, {{"n", 1}});
  std::string error;
  REQUIRE_MESSAGE(store->SetMeta("k", "v", &error), error);
  // Both read one row and stop; an unreset statement would keep its read transaction open.
  REQUIRE(store->LoadSnapshot(&error).has_value());
  REQUIRE(store->GetMeta("k") == "v");

  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open(dir.DbPath().c_str(), &other) == SQLITE_OK);
  // A TRUNCATE checkpoint reports busy (first column 1) while any reader holds an old snapshot.
  const std::int64_t busy = testing::QueryIntOn(other, "PRAGMA wal_checkpoint(TRUNCATE)");
  ExecOn(other, "UPDATE meta SET value = 'w' WHERE key = 'k'");
  sqlite3_close(other);
  CHECK(busy == 0);
  CHECK(store->GetMeta("k") == "w");
}

TEST_CASE("statement cache: closing the store finalizes its statements and closes the file") {
  TempDir dir;
  {
    auto store = OpenOrFail(dir.DbPath());
    for (std::uint64_t seq = 1; seq <= 3; ++seq) AlarmRound(*store, seq);
    CHECK(std::filesystem::exists(dir.DbPath() + "-wal"));
  }
  // The last connection to close checkpoints and deletes the WAL; a connection left open by
  // unfinalized statements would leave it behind.
  CHECK_FALSE(std::filesystem::exists(dir.DbPath() + "-wal"));
  auto reopened = OpenOrFail(dir.DbPath());
  CHECK(reopened->EventCount() == 3);
}

TEST_CASE("statement cache: a text already in use gets a private statement for a nested use") {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
  {
    sqlite::StatementCache cache(db);
    ExecOn(db, "CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2)");
    constexpr const char* kSql = "SELECT n FROM t ORDER BY n";
    sqlite::Statement outer(cache, kSql);
    REQUIRE(outer.Step() == SQLITE_ROW);
    CHECK(outer.Int(0) == 1);
    {
      sqlite::Statement inner(cache, kSql);  // must not reset the outer scan
      REQUIRE(inner.Step() == SQLITE_ROW);
      CHECK(inner.Int(0) == 1);
    }
    REQUIRE(outer.Step() == SQLITE_ROW);
    CHECK(outer.Int(0) == 2);
    CHECK(cache.size() == 1);
  }
  CHECK(sqlite3_next_stmt(db, nullptr) == nullptr);  // the cache finalized everything
  CHECK(sqlite3_close(db) == SQLITE_OK);
}

TEST_CASE("statement cache: SQL that does not prepare is reported and not cached") {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
  {
    sqlite::StatementCache cache(db);
    std::string error;
    {
      sqlite::Statement missing(cache, "SELECT n FROM later");
      CHECK_FALSE(missing.ok());
      CHECK_FALSE(missing.Run("read later", &error));
      CHECK(error.find("read later: no such table: later") != std::string::npos);
    }
    CHECK(cache.size() == 0);
    // Once the table exists the same text prepares: the failure was not remembered.
    ExecOn(db, "CREATE TABLE later (n INTEGER)");
    sqlite::Statement found(cache, "SELECT n FROM later");
    CHECK(found.ok());
    CHECK(found.Step() == SQLITE_DONE);
    CHECK(cache.size() == 1);
  }
  CHECK(sqlite3_close(db) == SQLITE_OK);
}

}  // namespace homesec
