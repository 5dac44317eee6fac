// The seq mark (store/seq_mark.cpp): events the uplink sent from memory while the database
// refused writes are in no commit, so the next run must continue above them even on the same
// boot (a kill -9 keeps the page cache, not the daemon's memory).
#include <filesystem>

#include "store_test_support.hpp"

namespace homesec {
namespace {

using testing::CommitOrFail;
using testing::MakeEvent;
using testing::OpenOrFail;
using testing::TempDir;

std::uint64_t Begin(Store& store, const std::string& boot_id) {
  std::string error;
  const std::optional<std::uint64_t> lowest = store.BeginRun(boot_id, &error);
  REQUIRE_MESSAGE(lowest.has_value(), error);
  return *lowest;
}

}  // namespace

TEST_CASE("seq mark: seqs sent from memory are never handed out again, on the same boot") {
  TempDir dir;
  {
    auto store = OpenOrFail(dir.DbPath());
    Begin(*store, "boot-a");
    CommitOrFail(*store, {MakeEvent(1)});
    std::string error;
    // Seqs 2..5 left from memory, then the process was killed: never committed, no EndRun.
    REQUIRE_MESSAGE(store->NoteSentFromMemory(5, &error), error);
    CHECK(store->sent_from_memory() == 5);
  }
  auto restarted = OpenOrFail(dir.DbPath());
  CHECK(Begin(*restarted, "boot-a") == 6);
}

TEST_CASE("seq mark: a lower mark never moves it back, and without one nothing is skipped") {
  TempDir dir;
  {
    auto store = OpenOrFail(dir.DbPath());
    CHECK(Begin(*store, "boot-a") == 1);
    std::string error;
    REQUIRE(store->NoteSentFromMemory(9, &error));
    REQUIRE(store->NoteSentFromMemory(4, &error));
    CHECK(store->sent_from_memory() == 9);
  }
  auto restarted = OpenOrFail(dir.DbPath());
  CHECK(Begin(*restarted, "boot-a") == 10);
}

TEST_CASE("seq mark: its file is written whole at the start of a run, before any disk fills") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  const std::string mark = dir.DbPath() + "-seqmark";
  CHECK_FALSE(std::filesystem::exists(mark));  // homesecctl opening the store creates none
  Begin(*store, "boot-a");
  REQUIRE(std::filesystem::exists(mark));
  CHECK(std::filesystem::file_size(mark) == 21);
}

TEST_CASE("seq mark: without a mark file, nothing may be sent from memory") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  std::string error;
  // No run begun: the mark was never opened, so an event from memory could not be recorded.
  CHECK_FALSE(store->NoteSentFromMemory(3, &error));
  CHECK(error.find("seq mark") != std::string::npos);
}

}  // namespace homesec
