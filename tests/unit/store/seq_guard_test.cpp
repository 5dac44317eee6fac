// Alarms are committed NORMAL, published, then synced; so that a power cut between the publish
// and the sync can never make the hub reuse a seq the platform already has, seqs are reserved on
// disk in blocks, and a start after a reboot without a clean stop continues above the
// reservation. The boot ids here are plain strings: the store only compares them.
#include "store_test_support.hpp"

namespace homesec {
namespace {

using testing::CommitOrFail;
using testing::MakeEvent;
using testing::OpenCapturing;
using testing::OpenOrFail;
using testing::QueryIntOn;
using testing::TempDir;

constexpr std::uint64_t kBlock = Store::kSeqReserveBlock;

std::uint64_t BeginOrFail(Store& store, const std::string& boot_id) {
  std::string error;
  const std::optional<std::uint64_t> lowest = store.BeginRun(boot_id, &error);
  REQUIRE_MESSAGE(lowest.has_value(), error);
  return *lowest;
}

// A run of the daemon: begins, commits events first..last (alarms), and ends cleanly or not.
void Run(const std::string& path, const std::string& boot_id, std::uint64_t first,
         std::uint64_t last, bool clean_stop) {
  auto store = OpenOrFail(path);
  BeginOrFail(*store, boot_id);
  for (std::uint64_t seq = first; seq <= last; ++seq) {
    CommitOrFail(*store, {MakeEvent(seq, Priority::kCritical)});
  }
  std::string error;
  if (clean_stop) REQUIRE_MESSAGE(store->EndRun(&error), error);
}

}  // namespace

TEST_CASE("seq guard: a new store reserves a block with its first event, on disk") {
  TempDir dir;
  {
    auto store = OpenOrFail(dir.DbPath());
    CHECK(store->seq_reserved() == 0);
    CHECK(BeginOrFail(*store, "boot-a") == 1);
    CommitOrFail(*store, {MakeEvent(1)});
    CHECK(store->seq_reserved() == 1 + kBlock);
  }
  auto reopened = OpenOrFail(dir.DbPath());
  CHECK(reopened->seq_reserved() == 1 + kBlock);
}

TEST_CASE("seq guard: the reservation moves only when a commit passes it") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  CommitOrFail(*store, {MakeEvent(1)});
  REQUIRE(store->seq_reserved() == 1 + kBlock);
  CommitOrFail(*store, {MakeEvent(2), MakeEvent(1 + kBlock)});
  CHECK(store->seq_reserved() == 1 + kBlock);
  CommitOrFail(*store, {MakeEvent(2 + kBlock), MakeEvent(3 + kBlock)});
  CHECK(store->seq_reserved() == 3 + 2 * kBlock);
}

TEST_CASE("seq guard: the commit that extends the reservation is FULL whatever was asked") {
  TempDir dir;
  sqlite3* db = nullptr;
  auto store = OpenCapturing(dir.DbPath(), &db);
  CommitOrFail(*store, {MakeEvent(1)}, {}, Durability::kNormal);
  CHECK(QueryIntOn(db, "PRAGMA synchronous") == 2);  // FULL: the reservation went to disk
  CommitOrFail(*store, {MakeEvent(2)}, {}, Durability::kNormal);
  CHECK(QueryIntOn(db, "PRAGMA synchronous") == 1);  // NORMAL: inside the reservation
  CHECK(QueryIntOn(db, "SELECT value FROM meta WHERE key = 'seq_reserved'") ==
        static_cast<std::int64_t>(1 + kBlock));
}

TEST_CASE("seq guard: a process killed and restarted on the same boot continues at once") {
  TempDir dir;
  Run(dir.DbPath(), "boot-a", 1, 5, /*clean_stop=*/false);
  auto store = OpenOrFail(dir.DbPath());
  CHECK(BeginOrFail(*store, "boot-a") == 1);  // the page cache kept every commit
}

TEST_CASE("seq guard: after a reboot without a clean stop the seqs continue above the block") {
  TempDir dir;
  Run(dir.DbPath(), "boot-a", 1, 5, /*clean_stop=*/false);
  auto store = OpenOrFail(dir.DbPath());
  CHECK(BeginOrFail(*store, "boot-b") == 2 + kBlock);
  // The run begun now is recorded: another start on boot-b is not at risk any more.
  store.reset();
  store = OpenOrFail(dir.DbPath());
  CHECK(BeginOrFail(*store, "boot-b") == 1);
}

TEST_CASE("seq guard: after a reboot that followed a clean stop the seqs continue normally") {
  TempDir dir;
  Run(dir.DbPath(), "boot-a", 1, 5, /*clean_stop=*/true);
  auto store = OpenOrFail(dir.DbPath());
  CHECK(BeginOrFail(*store, "boot-b") == 1);
}

TEST_CASE("seq guard: a commit after the clean stop was marked is FULL") {
  TempDir dir;
  sqlite3* db = nullptr;
  auto store = OpenCapturing(dir.DbPath(), &db);
  BeginOrFail(*store, "boot-a");
  CommitOrFail(*store, {MakeEvent(1)});
  CommitOrFail(*store, {MakeEvent(2)});
  REQUIRE(QueryIntOn(db, "PRAGMA synchronous") == 1);
  std::string error;
  REQUIRE_MESSAGE(store->EndRun(&error), error);
  CommitOrFail(*store, {MakeEvent(3)}, {}, Durability::kNormal);
  CHECK(QueryIntOn(db, "PRAGMA synchronous") == 2);
}

TEST_CASE("seq guard: a store from before the reservation starts without one and is not at risk") {
  TempDir dir;
  {
    auto store = OpenOrFail(dir.DbPath());
    CommitOrFail(*store, {MakeEvent(1)});
  }
  {
    // As an older homesec left it: no reservation, no boot recorded.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(dir.DbPath().c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "DELETE FROM meta", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  auto store = OpenOrFail(dir.DbPath());
  CHECK(store->seq_reserved() == 0);
  CHECK(BeginOrFail(*store, "boot-b") == 1);
}

TEST_CASE("seq guard: a damaged reservation is refused at open with a clear error") {
  TempDir dir;
  {
    auto store = OpenOrFail(dir.DbPath());
    std::string error;
    REQUIRE_MESSAGE(store->SetMeta("seq_reserved", "12x", &error), error);
  }
  std::string error;
  CHECK(Store::Open(dir.DbPath(), &error) == nullptr);
  CHECK(error.find("seq_reserved is '12x', not a number") != std::string::npos);
}

TEST_CASE("seq guard: Sync finds the open WAL and syncs it without error after NORMAL commits") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  CommitOrFail(*store, {MakeEvent(1)});
  CommitOrFail(*store, {MakeEvent(2, Priority::kCritical)}, {}, Durability::kNormal);
  std::string error;
  CHECK_MESSAGE(store->Sync(&error), error);
  CHECK(error.empty());
}

}  // namespace homesec
