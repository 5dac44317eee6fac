// Opening the store: connection settings (WAL, busy timeout, foreign keys) and the schema, kept
// as an ordered list of forward migrations. PRAGMA user_version records how many have run; each
// migration runs in its own transaction together with the version bump, so a crash mid-upgrade
// leaves the previous version intact. Tables are described in docs/storage.md.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>

#include "store/sqlite_statement.hpp"
#include "store/statement_cache.hpp"
#include "store/store.hpp"

namespace homesec {
namespace {

// homesecctl may write (users, meta) while the daemon commits; both wait this long for the lock.
constexpr int kBusyTimeoutMs = 2000;
constexpr mode_t kDatabaseFileMode = 0640;

// Append only: never edit a migration that has shipped, add a new one.
constexpr std::array<const char*, 3> kMigrations{
    // 1: initial schema.
    R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
-- The panel's persisted state (one row).
CREATE TABLE panel_state (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  snapshot TEXT NOT NULL
);
-- PIN hashes only, never PINs.
CREATE TABLE users (
  name           TEXT PRIMARY KEY,
  number         INTEGER NOT NULL UNIQUE CHECK (number BETWEEN 1 AND 999),
  role           TEXT NOT NULL
                 CHECK (role IN ('master', 'user', 'arm_only', 'keyholder', 'duress')),
  pin_hash       TEXT NOT NULL CHECK (pin_hash LIKE 'pbkdf2-sha256$%'),
  valid_from_ms  INTEGER,
  valid_until_ms INTEGER
);
-- The event log; `json` is the wire form (rules/event_json.hpp).
CREATE TABLE events (
  seq      INTEGER PRIMARY KEY,
  time_ms  INTEGER NOT NULL,
  category TEXT NOT NULL,
  priority INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 3),
  report   INTEGER NOT NULL CHECK (report IN (0, 1)),
  json     TEXT NOT NULL
);
-- Reportable events the platform has not acknowledged ("received") yet.
CREATE TABLE outbox (
  seq      INTEGER PRIMARY KEY REFERENCES events (seq) ON DELETE RESTRICT,
  priority INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 3),
  payload  TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0
);
-- Platform status history per event (received, dispatched, on_scene, closed).
CREATE TABLE dispatch (
  id     INTEGER PRIMARY KEY,
  seq    INTEGER NOT NULL REFERENCES events (seq) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('received', 'dispatched', 'on_scene', 'closed')),
  at_ms  INTEGER NOT NULL,
  note   TEXT NOT NULL,
  UNIQUE (seq, status)
);
)sql",
    // 2: zones as rows of their own, written only when a zone changes (panel_state keeps the
    // rest of the panel; rules/panel_snapshot.hpp).
    R"sql(
CREATE TABLE zone_state (
  id    TEXT PRIMARY KEY,
  state TEXT NOT NULL
) WITHOUT ROWID;
)sql",
    // 3: the input journal (rules/input_json.hpp, docs/storage.md "Input journal"): every input
    // the core saw with its Now, committed with the events it produced; each distinct config
    // once, by hash; restore and checkpoint rows hold a whole snapshot a replay starts from.
    R"sql(
CREATE TABLE journal_config (
  hash   TEXT PRIMARY KEY,
  config TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE journal (
  id       INTEGER PRIMARY KEY,
  kind     TEXT NOT NULL
           CHECK (kind IN ('input', 'start', 'reconfigure', 'restore', 'checkpoint')),
  mono_ms  INTEGER NOT NULL,
  wall_ms  INTEGER NOT NULL,
  next_seq INTEGER NOT NULL,
  config   TEXT,
  body     TEXT NOT NULL
);
CREATE INDEX journal_starts ON journal (next_seq) WHERE kind IN ('restore', 'checkpoint');
)sql",
};

int UserVersion(sqlite3* db, std::string* error) {
  sqlite::Statement stmt(db, "PRAGMA user_version");
  if (stmt.Step() != SQLITE_ROW) {
    sqlite::Fail(db, "read schema version", error);
    return -1;
  }
  return static_cast<int>(stmt.Int(0));
}

bool Configure(sqlite3* db, std::string* error) {
  if (sqlite3_busy_timeout(db, kBusyTimeoutMs) != SQLITE_OK) {
    return sqlite::Fail(db, "set busy timeout", error);
  }
  {
    sqlite::Statement wal(db, "PRAGMA journal_mode = WAL");
    if (wal.Step() != SQLITE_ROW) return sqlite::Fail(db, "enable WAL", error);
    if (wal.Text(0) != "wal") {
      if (error != nullptr) {
        *error = sqlite::Describe(db, "enable WAL") + " (journal mode is " + wal.Text(0) + ")";
      }
      return false;
    }
  }
  // synchronous is chosen per write (Store::UseDurability); it starts at NORMAL.
  return sqlite::Exec(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL", "configure",
                      error);
}

bool Migrate(sqlite3* db, std::string* error) {
  constexpr int kLatest = static_cast<int>(kMigrations.size());
  for (;;) {
    sqlite::Transaction txn(db);
    if (!txn.Begin("migrate", error)) return false;
    // Read inside the write transaction: another process may have migrated meanwhile.
    const int version = UserVersion(db, error);
    if (version < 0) return false;
    if (version > kLatest) {
      if (error != nullptr) {
        *error = sqlite::Describe(db, "open") + " (schema version " + std::to_string(version) +
                 " is newer than this homesec understands: " + std::to_string(kLatest) + ")";
      }
      return false;
    }
    if (version == kLatest) return txn.Commit("migrate", error);
    const std::string what = "migration " + std::to_string(version + 1);
    if (!sqlite::Exec(db, kMigrations[static_cast<std::size_t>(version)], what, error)) {
      return false;
    }
    const std::string bump = "PRAGMA user_version = " + std::to_string(version + 1);
    if (!sqlite::Exec(db, bump.c_str(), what, error)) return false;
    if (!txn.Commit(what, error)) return false;
  }
}

// The database holds PIN hashes and the event log: whoever creates it (homesecd, or homesecctl
// adding the first user) creates it 0640, never world-readable, whatever the umask allows.
// SQLite gives the -wal and -shm files the database's own permissions.
void CreateDatabaseFile(const std::string& path) {
  if (path.empty() || path == ":memory:" || path.starts_with("file:")) return;
  // O_EXCL: an existing database keeps its mode (and a group member without write access still
  // opens it read-only below). Any other failure is SQLite's to report, in its own words.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kDatabaseFileMode);
  if (fd >= 0) ::close(fd);
}

}  // namespace

std::unique_ptr<Store> Store::Open(const std::string& path, std::string* error) {
  CreateDatabaseFile(path);
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    if (error != nullptr) {
      *error = path + ": open: " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    }
    sqlite3_close(db);
    return nullptr;
  }
  sqlite3_extended_result_codes(db, 1);
  if (!Configure(db, error) || !Migrate(db, error)) {
    sqlite3_close(db);
    return nullptr;
  }
  std::unique_ptr<Store> store(new Store(db));
  if (!store->LoadSeqReservation(error)) return nullptr;
  return store;
}

Store::Store(sqlite3* db) : db_(db), statements_(std::make_unique<sqlite::StatementCache>(db)) {}

Store::~Store() {
  CloseSeqMark();
  statements_.reset();  // finalize first: sqlite3_close refuses while statements are alive
  sqlite3_close(db_);
}

bool Store::UseDurability(Durability durability, std::string* error) {
  if (durability == synchronous_) return true;
  // In WAL mode, NORMAL syncs the WAL only at checkpoints: a committed transaction survives a
  // process crash but may be lost on power loss. FULL syncs the WAL on every commit.
  // Prepared afresh each time, never cached: SQLite applies PRAGMA synchronous while preparing
  // the statement, so re-running a cached one would change nothing. It is also refused inside a
  // transaction, so callers set it before BEGIN.
  const char* sql =
      durability == Durability::kFull ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL";
  if (!sqlite::Exec(db_, sql, "set durability", error)) return false;
  synchronous_ = durability;
  return true;
}

int Store::schema_version() const {
  return UserVersion(db_, nullptr);
}

}  // namespace homesec
