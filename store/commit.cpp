// Committing a panel decision: the snapshot, the event log rows and the outbox rows for
// reportable events go in one transaction, with the durability the caller chose. Also reading
// the snapshot and the event log back, and pruning the log.
#include <algorithm>

#include "rules/event_json.hpp"
#include "store/sqlite_statement.hpp"
#include "store/statement_cache.hpp"
#include "store/store.hpp"

namespace homesec {
namespace {

// Pruning needs a count(*) over the log, so it is checked only when a commit's events cross a
// multiple of this many seqs, and it only starts once the log is this far above the minimum.
constexpr std::uint64_t kPruneCheckEvery = 1000;
constexpr std::size_t kPruneSlack = 1000;

std::int64_t ToMillis(WallTime t) {
  return t.time_since_epoch().count();
}

// dump() throws on invalid UTF-8 (a device name from a misbehaving bridge); replace such bytes
// with U+FFFD instead, so a bad string can never abort a commit or escape as an exception.
std::string Serialise(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool ReplaceSnapshot(sqlite::StatementCache& statements, const nlohmann::json& snapshot,
                     std::string* error) {
  sqlite::Statement stmt(statements,
                         "INSERT INTO panel_state (id, snapshot) VALUES (1, ?1) "
                         "ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot");
  stmt.Bind(1, Serialise(snapshot));
  return stmt.Run("commit: save panel state", error);
}

// The zones that changed since the last commit (all of them, the others removed, when
// `replace`): one small row per zone, so a tripped zone in a large home costs one row.
bool SaveZones(sqlite::StatementCache& statements, bool replace,
               const std::vector<std::pair<std::string, std::string>>& zones, std::string* error) {
  if (replace) {
    sqlite::Statement clear(statements, "DELETE FROM zone_state");
    if (!clear.Run("commit: replace zone states", error)) return false;
  }
  if (zones.empty()) return true;
  sqlite::Statement save(statements,
                         "INSERT INTO zone_state (id, state) VALUES (?1, ?2) "
                         "ON CONFLICT (id) DO UPDATE SET state = excluded.state");
  for (const auto& [id, state] : zones) {
    save.Reset();
    save.Bind(1, id).Bind(2, state);
    if (save.Step() != SQLITE_DONE) {
      return sqlite::Fail(statements.db(), "commit: save zone " + id, error);
    }
  }
  return true;
}

bool AppendEvents(sqlite::StatementCache& statements, const std::vector<Event>& events,
                  const std::string& hub_id, std::string* error) {
  if (events.empty()) return true;
  sqlite::Statement log(statements,
                        "INSERT INTO events (seq, time_ms, category, priority, report, json) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  sqlite::Statement outbox(statements,
                           "INSERT INTO outbox (seq, priority, payload) VALUES (?1, ?2, ?3)");
  for (const Event& event : events) {
    // The payload is serialised once, here, and published byte for byte on every resend.
    const std::string payload = EventPayload(event, hub_id);
    const auto seq = static_cast<std::int64_t>(event.seq);
    const auto priority = static_cast<std::int64_t>(event.priority);
    log.Reset();
    log.Bind(1, seq)
        .Bind(2, ToMillis(event.time))
        .Bind(3, ToString(event.category))
        .Bind(4, priority)
        .Bind(5, std::int64_t{event.report ? 1 : 0})
        .Bind(6, payload);
    // The messages are built only on failure: this loop is on the alarm path.
    if (log.Step() != SQLITE_DONE) {
      return sqlite::Fail(statements.db(), "commit: append event " + std::to_string(event.seq),
                          error);
    }
    if (!event.report) continue;
    outbox.Reset();
    outbox.Bind(1, seq).Bind(2, priority).Bind(3, payload);
    if (outbox.Step() != SQLITE_DONE) {
      return sqlite::Fail(statements.db(), "commit: queue event " + std::to_string(event.seq),
                          error);
    }
  }
  return true;
}

// True when the batch's seqs reach a new multiple of kPruneCheckEvery. The panel numbers events
// consecutively, so this happens once per kPruneCheckEvery events.
bool CrossesPruneCheck(const std::vector<Event>& events) {
  if (events.empty()) return false;
  std::uint64_t lo = events.front().seq;
  std::uint64_t hi = lo;
  for (const Event& event : events) {
    lo = std::min(lo, event.seq);
    hi = std::max(hi, event.seq);
  }
  return lo == 0 || (lo - 1) / kPruneCheckEvery != hi / kPruneCheckEvery;
}

// Keeps the newest kMinLogEvents events, plus any older event still waiting in the outbox (its
// dispatch history goes with it through ON DELETE CASCADE).
bool PruneLog(sqlite::StatementCache& statements, std::string* error) {
  sqlite::Statement count(statements, "SELECT count(*) FROM events");
  if (count.Step() != SQLITE_ROW) {
    return sqlite::Fail(statements.db(), "commit: count events", error);
  }
  if (static_cast<std::size_t>(count.Int(0)) <= Store::kMinLogEvents + kPruneSlack) return true;
  sqlite::Statement prune(
      statements,
      "DELETE FROM events WHERE seq < (SELECT seq FROM events ORDER BY seq DESC LIMIT 1 "
      "OFFSET ?1) AND seq NOT IN (SELECT seq FROM outbox)");
  prune.Bind(1, static_cast<std::int64_t>(Store::kMinLogEvents - 1));
  return prune.Run("commit: prune event log", error);
}

}  // namespace

bool AppendJournal(sqlite::StatementCache& statements, const JournalBatch& journal,
                   Millis retention, std::string* error);

bool Store::Commit(const PanelSnapshot& snapshot, const std::vector<Event>& events,
                   const std::string& hub_id, Durability durability, std::string* error) {
  return CommitParts(snapshot.panel, snapshot.replace_zones, snapshot.zones, events, nullptr,
                     hub_id, durability, error);
}

bool Store::Commit(const PanelSnapshot& snapshot, const std::vector<Event>& events,
                   const JournalBatch& journal, const std::string& hub_id, Durability durability,
                   std::string* error) {
  return CommitParts(snapshot.panel, snapshot.replace_zones, snapshot.zones, events, &journal,
                     hub_id, durability, error);
}

bool Store::Commit(const nlohmann::json& panel_snapshot, const std::vector<Event>& events,
                   const std::string& hub_id, Durability durability, std::string* error) {
  return CommitParts(panel_snapshot, /*replace_zones=*/true, {}, events, nullptr, hub_id,
                     durability, error);
}

bool Store::CommitParts(const nlohmann::json& panel_snapshot, bool replace_zones,
                        const std::vector<std::pair<std::string, std::string>>& zones,
                        const std::vector<Event>& events, const JournalBatch* journal,
                        const std::string& hub_id, Durability durability, std::string* error) {
  std::uint64_t highest = 0;
  for (const Event& event : events) highest = std::max(highest, event.seq);
  // Seqs past the reservation may be published as soon as this returns: the reservation that
  // covers them goes to disk with them, before anything is published (BeginRun).
  const bool reserve = highest > seq_reserved_;
  const std::uint64_t reserved = highest + kSeqReserveBlock;
  if (reserve || ended_run_) durability = Durability::kFull;
  if (!UseDurability(durability, error)) return false;
  sqlite::Transaction txn(*statements_);
  if (!txn.Begin("commit", error)) return false;
  if (!ReplaceSnapshot(*statements_, panel_snapshot, error)) return false;
  if (!SaveZones(*statements_, replace_zones, zones, error)) return false;
  if (!AppendEvents(*statements_, events, hub_id, error)) return false;
  if (CrossesPruneCheck(events) && !PruneLog(*statements_, error)) return false;
  if (journal != nullptr && !AppendJournal(*statements_, *journal, journal_retention_, error)) {
    return false;
  }
  if (reserve && !PutMeta(kSeqReservedKey, std::to_string(reserved), error)) return false;
  if (!txn.Commit("commit", error)) return false;
  if (reserve) seq_reserved_ = reserved;
  return true;
}

std::optional<nlohmann::json> Store::LoadSnapshot(std::string* error) {
  sqlite::Statement stmt(*statements_, "SELECT snapshot FROM panel_state WHERE id = 1");
  const int rc = stmt.Step();
  if (rc == SQLITE_DONE) return std::nullopt;  // fresh store: no error
  if (rc != SQLITE_ROW) {
    sqlite::Fail(db_, "load panel state", error);
    return std::nullopt;
  }
  auto snapshot = nlohmann::json::parse(stmt.Text(0), nullptr, /*allow_exceptions=*/false);
  if (snapshot.is_discarded()) {
    if (error != nullptr) *error = sqlite::Describe(db_, "load panel state") + " (not JSON)";
    return std::nullopt;
  }
  // Zone rows, when the daemon saved them, are the zones (a snapshot from before them keeps its
  // own "zones" and id lists, and has no rows).
  sqlite::Statement rows(*statements_, "SELECT id, state FROM zone_state ORDER BY id");
  nlohmann::json zones = nlohmann::json::object();
  int row_rc;
  while ((row_rc = rows.Step()) == SQLITE_ROW) {
    auto zone = nlohmann::json::parse(rows.Text(1), nullptr, /*allow_exceptions=*/false);
    if (zone.is_discarded() || !zone.is_object()) {
      if (error != nullptr) {
        *error = sqlite::Describe(db_, "load zone state") + " (zone " + rows.Text(0) +
                 ": not a JSON object)";
      }
      return std::nullopt;
    }
    zones[rows.Text(0)] = std::move(zone);
  }
  if (row_rc != SQLITE_DONE) {
    sqlite::Fail(db_, "load zone state", error);
    return std::nullopt;
  }
  if (!zones.empty() && snapshot.is_object()) {
    snapshot["zones"] = std::move(zones);
    snapshot.erase("closed_zones");
    snapshot.erase("open_zones");
  }
  return snapshot;
}

std::vector<Event> Store::RecentEvents(std::size_t count, std::string* error) {
  std::vector<Event> events;
  sqlite::Statement stmt(*statements_,
                         "SELECT seq, report, json FROM (SELECT seq, report, json FROM events "
                         "ORDER BY seq DESC LIMIT ?1) ORDER BY seq ASC");
  stmt.Bind(1, static_cast<std::int64_t>(count));
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    const auto json = nlohmann::json::parse(stmt.Text(2), nullptr, false);
    std::string parse_error;
    auto event = EventFromJson(json, &parse_error);
    if (!event) {
      // One damaged row must not hide the rest of the log.
      if (error != nullptr) {
        *error = sqlite::Describe(db_, "read event " + std::to_string(stmt.Int(0))) + " (" +
                 (json.is_discarded() ? std::string("not JSON") : parse_error) + ")";
      }
      continue;
    }
    event->report = stmt.Int(1) != 0;
    events.push_back(std::move(*event));
  }
  if (rc != SQLITE_DONE) sqlite::Fail(db_, "read event log", error);
  return events;
}

std::size_t Store::EventCount() {
  sqlite::Statement stmt(*statements_, "SELECT count(*) FROM events");
  return stmt.Step() == SQLITE_ROW ? static_cast<std::size_t>(stmt.Int(0)) : 0;
}

}  // namespace homesec
