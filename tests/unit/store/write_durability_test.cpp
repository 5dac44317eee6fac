// Which synchronous level each store write runs with, read from the store's own connection
// (PRAGMA synchronous: 1 = NORMAL, 2 = FULL). The level must follow the write, not linger from
// the write before it: an alarm commit must not make the bookkeeping after it fsync too.
#include "store_test_support.hpp"

namespace homesec {
namespace {

using testing::CommitOrFail;
using testing::MakeEvent;
using testing::OpenCapturing;
using testing::QueryIntOn;
using testing::TempDir;

constexpr std::int64_t kNormal = 1;
constexpr std::int64_t kFull = 2;

std::int64_t Synchronous(sqlite3* db) {
  return QueryIntOn(db, "PRAGMA synchronous");
}

DispatchStatus Received(std::uint64_t seq) {
  return DispatchStatus{seq, "received", testing::kTestTime, ""};
}

}  // namespace

TEST_CASE("write durability: a fresh store writes with NORMAL") {
  TempDir dir;
  sqlite3* db = nullptr;
  auto store = OpenCapturing(dir.DbPath(), &db);
  CHECK(Synchronous(db) == kNormal);
}

TEST_CASE("write durability: each commit runs with the durability its caller chose") {
  TempDir dir;
  sqlite3* db = nullptr;
  auto store = OpenCapturing(dir.DbPath(), &db);
  CommitOrFail(*store, {MakeEvent(1, Priority::kCritical)}, {}, Durability::kFull);
  CHECK(Synchronous(db) == kFull);
  CommitOrFail(*store, {MakeEvent(2)}, {}, Durability::kNormal);
  CHECK(Synchronous(db) == kNormal);
  CommitOrFail(*store, {MakeEvent(3, Priority::kCritical)}, {}, Durability::kFull);
  CommitOrFail(*store, {MakeEvent(4, Priority::kCritical)}, {}, Durability::kFull);
  CHECK(Synchronous(db) == kFull);
}

TEST_CASE("write durability: a send attempt after an alarm commit is written with NORMAL") {
  TempDir dir;
  sqlite3* db = nullptr;
  auto store = OpenCapturing(dir.DbPath(), &db);
  CommitOrFail(*store, {MakeEvent(1, Priority::kCritical)}, {}, Durability::kFull);
  REQUIRE(Synchronous(db) == kFull);
  std::string error;
  REQUIRE_MESSAGE(store->MarkAttempt(1, &error), error);
  CHECK(Synchronous(db) == kNormal);
  CHECK(store->PendingOutbox(1, &error).at(0).attempts == 1);
}

TEST_CASE("write durability: a dispatch status after an alarm commit is written with NORMAL") {
  TempDir dir;
  sqlite3* db = nullptr;
  auto store = OpenCapturing(dir.DbPath(), &db);
  CommitOrFail(*store, {MakeEvent(1, Priority::kCritical)}, {}, Durability::kFull);
  REQUIRE(Synchronous(db) == kFull);
  std::string error;
  REQUIRE_MESSAGE(store->RecordDispatch(Received(1), &error), error);
  CHECK(Synchronous(db) == kNormal);
  CHECK(store->OutboxSize() == 0);
}

TEST_CASE("write durability: the alarm commit after a send attempt is FULL again") {
  TempDir dir;
  sqlite3* db = nullptr;
  auto store = OpenCapturing(dir.DbPath(), &db);
  std::string error;
  // The uplink's rhythm: alarm committed, published, attempt counted, next alarm committed.
  for (std::uint64_t seq = 1; seq <= 3; ++seq) {
    CommitOrFail(*store, {MakeEvent(seq, Priority::kCritical)}, {}, Durability::kFull);
    CHECK(Synchronous(db) == kFull);
    REQUIRE_MESSAGE(store->MarkAttempt(seq, &error), error);
    CHECK(Synchronous(db) == kNormal);
  }
  CHECK(store->OutboxSize() == 3);
}

TEST_CASE("write durability: user changes are written with FULL, settings with NORMAL") {
  TempDir dir;
  sqlite3* db = nullptr;
  auto store = OpenCapturing(dir.DbPath(), &db);
  std::string error;
  REQUIRE_MESSAGE(store->UpsertUser(testing::MakeTestUser(1, "anna"), &error), error);
  CHECK(Synchronous(db) == kFull);
  REQUIRE_MESSAGE(store->SetMeta("hub_id", "hub-1", &error), error);
  CHECK(Synchronous(db) == kNormal);
  REQUIRE_MESSAGE(store->RemoveUser("anna", &error), error);
  CHECK(Synchronous(db) == kFull);
}

}  // namespace homesec
