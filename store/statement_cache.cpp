// The per-connection cache of prepared statements.
#include "store/statement_cache.hpp"

namespace homesec::sqlite {

StatementCache::~StatementCache() {
  for (auto& [sql, entry] : entries_) sqlite3_finalize(entry.stmt);
}

StatementCache::Entry* StatementCache::Find(std::string_view sql) {
  if (auto it = entries_.find(sql); it != entries_.end()) return &it->second;
  sqlite3_stmt* stmt = nullptr;
  // PERSISTENT: the statement lives as long as the connection, so SQLite keeps it out of its
  // lookaside memory, which is meant for short-lived allocations.
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK ||
      stmt == nullptr) {
    sqlite3_finalize(stmt);
    return nullptr;
  }
  return &entries_.emplace(std::string(sql), Entry{stmt, false}).first->second;
}

}  // namespace homesec::sqlite
