// The outbox: reportable events waiting for the platform's acknowledgement, and the dispatch
// history the platform reports for them. An event leaves the outbox only when the platform says
// it has it ("received" or any later status); acknowledgements may arrive twice or for events
// the hub no longer knows, and both are harmless.
#include <array>

#include "store/sqlite_statement.hpp"
#include "store/statement_cache.hpp"
#include "store/store.hpp"

namespace homesec {
namespace {

constexpr std::array<std::string_view, 4> kDispatchStatuses{"received", "dispatched", "on_scene",
                                                            "closed"};

bool IsDispatchStatus(std::string_view status) {
  for (std::string_view known : kDispatchStatuses) {
    if (known == status) return true;
  }
  return false;
}

}  // namespace

std::vector<OutboxEntry> Store::PendingOutbox(std::size_t limit, std::string* error) {
  std::vector<OutboxEntry> entries;
  // Critical and high (alarms) first so they never wait behind routine traffic; within each
  // class in seq order, which is the order the platform must see them in.
  sqlite::Statement stmt(*statements_,
                         "SELECT seq, priority, payload, attempts FROM outbox "
                         "ORDER BY (priority > 1), seq LIMIT ?1");
  stmt.Bind(1, static_cast<std::int64_t>(limit));
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    OutboxEntry entry;
    entry.seq = static_cast<std::uint64_t>(stmt.Int(0));
    entry.priority = static_cast<Priority>(stmt.Int(1));
    entry.payload = stmt.Text(2);
    entry.attempts = static_cast<int>(stmt.Int(3));
    entries.push_back(std::move(entry));
  }
  if (rc != SQLITE_DONE) sqlite::Fail(db_, "read outbox", error);
  return entries;
}

std::size_t Store::OutboxSize() {
  sqlite::Statement stmt(*statements_, "SELECT count(*) FROM outbox");
  return stmt.Step() == SQLITE_ROW ? static_cast<std::size_t>(stmt.Int(0)) : 0;
}

bool Store::MarkAttempt(std::uint64_t seq, std::string* error) {
  // NORMAL (docs/storage.md): a send counter lost in a power cut is harmless, and this runs right
  // after every publish, so an fsync here (left over from an alarm commit) would hold up the loop.
  if (!UseDurability(Durability::kNormal, error)) return false;
  sqlite::Statement stmt(*statements_, "UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?1");
  stmt.Bind(1, static_cast<std::int64_t>(seq));
  if (!stmt.Run("mark send attempt", error)) return false;
  return sqlite3_changes(db_) > 0;
}

bool Store::RecordDispatch(const DispatchStatus& status, std::string* error) {
  if (!IsDispatchStatus(status.status)) {
    if (error != nullptr) {
      *error = "dispatch status '" + status.status +
               "' is not one of received, dispatched, on_scene, closed";
    }
    return false;
  }
  // NORMAL (docs/storage.md): if a power cut loses this, the event is back in the outbox and is
  // sent again; the platform recognises the duplicate by its id and repeats its status.
  if (!UseDurability(Durability::kNormal, error)) return false;
  const auto seq = static_cast<std::int64_t>(status.seq);
  sqlite::Transaction txn(*statements_);
  if (!txn.Begin("record dispatch", error)) return false;
  {
    sqlite::Statement known(*statements_, "SELECT 1 FROM events WHERE seq = ?1");
    known.Bind(1, seq);
    const int rc = known.Step();
    if (rc == SQLITE_DONE) return false;  // unknown (or pruned) event: nothing to do, no error
    if (rc != SQLITE_ROW) return sqlite::Fail(db_, "record dispatch", error);
  }
  // Every status implies the platform has the event, so any of them ends resending.
  sqlite::Statement remove(*statements_, "DELETE FROM outbox WHERE seq = ?1");
  remove.Bind(1, seq);
  if (!remove.Run("record dispatch: remove from outbox", error)) return false;
  // A repeated status (MQTT redelivery) keeps the first record.
  sqlite::Statement history(*statements_,
                            "INSERT INTO dispatch (seq, status, at_ms, note) "
                            "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (seq, status) DO NOTHING");
  history.Bind(1, seq)
      .Bind(2, status.status)
      .Bind(3, static_cast<std::int64_t>(status.at.time_since_epoch().count()))
      .Bind(4, status.note);
  if (!history.Run("record dispatch: history", error)) return false;
  return txn.Commit("record dispatch", error);
}

bool Store::InOutbox(std::uint64_t seq) {
  sqlite::Statement stmt(*statements_, "SELECT 1 FROM outbox WHERE seq = ?1");
  stmt.Bind(1, static_cast<std::int64_t>(seq));
  return stmt.Step() == SQLITE_ROW;
}

std::vector<DispatchStatus> Store::DispatchHistory(std::uint64_t seq) {
  std::vector<DispatchStatus> history;
  sqlite::Statement stmt(*statements_,
                         "SELECT status, at_ms, note FROM dispatch WHERE seq = ?1 ORDER BY id");
  stmt.Bind(1, static_cast<std::int64_t>(seq));
  while (stmt.Step() == SQLITE_ROW) {
    DispatchStatus status;
    status.seq = seq;
    status.status = stmt.Text(0);
    status.at = WallTime(Millis(stmt.Int(1)));
    status.note = stmt.Text(2);
    history.push_back(std::move(status));
  }
  return history;
}

}  // namespace homesec
