// Shared helpers for the store tests: a temporary directory under /tmp that removes itself, and
// event builders.
#pragma once

#include <doctest/doctest.h>
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

inline void CommitOrFail(Store& store, const std::vector<Event>& events,
                         const nlohmann::json& snapshot = nlohmann::json::object(),
                         Durability durability = Durability::kNormal) {
  std::string error;
  REQUIRE_MESSAGE(store.Commit(snapshot, events, "hub-1", durability, &error), error);
}

}  // namespace homesec::testing
