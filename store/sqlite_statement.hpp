// A thin RAII layer over the SQLite C API for the store's own files: prepared statements that
// clean up after themselves (borrowed from the connection's StatementCache, or finalized), a
// transaction guard that rolls back unless committed, and error messages that name the database
// file, what was being done and SQLite's reason.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <sqlite3.h>

namespace homesec::sqlite {

class StatementCache;

// "<path>: <what>: <sqlite message>", e.g. "/var/lib/homesec/homesec.db: commit: database or
// disk is full".
std::string Describe(sqlite3* db, std::string_view what);
// Sets *error (when not null) to Describe(db, what) and returns false.
bool Fail(sqlite3* db, std::string_view what, std::string* error);
// Runs SQL text without results (may hold several statements).
bool Exec(sqlite3* db, const char* sql, std::string_view what, std::string* error);

class Statement {
 public:
  // Borrows the cached statement for `sql` (preparing it on first use); the destructor resets it
  // and clears its bindings, so a read that stopped early does not keep its snapshot open. If the
  // cached one is already borrowed (a nested use of the same text), prepares a private one.
  Statement(StatementCache& cache, std::string_view sql);
  // Prepares `sql` for this object only (opening and migrating, before the cache exists).
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // False when preparing failed; error() then says why.
  bool ok() const { return stmt_ != nullptr; }

  // Binds are 1-based like SQLite's. They return *this so calls can be chained; a failed bind is
  // reported by the next Step().
  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, std::string_view value);
  Statement& BindNull(int index);
  Statement& Bind(int index, std::optional<std::int64_t> value);

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step();
  // Step() expecting SQLITE_DONE; false (and *error) otherwise.
  bool Run(std::string_view what, std::string* error);
  // Ready to bind and step again; bindings cleared.
  void Reset();

  std::int64_t Int(int column) const;
  std::string Text(int column) const;
  bool IsNull(int column) const;

 private:
  void Prepare(std::string_view sql);

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  bool* borrowed_ = nullptr;  // the cache entry's in-use flag; null when stmt_ is our own
  int bind_rc_ = SQLITE_OK;
};

// BEGIN IMMEDIATE in Begin() (takes the write lock at once, so a concurrent homesecctl waits in
// busy_timeout instead of failing mid-transaction); ROLLBACK on destruction unless Commit()
// succeeded. With a cache, BEGIN and COMMIT are prepared once too.
class Transaction {
 public:
  explicit Transaction(StatementCache& cache);
  explicit Transaction(sqlite3* db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  bool Begin(std::string_view what, std::string* error);
  bool Commit(std::string_view what, std::string* error);

 private:
  bool Run(const char* sql, std::string_view what, std::string* error);

  sqlite3* db_;
  StatementCache* cache_ = nullptr;
  bool open_ = false;
};

}  // namespace homesec::sqlite
