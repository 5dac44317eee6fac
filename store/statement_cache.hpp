// Prepared statements kept for the life of a connection. The store runs the same few SQL texts on
// every commit, and preparing one costs more than running it (docs/performance.md: 27 % of
// homesecd's CPU was in sqlite3_prepare_v2), so each text is prepared once and reused.
// sqlite::Statement borrows from here and resets the statement when it is done with it. The cache
// finalizes every statement when destroyed, which must happen before sqlite3_close: a connection
// with unfinalized statements does not close.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <sqlite3.h>

namespace homesec::sqlite {

class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}
  ~StatementCache();
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  sqlite3* db() const { return db_; }
  // How many statements are prepared: one per distinct SQL text used so far.
  std::size_t size() const { return entries_.size(); }

 private:
  friend class Statement;

  struct Entry {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;  // borrowed by a live Statement
  };
  // Lookup by std::string_view without building a std::string.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };

  // The entry for `sql`, prepared on first use. nullptr when preparing fails (sqlite3_errmsg
  // says why); nothing is cached then, so the next use tries again.
  Entry* Find(std::string_view sql);

  sqlite3* db_;
  // Node-based: an Entry* stays valid while other texts are added.
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
};

}  // namespace homesec::sqlite
