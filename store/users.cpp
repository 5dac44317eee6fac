// Users (PIN hashes only), small key/value settings, and change detection for edits made by
// another process (homesecctl) through PRAGMA data_version.
#include "store/sqlite_statement.hpp"
#include "store/statement_cache.hpp"
#include "store/store.hpp"

namespace homesec {
namespace {

std::optional<std::int64_t> ToMillis(const std::optional<WallTime>& t) {
  if (!t) return std::nullopt;
  return t->time_since_epoch().count();
}

std::optional<WallTime> FromColumn(const sqlite::Statement& stmt, int column) {
  if (stmt.IsNull(column)) return std::nullopt;
  return WallTime(Millis(stmt.Int(column)));
}

}  // namespace

bool Store::UpsertUser(const User& user, std::string* error) {
  // The schema's CHECK refuses anything but an encoded hash, so a PIN can never be stored by
  // mistake; say so plainly rather than as a constraint failure.
  if (user.pin_hash.rfind("pbkdf2-sha256$", 0) != 0) {
    if (error != nullptr) *error = "user '" + user.name + "': pin_hash is not a PIN hash";
    return false;
  }
  // FULL: a user change must survive a power cut like the armed state does; a revoked PIN that
  // came back after one would let its holder in again. Rare and never on the alarm path.
  if (!UseDurability(Durability::kFull, error)) return false;
  sqlite::Statement stmt(
      *statements_,
      "INSERT INTO users (name, number, role, pin_hash, valid_from_ms, valid_until_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (name) DO UPDATE SET "
      "number = excluded.number, role = excluded.role, pin_hash = excluded.pin_hash, "
      "valid_from_ms = excluded.valid_from_ms, valid_until_ms = excluded.valid_until_ms");
  stmt.Bind(1, user.name)
      .Bind(2, std::int64_t{user.number})
      .Bind(3, ToString(user.role))
      .Bind(4, user.pin_hash)
      .Bind(5, ToMillis(user.valid_from))
      .Bind(6, ToMillis(user.valid_until));
  return stmt.Run("save user '" + user.name + "'", error);
}

bool Store::RemoveUser(const std::string& name, std::string* error) {
  if (!UseDurability(Durability::kFull, error)) return false;  // as UpsertUser
  sqlite::Statement stmt(*statements_, "DELETE FROM users WHERE name = ?1");
  stmt.Bind(1, name);
  if (!stmt.Run("remove user '" + name + "'", error)) return false;
  if (sqlite3_changes(db_) == 0) {
    if (error != nullptr) *error = "no user named '" + name + "'";
    return false;
  }
  return true;
}

std::vector<User> Store::Users(std::string* error) {
  std::vector<User> users;
  sqlite::Statement stmt(*statements_,
                         "SELECT name, number, role, pin_hash, valid_from_ms, valid_until_ms "
                         "FROM users ORDER BY number");
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    User user;
    user.name = stmt.Text(0);
    user.number = static_cast<int>(stmt.Int(1));
    const std::string role = stmt.Text(2);
    const auto parsed = ParseRole(role);
    if (!parsed) {
      // The schema's CHECK makes this unreachable unless the file was edited by hand.
      if (error != nullptr) {
        *error = sqlite::Describe(db_, "read users") + " (user '" + user.name +
                 "' has unknown role '" + role + "')";
      }
      continue;
    }
    user.role = *parsed;
    user.pin_hash = stmt.Text(3);
    user.valid_from = FromColumn(stmt, 4);
    user.valid_until = FromColumn(stmt, 5);
    users.push_back(std::move(user));
  }
  if (rc != SQLITE_DONE) sqlite::Fail(db_, "read users", error);
  return users;
}

std::int64_t Store::DataVersion() {
  sqlite::Statement stmt(*statements_, "PRAGMA data_version");
  return stmt.Step() == SQLITE_ROW ? stmt.Int(0) : -1;
}

bool Store::SetMeta(const std::string& key, const std::string& value, std::string* error) {
  if (!UseDurability(Durability::kNormal, error)) return false;
  return PutMeta(key, value, error);
}

bool Store::PutMeta(const std::string& key, const std::string& value, std::string* error) {
  sqlite::Statement stmt(*statements_,
                         "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  stmt.Bind(1, key).Bind(2, value);
  return stmt.Run("set '" + key + "'", error);
}

std::optional<std::string> Store::GetMeta(const std::string& key) {
  sqlite::Statement stmt(*statements_, "SELECT value FROM meta WHERE key = ?1");
  stmt.Bind(1, key);
  if (stmt.Step() != SQLITE_ROW) return std::nullopt;
  return stmt.Text(0);
}

}  // namespace homesec
