// Committing panel decisions: atomicity, what goes to the log and the outbox, and log retention.
#include <sqlite3.h>

#include "rules/event_json.hpp"
#include "store_test_support.hpp"

namespace homesec {
namespace {

using testing::CommitOrFail;
using testing::ExecRaw;
using testing::MakeEvent;
using testing::OpenOrFail;
using testing::TempDir;

}  // namespace

TEST_CASE("store: commit saves the snapshot and appends events in seq order") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  CommitOrFail(*store, {MakeEvent(1), MakeEvent(2)}, {{"mode", "arming"}});
  CommitOrFail(*store, {MakeEvent(3, Priority::kCritical)}, {{"mode", "armed_away"}});
  std::string error;
  CHECK(store->LoadSnapshot(&error) == nlohmann::json{{"mode", "armed_away"}});
  const auto events = store->RecentEvents(2, &error);
  REQUIRE(events.size() == 2);  // the newest two, oldest first
  CHECK(events[0].seq == 2);
  CHECK(events[1] == MakeEvent(3, Priority::kCritical));
  CHECK(store->EventCount() == 3);
}

TEST_CASE("store: commit with no events still replaces the snapshot") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  CommitOrFail(*store, {}, {{"n", 1}});
  CommitOrFail(*store, {}, {{"n", 2}}, Durability::kFull);
  std::string error;
  CHECK(store->LoadSnapshot(&error) == nlohmann::json{{"n", 2}});
  CHECK(store->EventCount() == 0);
}

TEST_CASE("store: only reportable events are queued in the outbox, with their uplink payload") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  const Event chime = MakeEvent(1, Priority::kLow, /*report=*/false);
  const Event alarm = MakeEvent(2, Priority::kCritical);
  CommitOrFail(*store, {chime, alarm});
  std::string error;
  const auto pending = store->PendingOutbox(10, &error);
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].seq == 2);
  CHECK(pending[0].priority == Priority::kCritical);
  CHECK(pending[0].attempts == 0);
  CHECK(pending[0].payload == EventToJson(alarm, "hub-1").dump());
  // The unreported event is still in the log, and keeps its report flag.
  const auto events = store->RecentEvents(10, &error);
  REQUIRE(events.size() == 2);
  CHECK(events[0] == chime);
}

TEST_CASE("store: a failed commit leaves snapshot, log and outbox as they were") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  CommitOrFail(*store, {MakeEvent(1)}, {{"mode", "disarmed"}});
  // Fail the transaction at its last step: queuing event 3 in the outbox. The snapshot and
  // events 2 and 3 have been written inside the transaction by then.
  ExecRaw(dir.DbPath(),
          "CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox WHEN NEW.seq = 3 "
          "BEGIN SELECT RAISE(ABORT, 'forced failure'); END;");
  std::string error;
  CHECK_FALSE(store->Commit({{"mode", "armed_away"}}, {MakeEvent(2), MakeEvent(3)}, "hub-1",
                            Durability::kFull, &error));
  CHECK(error.find(dir.DbPath()) == 0);
  CHECK(error.find("forced failure") != std::string::npos);

  CHECK(store->LoadSnapshot(&error) == nlohmann::json{{"mode", "disarmed"}});
  CHECK(store->EventCount() == 1);
  CHECK(store->OutboxSize() == 1);

  // The same store keeps working once the cause is gone.
  ExecRaw(dir.DbPath(), "DROP TRIGGER fail_outbox");
  CommitOrFail(*store, {MakeEvent(2), MakeEvent(3)}, {{"mode", "armed_away"}});
  CHECK(store->EventCount() == 3);
  CHECK(store->OutboxSize() == 3);
}

TEST_CASE("store: a duplicate seq is refused and nothing of that commit is kept") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  CommitOrFail(*store, {MakeEvent(1)}, {{"n", 1}});
  std::string error;
  CHECK_FALSE(store->Commit({{"n", 2}}, {MakeEvent(2), MakeEvent(1)}, "hub-1", Durability::kNormal,
                            &error));
  CHECK(error.find("UNIQUE constraint failed") != std::string::npos);
  CHECK(store->LoadSnapshot(&error) == nlohmann::json{{"n", 1}});
  CHECK(store->EventCount() == 1);
}

TEST_CASE("store: an event with invalid UTF-8 text is committed, not thrown") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  Event odd = MakeEvent(1);
  odd.device = "sensor\xff\xfe";
  std::string error;
  CHECK(store->Commit({{"note", "bad \xc3"}}, {odd}, "hub-1", Durability::kNormal, &error));
  const auto events = store->RecentEvents(1, &error);
  REQUIRE(events.size() == 1);
  CHECK(events[0].device == "sensor\xef\xbf\xbd\xef\xbf\xbd");  // U+FFFD twice
}

TEST_CASE("store: the event log keeps at least 10,000 events after 12,000 commits") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  // One commit per event, as the daemon does, so pruning runs on the ordinary commit path.
  // Events 1..5 stay unacknowledged in the outbox: pruning must keep them.
  std::string error;
  for (std::uint64_t seq = 1; seq <= 12000; ++seq) {
    const bool reportable = seq <= 5 || seq > 11990;
    CommitOrFail(*store, {MakeEvent(seq, Priority::kLow, reportable)});
  }
  const std::size_t count = store->EventCount();
  CHECK(count >= Store::kMinLogEvents);
  CHECK(count < 12000);  // pruning did run
  const auto newest = store->RecentEvents(Store::kMinLogEvents, &error);
  REQUIRE(newest.size() == Store::kMinLogEvents);
  CHECK(newest.front().seq == 12000 - Store::kMinLogEvents + 1);
  CHECK(newest.back().seq == 12000);
  // Events still in the outbox survive pruning.
  CHECK(store->OutboxSize() == 15);
  const auto oldest = store->RecentEvents(count, &error);
  REQUIRE(oldest.size() >= 5);
  CHECK(oldest.front().seq == 1);
}

}  // namespace homesec
