// The input journal's rows in the store: written in the commit's transaction, read back in
// order, configs kept once, the retention cut at checkpoints, damaged rows refused.
#include <doctest/doctest.h>

#include "tests/unit/store/store_test_support.hpp"

namespace homesec::testing {
namespace {

using std::chrono::hours;

JournalRow Row(JournalKind kind, WallTime wall, std::uint64_t next_seq, std::string body,
               std::string hash = {}) {
  JournalRow row;
  row.kind = kind;
  row.now = Now{MonoTime{} + (wall - kTestTime), wall};
  row.next_seq = next_seq;
  row.config_hash = std::move(hash);
  row.body = std::move(body);
  return row;
}

void CommitJournal(Store& store, const JournalBatch& batch, const std::vector<Event>& events = {}) {
  std::string error;
  PanelSnapshot snapshot;
  snapshot.panel = nlohmann::json::object();
  REQUIRE_MESSAGE(store.Commit(snapshot, events, batch, "hub-1", Durability::kNormal, &error),
                  error);
}

std::int64_t QueryInt(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  const std::int64_t value = QueryIntOn(db, sql);
  sqlite3_close(db);
  return value;
}

const std::string kReading = R"({"t":"reading","d":"front_door","p":"contact","v":"open"})";

}  // namespace

TEST_CASE("store journal: rows and events land in one commit, configs once by hash") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  CHECK(store->schema_version() == 3);
  JournalBatch first;
  first.configs = {{"h1", R"({"zones":[]})"}};
  first.rows = {Row(JournalKind::kRestore, kTestTime, 1, "{}", "h1"),
                Row(JournalKind::kStart, kTestTime, 1, ""),
                Row(JournalKind::kInput, kTestTime + hours(1), 2, kReading)};
  CommitJournal(*store, first, {MakeEvent(1)});
  JournalBatch second;
  second.configs = {{"h1", R"({"zones":[]})"}};  // again: kept once
  second.rows = {Row(JournalKind::kReconfigure, kTestTime + hours(2), 3, "", "h1")};
  CommitJournal(*store, second);

  std::string error;
  const auto rows = store->JournalRows(0, 100, &error);
  REQUIRE(error.empty());
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].kind == JournalKind::kRestore);
  CHECK(rows[2].body == kReading);
  CHECK(rows[2].now.wall == kTestTime + hours(1));
  CHECK(rows[2].next_seq == 2);
  CHECK(rows[3].config_hash == "h1");
  CHECK(store->JournalConfig("h1", &error) == R"({"zones":[]})");
  CHECK_FALSE(store->JournalConfig("nope", &error));
  CHECK(error.find("missing") != std::string::npos);
  CHECK(QueryInt(dir.DbPath(), "SELECT count(*) FROM journal_config") == 1);
  const auto start = store->JournalStartFor(5, &error);
  REQUIRE(start);
  CHECK(start->id == rows[0].id);
  CHECK(store->JournalStatistics().inputs == 1);
}

TEST_CASE("store journal: a failed commit writes neither the events nor the journal rows") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  CommitOrFail(*store, {MakeEvent(1)});
  JournalBatch batch;
  batch.rows = {Row(JournalKind::kInput, kTestTime, 2, kReading)};
  std::string error;
  PanelSnapshot snapshot;
  snapshot.panel = nlohmann::json::object();
  // seq 1 again: the event insert fails, the whole transaction with it.
  CHECK_FALSE(store->Commit(snapshot, {MakeEvent(1)}, batch, "hub-1", Durability::kNormal, &error));
  CHECK(QueryInt(dir.DbPath(), "SELECT count(*) FROM journal") == 0);
}

TEST_CASE("store journal: retention cuts whole days before the newest old checkpoint") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  store->SetJournalRetention(Millis{hours(24 * 2)});
  for (int day = 0; day < 6; ++day) {
    JournalBatch batch;
    batch.configs = {{"h" + std::to_string(day), "{}"}};
    const WallTime at = kTestTime + hours(24 * day);
    batch.rows = {Row(JournalKind::kCheckpoint, at, 1 + day * 10, "{}", "h" + std::to_string(day)),
                  Row(JournalKind::kInput, at + hours(1), 2 + day * 10, kReading)};
    CommitJournal(*store, batch);
  }
  std::string error;
  const auto rows = store->JournalRows(0, 100, &error);
  // Days 3, 4 and 5 remain: day 3's checkpoint is the newest at least 2 days before day 5's.
  REQUIRE(rows.size() == 6);
  CHECK(rows.front().kind == JournalKind::kCheckpoint);
  CHECK(rows.front().now.wall == kTestTime + hours(24 * 3));
  CHECK(QueryInt(dir.DbPath(), "SELECT count(*) FROM journal_config") == 3);
  CHECK_FALSE(store->JournalStartFor(5, &error));  // day 0 is gone
  CHECK(error.empty());
  const auto since = store->JournalStartAt(kTestTime + hours(24 * 4 - 1), &error);
  REQUIRE(since);
  CHECK(since->now.wall == kTestTime + hours(24 * 4));
  CHECK(store->JournalStartAt(std::nullopt, &error)->now.wall == kTestTime + hours(24 * 3));
  CHECK(store->LastJournalCheckpoint() == kTestTime + hours(24 * 5));
}

TEST_CASE("store journal: a damaged row is reported, not guessed") {
  TempDir dir;
  {
    auto store = OpenOrFail(dir.DbPath());
    JournalBatch batch;
    batch.rows = {Row(JournalKind::kInput, kTestTime, 1, kReading),
                  Row(JournalKind::kInput, kTestTime, 1, kReading)};
    CommitJournal(*store, batch);
  }
  ExecRaw(dir.DbPath(),
          "PRAGMA ignore_check_constraints = ON; UPDATE journal SET kind = 'bogus' WHERE id = 2; "
          "UPDATE journal SET body = '{\"t\":\"reading\"' WHERE id = 1;");
  auto store = OpenOrFail(dir.DbPath());
  std::string error;
  const auto rows = store->JournalRows(0, 100, &error);
  REQUIRE(rows.size() == 1);
  CHECK(error.find("journal row 2") != std::string::npos);
  CHECK(error.find("bogus") != std::string::npos);
  std::string parse_error;
  CHECK_FALSE(ParseJournalRow(rows[0], &parse_error));
  CHECK(parse_error.find("not JSON") != std::string::npos);
}

TEST_CASE("store journal: a version 2 store is migrated, its data kept") {
  TempDir dir;
  {
    auto store = OpenOrFail(dir.DbPath());
    CommitOrFail(*store, {MakeEvent(1)});
  }
  ExecRaw(dir.DbPath(), "DROP TABLE journal; DROP TABLE journal_config; PRAGMA user_version = 2;");
  auto store = OpenOrFail(dir.DbPath());
  CHECK(store->schema_version() == 3);
  CHECK(store->EventCount() == 1);
  CHECK(QueryInt(dir.DbPath(), "SELECT count(*) FROM journal") == 0);
}

}  // namespace homesec::testing
