// RAII statements and transactions over the SQLite C API, with error messages that name the file.
#include "store/sqlite_statement.hpp"

#include "store/statement_cache.hpp"

namespace homesec::sqlite {

std::string Describe(sqlite3* db, std::string_view what) {
  const char* path = db != nullptr ? sqlite3_db_filename(db, "main") : nullptr;
  std::string message = (path != nullptr && *path != '\0') ? path : "(database)";
  message += ": ";
  message += what;
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : "out of memory";
  return message;
}

bool Fail(sqlite3* db, std::string_view what, std::string* error) {
  if (error != nullptr) *error = Describe(db, what);
  return false;
}

bool Exec(sqlite3* db, const char* sql, std::string_view what, std::string* error) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return Fail(db, what, error);
  return true;
}

Statement::Statement(StatementCache& cache, std::string_view sql) : db_(cache.db()) {
  StatementCache::Entry* entry = cache.Find(sql);
  if (entry == nullptr) return;  // not preparable: Step() fails with SQLite's message
  if (entry->in_use) {
    Prepare(sql);
    return;
  }
  entry->in_use = true;
  borrowed_ = &entry->in_use;
  stmt_ = entry->stmt;
}

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  Prepare(sql);
}

void Statement::Prepare(std::string_view sql) {
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
      SQLITE_OK) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
  }
}

Statement::~Statement() {
  if (borrowed_ == nullptr) {
    sqlite3_finalize(stmt_);
    return;
  }
  // Back to the cache ready for the next use. The reset also ends a read that stopped before
  // SQLITE_DONE, which would otherwise hold its read transaction (and an old snapshot) open.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  *borrowed_ = false;
}

Statement& Statement::Bind(int index, std::int64_t value) {
  if (stmt_ != nullptr && bind_rc_ == SQLITE_OK) {
    bind_rc_ = sqlite3_bind_int64(stmt_, index, value);
  }
  return *this;
}

Statement& Statement::Bind(int index, std::string_view value) {
  if (stmt_ != nullptr && bind_rc_ == SQLITE_OK) {
    // SQLITE_TRANSIENT: SQLite copies the text, so temporaries are safe to pass.
    bind_rc_ = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                   SQLITE_UTF8);
  }
  return *this;
}

Statement& Statement::BindNull(int index) {
  if (stmt_ != nullptr && bind_rc_ == SQLITE_OK) bind_rc_ = sqlite3_bind_null(stmt_, index);
  return *this;
}

Statement& Statement::Bind(int index, std::optional<std::int64_t> value) {
  return value ? Bind(index, *value) : BindNull(index);
}

int Statement::Step() {
  if (stmt_ == nullptr) return SQLITE_ERROR;
  if (bind_rc_ != SQLITE_OK) return bind_rc_;
  return sqlite3_step(stmt_);
}

bool Statement::Run(std::string_view what, std::string* error) {
  if (Step() != SQLITE_DONE) return Fail(db_, what, error);
  return true;
}

void Statement::Reset() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_rc_ = SQLITE_OK;
}

std::int64_t Statement::Int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::Text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Transaction::Transaction(StatementCache& cache) : db_(cache.db()), cache_(&cache) {}

Transaction::Transaction(sqlite3* db) : db_(db) {}

Transaction::~Transaction() {
  // After a failed statement SQLite may already have rolled back (e.g. SQLITE_FULL); ROLLBACK
  // then fails harmlessly, so only issue it while a transaction is really open.
  if (open_ && sqlite3_get_autocommit(db_) == 0) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

bool Transaction::Begin(std::string_view what, std::string* error) {
  if (!Run("BEGIN IMMEDIATE", what, error)) return false;
  open_ = true;
  return true;
}

bool Transaction::Commit(std::string_view what, std::string* error) {
  if (!Run("COMMIT", what, error)) return false;
  open_ = false;
  return true;
}

bool Transaction::Run(const char* sql, std::string_view what, std::string* error) {
  if (cache_ == nullptr) return Exec(db_, sql, what, error);
  return Statement(*cache_, sql).Run(what, error);
}

}  // namespace homesec::sqlite
