// The input journal's rows (store.hpp, docs/storage.md "Input journal"): appended inside the
// commit that stores the events they produced, read back by homesecctl explain / dry-run, and
// cut to the retention at each checkpoint.
#include <algorithm>
#include <limits>

#include "store/sqlite_statement.hpp"
#include "store/statement_cache.hpp"
#include "store/store.hpp"

namespace homesec {
namespace {

std::int64_t Ms(WallTime t) {
  return t.time_since_epoch().count();
}

constexpr const char* kRowColumns = "id, kind, mono_ms, wall_ms, next_seq, config, body";

// A row as stored; a kind the schema's CHECK should have kept out is reported, not guessed.
std::optional<JournalRow> ReadRow(sqlite3* db, const sqlite::Statement& stmt, std::string* error) {
  JournalRow row;
  row.id = stmt.Int(0);
  const std::optional<JournalKind> kind = ParseJournalKind(stmt.Text(1));
  if (!kind) {
    if (error != nullptr) {
      *error = sqlite::Describe(db, "read journal row " + std::to_string(row.id)) +
               " (unknown kind \"" + stmt.Text(1) + "\")";
    }
    return std::nullopt;
  }
  row.kind = *kind;
  row.now = Now{MonoTime{Millis{stmt.Int(2)}}, WallTime{Millis{stmt.Int(3)}}};
  const std::int64_t next_seq = stmt.Int(4);
  row.next_seq = next_seq < 0 ? 0 : static_cast<std::uint64_t>(next_seq);
  if (!stmt.IsNull(5)) row.config_hash = stmt.Text(5);
  row.body = stmt.Text(6);
  return row;
}

}  // namespace

bool AppendJournal(sqlite::StatementCache& statements, const JournalBatch& journal,
                   Millis retention, std::string* error) {
  if (!journal.configs.empty()) {
    sqlite::Statement config(statements,
                             "INSERT INTO journal_config (hash, config) VALUES (?1, ?2) "
                             "ON CONFLICT (hash) DO NOTHING");
    for (const auto& [hash, text] : journal.configs) {
      config.Reset();
      config.Bind(1, hash).Bind(2, text);
      if (!config.Run("commit: journal config", error)) return false;
    }
  }
  if (journal.rows.empty()) return true;
  sqlite::Statement insert(statements,
                           "INSERT INTO journal (kind, mono_ms, wall_ms, next_seq, config, body) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  bool checkpoint = false;
  WallTime newest{};
  for (const JournalRow& row : journal.rows) {
    insert.Reset();
    insert.Bind(1, ToString(row.kind))
        .Bind(2, std::int64_t{row.now.mono.time_since_epoch().count()})
        .Bind(3, Ms(row.now.wall))
        .Bind(4, static_cast<std::int64_t>(row.next_seq));
    if (row.config_hash.empty()) {
      insert.BindNull(5);
    } else {
      insert.Bind(5, row.config_hash);
    }
    insert.Bind(6, row.body);
    if (insert.Step() != SQLITE_DONE) {
      return sqlite::Fail(statements.db(), "commit: append journal row", error);
    }
    checkpoint =
        checkpoint || row.kind == JournalKind::kRestore || row.kind == JournalKind::kCheckpoint;
    newest = std::max(newest, row.now.wall);
  }
  if (!checkpoint) return true;
  // Retention: everything before the newest starting point older than the retention goes (the
  // rows from that starting point on still replay on their own).
  sqlite::Statement cut(statements,
                        "DELETE FROM journal WHERE id < (SELECT max(id) FROM journal WHERE kind IN "
                        "('restore', 'checkpoint') AND wall_ms <= ?1)");
  cut.Bind(1, Ms(newest) - retention.count());
  if (!cut.Run("commit: journal retention", error)) return false;
  sqlite::Statement configs(statements,
                            "DELETE FROM journal_config WHERE hash NOT IN "
                            "(SELECT config FROM journal WHERE config IS NOT NULL)");
  return configs.Run("commit: journal configs", error);
}

std::optional<JournalRow> Store::JournalStartFor(std::uint64_t seq, std::string* error) {
  sqlite::Statement stmt(*statements_,
                         std::string("SELECT ") + kRowColumns +
                             " FROM journal WHERE kind IN ('restore', 'checkpoint') AND "
                             "next_seq <= ?1 ORDER BY id DESC LIMIT 1");
  stmt.Bind(1, static_cast<std::int64_t>(seq));
  const int rc = stmt.Step();
  if (rc == SQLITE_ROW) return ReadRow(db_, stmt, error);
  if (rc != SQLITE_DONE) sqlite::Fail(db_, "find the journal's starting point", error);
  return std::nullopt;
}

std::optional<JournalRow> Store::JournalStartAt(std::optional<WallTime> since, std::string* error) {
  sqlite::Statement stmt(*statements_,
                         std::string("SELECT ") + kRowColumns +
                             " FROM journal WHERE kind IN ('restore', 'checkpoint') AND "
                             "wall_ms >= ?1 ORDER BY id ASC LIMIT 1");
  stmt.Bind(1, since ? Ms(*since) : std::numeric_limits<std::int64_t>::min());
  const int rc = stmt.Step();
  if (rc == SQLITE_ROW) return ReadRow(db_, stmt, error);
  if (rc != SQLITE_DONE) sqlite::Fail(db_, "find the journal's starting point", error);
  return std::nullopt;
}

std::vector<JournalRow> Store::JournalRows(std::int64_t from_id, std::size_t limit,
                                           std::string* error) {
  std::vector<JournalRow> rows;
  sqlite::Statement stmt(*statements_, std::string("SELECT ") + kRowColumns +
                                           " FROM journal WHERE id >= ?1 ORDER BY id LIMIT ?2");
  stmt.Bind(1, from_id).Bind(2, static_cast<std::int64_t>(limit));
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    std::optional<JournalRow> row = ReadRow(db_, stmt, error);
    if (!row) return rows;
    rows.push_back(std::move(*row));
  }
  if (rc != SQLITE_DONE) sqlite::Fail(db_, "read the journal", error);
  return rows;
}

std::optional<std::string> Store::JournalConfig(const std::string& hash, std::string* error) {
  sqlite::Statement stmt(*statements_, "SELECT config FROM journal_config WHERE hash = ?1");
  stmt.Bind(1, hash);
  const int rc = stmt.Step();
  if (rc == SQLITE_ROW) return stmt.Text(0);
  if (rc == SQLITE_DONE) {
    if (error != nullptr) *error = "journal: config " + hash + " is missing";
  } else {
    sqlite::Fail(db_, "read a journal config", error);
  }
  return std::nullopt;
}

std::optional<WallTime> Store::LastJournalCheckpoint() {
  sqlite::Statement stmt(*statements_,
                         "SELECT wall_ms FROM journal WHERE kind IN ('restore', 'checkpoint') "
                         "ORDER BY id DESC LIMIT 1");
  if (stmt.Step() != SQLITE_ROW) return std::nullopt;
  return WallTime{Millis{stmt.Int(0)}};
}

JournalStats Store::JournalStatistics() {
  JournalStats stats;
  sqlite::Statement rows(*statements_,
                         "SELECT count(*), coalesce(sum(kind = 'input'), 0), "
                         "coalesce(sum(length(body)), 0), min(wall_ms) FROM journal");
  if (rows.Step() == SQLITE_ROW) {
    stats.rows = static_cast<std::size_t>(rows.Int(0));
    stats.inputs = static_cast<std::size_t>(rows.Int(1));
    stats.body_bytes = static_cast<std::size_t>(rows.Int(2));
    if (!rows.IsNull(3)) stats.oldest = WallTime{Millis{rows.Int(3)}};
  }
  sqlite::Statement configs(*statements_,
                            "SELECT coalesce(sum(length(config)), 0) FROM journal_config");
  if (configs.Step() == SQLITE_ROW) stats.config_bytes = static_cast<std::size_t>(configs.Int(0));
  return stats;
}

}  // namespace homesec
