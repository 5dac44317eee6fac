// Two writers on one database, as the daemon and homesecctl are: a writer waits for the other's
// transaction (busy timeout) instead of failing.
#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "store_test_support.hpp"

namespace homesec {

TEST_CASE("store: a commit waits for another writer's transaction instead of failing") {
  testing::TempDir dir;
  auto store = testing::OpenOrFail(dir.DbPath());

  // Another process (homesecctl) holds the write lock for a moment.
  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open(dir.DbPath().c_str(), &other) == SQLITE_OK);
  REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE; INSERT INTO meta VALUES ('by', 'homesecctl');",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  // The order, not a length of time, shows the wait: the other writer's COMMIT is timed just
  // before it runs, and our commit cannot return success before then if it waited for the lock.
  std::chrono::steady_clock::time_point released;
  std::thread release([other, &released] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    released = std::chrono::steady_clock::now();
    sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
  });

  std::string error;
  const bool committed =
      store->Commit({{"n", 1}}, {testing::MakeEvent(1)}, "hub-1", Durability::kFull, &error);
  const auto finished = std::chrono::steady_clock::now();
  release.join();  // `released` is written before the join returns
  sqlite3_close(other);

  CHECK_MESSAGE(committed, error);
  CHECK(finished > released);  // it really waited for the lock
  CHECK(store->EventCount() == 1);
  CHECK(store->GetMeta("by") == "homesecctl");
}

TEST_CASE("store: a writer that holds the lock too long makes the commit fail cleanly") {
  testing::TempDir dir;
  auto store = testing::OpenOrFail(dir.DbPath());
  testing::CommitOrFail(*store, {testing::MakeEvent(1)}, {{"n", 1}});

  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open(dir.DbPath().c_str(), &other) == SQLITE_OK);
  REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  std::string error;
  CHECK_FALSE(
      store->Commit({{"n", 2}}, {testing::MakeEvent(2)}, "hub-1", Durability::kNormal, &error));
  CHECK(error == dir.DbPath() + ": commit: database is locked");
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);

  // Nothing of the refused commit is there, and the next one succeeds.
  CHECK(store->LoadSnapshot(&error) == nlohmann::json{{"n", 1}});
  testing::CommitOrFail(*store, {testing::MakeEvent(2)}, {{"n", 2}});
  CHECK(store->EventCount() == 2);
}

}  // namespace homesec
