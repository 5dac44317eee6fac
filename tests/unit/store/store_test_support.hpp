// Shared helpers for the store tests: a temporary directory under /tmp that removes itself,
// event builders, and a way to reach the SQLite connection a Store opened.
#pragma once

#include <doctest/doctest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace homesec::testing {

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/homesec-store-XXXXXX";
    const char* dir = mkdtemp(pattern);
    REQUIRE(dir != nullptr);
    path_ = dir;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string File(const std::string& name) const { return path_ + "/" + name; }
  std::string DbPath() const { return File("homesec.db"); }

 private:
  std::string path_;
};

inline const WallTime kTestTime = WallTime{} + std::chrono::hours(24 * 365 * 56);

inline Event MakeEvent(std::uint64_t seq, Priority priority = Priority::kNormal,
                       bool report = true) {
  Event e;
  e.seq = seq;
  e.time = kTestTime + Seconds(static_cast<std::int64_t>(seq));
  e.priority = priority;
  e.category = priority <= Priority::kHigh ? EventCategory::kAlarm : EventCategory::kSystem;
  e.type = priority <= Priority::kHigh ? "burglary" : "heartbeat";
  e.zone = "hall_door";
  e.mode = Mode::kArmedAway;
  e.cid = ContactId{1, priority <= Priority::kHigh ? 130 : 602, 1, 3};
  e.report = report;
  e.text = "event " + std::to_string(seq);
  return e;
}

inline std::unique_ptr<Store> OpenOrFail(const std::string& path) {
  std::string error;
  auto store = Store::Open(path, &error);
  REQUIRE_MESSAGE(store != nullptr, error);
  return store;
}

// Runs SQL on the database file through a connection of its own (damaging or downgrading it
// behind the Store's back).
inline void ExecRaw(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
  const std::string text = message != nullptr ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  REQUIRE_MESSAGE(rc == SQLITE_OK, text);
}

inline void CommitOrFail(Store& store, const std::vector<Event>& events,
                         const nlohmann::json& snapshot = nlohmann::json::object(),
                         Durability durability = Durability::kNormal) {
  std::string error;
  REQUIRE_MESSAGE(store.Commit(snapshot, events, "hub-1", durability, &error), error);
}

// Opens a store and hands back its SQLite connection too, caught with an auto-extension (which
// SQLite runs for every connection it opens), so a test can ask the connection what the Store
// does not expose: its PRAGMA synchronous, its prepared statements.
inline sqlite3*& CapturedConnection() {
  static sqlite3* db = nullptr;
  return db;
}

inline int CaptureConnection(sqlite3* db, const char**, const sqlite3_api_routines*) {
  CapturedConnection() = db;
  return SQLITE_OK;
}

inline std::unique_ptr<Store> OpenCapturing(const std::string& path, sqlite3** db) {
  CapturedConnection() = nullptr;
  REQUIRE(sqlite3_auto_extension(reinterpret_cast<void (*)()>(CaptureConnection)) == SQLITE_OK);
  std::string error;
  auto store = Store::Open(path, &error);
  sqlite3_cancel_auto_extension(reinterpret_cast<void (*)()>(CaptureConnection));
  REQUIRE_MESSAGE(store != nullptr, error);
  REQUIRE(CapturedConnection() != nullptr);
  *db = CapturedConnection();
  return store;
}

// The first column of the first row of `sql`, run on `db`.
inline std::int64_t QueryIntOn(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK);
  const int rc = sqlite3_step(stmt);
  const std::int64_t value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  REQUIRE(rc == SQLITE_ROW);
  return value;
}

inline User MakeTestUser(int number, const std::string& name) {
  User user;
  user.number = number;
  user.name = name;
  user.role = Role::kUser;
  user.pin_hash = "pbkdf2-sha256$1000$c2FsdA$aGFzaA";
  return user;
}

}  // namespace homesec::testing
