// The durable store: one SQLite database in WAL mode holding the panel snapshot, users, the event
// log and the outbox (events the district platform has not yet acknowledged). A panel decision
// and the events it produced are committed in one transaction. Schema versioned through
// PRAGMA user_version with forward migrations.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rules/panel_config.hpp"
#include "rules/types.hpp"

struct sqlite3;

namespace homesec {

namespace sqlite {
class StatementCache;
}  // namespace sqlite

enum class Durability {
  kNormal,  // synchronous=NORMAL: safe against a process crash
  kFull,    // synchronous=FULL: safe against power loss (alarms, arming)
};

struct OutboxEntry {
  std::uint64_t seq = 0;
  Priority priority = Priority::kNormal;
  std::string payload;  // the JSON published on the uplink, exactly as first serialised
  int attempts = 0;
};

struct DispatchStatus {
  std::uint64_t seq = 0;
  std::string status;  // received | dispatched | on_scene | closed
  WallTime at{};
  std::string note;
};

class Store {
 public:
  // Opens (creating and migrating as needed). nullptr and `error` on failure.
  static std::unique_ptr<Store> Open(const std::string& path, std::string* error);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  int schema_version() const;

  // One transaction: snapshot replaced, events appended to the log, reportable events queued in
  // the outbox with their uplink payload (EventToJson). Durability kFull when any event is an
  // alarm or arming change is the caller's choice.
  bool Commit(const nlohmann::json& panel_snapshot, const std::vector<Event>& events,
              const std::string& hub_id, Durability durability, std::string* error);
  std::optional<nlohmann::json> LoadSnapshot(std::string* error);

  // Outbox, in (priority, seq) order: kCritical/kHigh first, then by seq.
  std::vector<OutboxEntry> PendingOutbox(std::size_t limit, std::string* error);
  std::size_t OutboxSize();
  bool MarkAttempt(std::uint64_t seq, std::string* error);
  // Records a platform status for an event. "received" (or any later status) removes it from the
  // outbox. Returns false (no error) when the seq is unknown.
  bool RecordDispatch(const DispatchStatus& status, std::string* error);
  std::vector<DispatchStatus> DispatchHistory(std::uint64_t seq);

  // Event log, newest last. Keeps at least kMinLogEvents; older rows are pruned on commit.
  static constexpr std::size_t kMinLogEvents = 10000;
  std::vector<Event> RecentEvents(std::size_t count, std::string* error);
  std::size_t EventCount();

  // Users (PIN hashes only). Name is unique.
  bool UpsertUser(const User& user, std::string* error);
  bool RemoveUser(const std::string& name, std::string* error);
  std::vector<User> Users(std::string* error);
  // Changes whenever another connection (homesecctl) commits (PRAGMA data_version).
  std::int64_t DataVersion();

  // Small key/value settings (hub id, watch registration ...).
  bool SetMeta(const std::string& key, const std::string& value, std::string* error);
  std::optional<std::string> GetMeta(const std::string& key);

 private:
  explicit Store(sqlite3* db);
  // Sets PRAGMA synchronous for the next write, issuing it only when it differs from the current
  // level. Every write says what it needs, so none inherits FULL from an alarm commit before it.
  bool UseDurability(Durability durability, std::string* error);

  sqlite3* db_;
  // Every SQL text prepared once for the life of the connection; destroyed before db_ closes.
  std::unique_ptr<sqlite::StatementCache> statements_;
  Durability synchronous_ = Durability::kNormal;  // what Open() configured
};

}  // namespace homesec
