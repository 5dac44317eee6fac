// The outbox: delivery order, removal on acknowledgement, dispatch history, harmless repeats.
#include "rules/event_json.hpp"
#include "store_test_support.hpp"

namespace homesec {
namespace {

using testing::CommitOrFail;
using testing::kTestTime;
using testing::MakeEvent;
using testing::OpenOrFail;
using testing::TempDir;

std::vector<std::uint64_t> PendingSeqs(Store& store) {
  std::string error;
  std::vector<std::uint64_t> seqs;
  for (const auto& entry : store.PendingOutbox(100, &error)) seqs.push_back(entry.seq);
  CHECK(error.empty());
  return seqs;
}

DispatchStatus Status(std::uint64_t seq, std::string status, std::string note = "") {
  return DispatchStatus{seq, std::move(status), kTestTime + Seconds(100), std::move(note)};
}

}  // namespace

TEST_CASE("outbox: critical and high events come first, each class in seq order") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  CommitOrFail(*store, {MakeEvent(1, Priority::kLow), MakeEvent(2, Priority::kNormal),
                        MakeEvent(3, Priority::kHigh), MakeEvent(4, Priority::kLow),
                        MakeEvent(5, Priority::kCritical)});
  CHECK(PendingSeqs(*store) == std::vector<std::uint64_t>{3, 5, 1, 2, 4});
}

TEST_CASE("outbox: the limit returns the most urgent entries") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  CommitOrFail(*store, {MakeEvent(1, Priority::kLow), MakeEvent(2, Priority::kCritical)});
  std::string error;
  const auto pending = store->PendingOutbox(1, &error);
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].seq == 2);
}

TEST_CASE("outbox: received removes the event and records the status") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  CommitOrFail(*store, {MakeEvent(1, Priority::kCritical), MakeEvent(2, Priority::kCritical)});
  std::string error;
  CHECK(store->RecordDispatch(Status(1, "received", "operator 7"), &error));
  CHECK(error.empty());
  CHECK(PendingSeqs(*store) == std::vector<std::uint64_t>{2});
  const auto history = store->DispatchHistory(1);
  REQUIRE(history.size() == 1);
  CHECK(history[0].seq == 1);
  CHECK(history[0].status == "received");
  CHECK(history[0].at == kTestTime + Seconds(100));
  CHECK(history[0].note == "operator 7");
}

TEST_CASE("outbox: a later status without received also removes the event") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  CommitOrFail(*store, {MakeEvent(1, Priority::kCritical)});
  std::string error;
  CHECK(store->RecordDispatch(Status(1, "dispatched"), &error));
  CHECK(store->OutboxSize() == 0);
}

TEST_CASE("outbox: dispatch history keeps every status in arrival order") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  CommitOrFail(*store, {MakeEvent(1, Priority::kCritical)});
  std::string error;
  for (const char* status : {"received", "dispatched", "on_scene", "closed"}) {
    CHECK(store->RecordDispatch(Status(1, status), &error));
  }
  const auto history = store->DispatchHistory(1);
  REQUIRE(history.size() == 4);
  CHECK(history[0].status == "received");
  CHECK(history[3].status == "closed");
}

TEST_CASE("outbox: an acknowledgement for an unknown seq returns false without error") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  CommitOrFail(*store, {MakeEvent(1, Priority::kCritical)});
  std::string error;
  CHECK_FALSE(store->RecordDispatch(Status(99, "received"), &error));
  CHECK(error.empty());
  CHECK(store->OutboxSize() == 1);
  CHECK(store->DispatchHistory(99).empty());
}

TEST_CASE("outbox: a duplicate acknowledgement is harmless") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  CommitOrFail(*store, {MakeEvent(1, Priority::kCritical), MakeEvent(2)});
  std::string error;
  CHECK(store->RecordDispatch(Status(1, "received", "first"), &error));
  CHECK(store->RecordDispatch(Status(1, "received", "again"), &error));
  CHECK(error.empty());
  CHECK(PendingSeqs(*store) == std::vector<std::uint64_t>{2});
  const auto history = store->DispatchHistory(1);
  REQUIRE(history.size() == 1);
  CHECK(history[0].note == "first");
}

TEST_CASE("outbox: an unknown status is an error and changes nothing") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  CommitOrFail(*store, {MakeEvent(1, Priority::kCritical)});
  std::string error;
  CHECK_FALSE(store->RecordDispatch(Status(1, "lost"), &error));
  CHECK(error.find("'lost'") != std::string::npos);
  CHECK(store->OutboxSize() == 1);
}

TEST_CASE("outbox: send attempts are counted per entry") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  CommitOrFail(*store, {MakeEvent(1, Priority::kCritical)});
  std::string error;
  CHECK(store->MarkAttempt(1, &error));
  CHECK(store->MarkAttempt(1, &error));
  CHECK_FALSE(store->MarkAttempt(42, &error));  // not in the outbox
  CHECK(error.empty());
  const auto pending = store->PendingOutbox(10, &error);
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].attempts == 2);
}

}  // namespace homesec

namespace homesec {

// The daemon sends events the store refused from memory with EventPayload; once committed they
// go again from the outbox. Both copies must be the same bytes, or the platform would take the
// second for an event of a restarted hub rather than a duplicate.
TEST_CASE("outbox: the stored payload is EventPayload byte for byte, invalid UTF-8 included") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  Event event = MakeEvent(7, Priority::kCritical);
  event.device = std::string("bad\xff") + "name";
  CommitOrFail(*store, {event});
  std::string error;
  const auto pending = store->PendingOutbox(1, &error);
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].payload == EventPayload(event, "hub-1"));
}

}  // namespace homesec
