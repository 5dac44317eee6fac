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

#include "rules/input_json.hpp"
#include "rules/panel_config.hpp"
#include "rules/panel_snapshot.hpp"
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

// What one commit adds to the input journal: its rows, and the configs they name that the store
// may not have yet (hash, serialised PanelConfig; inserted unless already there).
struct JournalBatch {
  std::vector<JournalRow> rows;
  std::vector<std::pair<std::string, std::string>> configs;
  bool empty() const { return rows.empty() && configs.empty(); }
};

// How much the journal holds (homesecctl, the benchmark).
struct JournalStats {
  std::size_t rows = 0;
  std::size_t inputs = 0;
  std::size_t body_bytes = 0;    // sum of the rows' bodies
  std::size_t config_bytes = 0;  // sum of the stored configs
  std::optional<WallTime> oldest;
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
  // alarm or arming change is the caller's choice. A commit whose seqs pass the reservation
  // (see BeginRun) also extends the reservation and is then kFull whatever the caller chose.
  // The daemon's form: the panel without its zones, and the zone rows that changed.
  bool Commit(const PanelSnapshot& snapshot, const std::vector<Event>& events,
              const std::string& hub_id, Durability durability, std::string* error);
  // The same with the input journal's rows for this decision, in the same transaction: the
  // journal and the events never disagree, whatever a crash interrupts.
  bool Commit(const PanelSnapshot& snapshot, const std::vector<Event>& events,
              const JournalBatch& journal, const std::string& hub_id, Durability durability,
              std::string* error);
  // A whole snapshot in one document (tests, tools): replaces the zone rows too (removes them).
  bool Commit(const nlohmann::json& panel_snapshot, const std::vector<Event>& events,
              const std::string& hub_id, Durability durability, std::string* error);
  // Makes every commit so far safe against power loss: one fsync of the WAL, exactly what a kFull
  // commit does at its end. The daemon commits an alarm kNormal (safe against a crash), publishes
  // it, then calls Sync(): the fsync is no longer between the sensor and the platform.
  bool Sync(std::string* error);

  // Seq reservation. A kNormal commit can be published and then lost in a power cut; the panel
  // would hand out its seqs again after the reboot, and the platform would drop the new events
  // as duplicates of ones it already has. So seqs are reserved on disk (kFull) in blocks of
  // kSeqReserveBlock before any of them is used, and a run that starts after a reboot which was
  // not preceded by a clean stop continues above the reservation. BeginRun records the boot
  // (/proc/sys/kernel/random/boot_id) and returns the lowest seq the panel may use next (1 when
  // nothing was at risk: same boot — the page cache kept every commit — or a clean stop, or a
  // new store), and in any case above the seq mark (NoteSentFromMemory); nullopt and `error`
  // when the store cannot be written. EndRun marks a clean stop
  // after the last commit; any commit after it is kFull.
  static constexpr std::uint64_t kSeqReserveBlock = 1000;
  std::optional<std::uint64_t> BeginRun(const std::string& boot_id, std::string* error);
  bool EndRun(std::string* error);
  std::uint64_t seq_reserved() const { return seq_reserved_; }
  // Before the uplink sends an event the database refused (full disk) from memory: records in
  // the seq mark file (seq_mark.cpp) that seqs up to `seq` may have left the hub, so that no
  // later run hands them out again (BeginRun continues above the mark). False and `error` when
  // it cannot be recorded: the event must then not be sent.
  bool NoteSentFromMemory(std::uint64_t seq, std::string* error);
  std::uint64_t sent_from_memory() const { return sent_from_memory_; }
  // The saved snapshot, with the zone rows put back into it as its "zones" (nullopt without
  // error on a fresh store).
  std::optional<nlohmann::json> LoadSnapshot(std::string* error);

  // Outbox, in (priority, seq) order: kCritical/kHigh first, then by seq.
  std::vector<OutboxEntry> PendingOutbox(std::size_t limit, std::string* error);
  std::size_t OutboxSize();
  bool MarkAttempt(std::uint64_t seq, std::string* error);
  // Records a platform status for an event. "received" (or any later status) removes it from the
  // outbox. Returns false (no error) when the seq is unknown.
  bool RecordDispatch(const DispatchStatus& status, std::string* error);
  std::vector<DispatchStatus> DispatchHistory(std::uint64_t seq);
  // True when the event is still waiting for the platform's ack.
  bool InOutbox(std::uint64_t seq);

  // Event log, newest last. Keeps at least kMinLogEvents; older rows are pruned on commit.
  static constexpr std::size_t kMinLogEvents = 10000;
  std::vector<Event> RecentEvents(std::size_t count, std::string* error);
  std::size_t EventCount();

  // Input journal. A commit with a restore or checkpoint row also drops the rows before the
  // newest restore/checkpoint that is older than the retention (and configs no row names).
  void SetJournalRetention(Millis retention) { journal_retention_ = retention; }
  // The restore/checkpoint row a replay up to event `seq` starts from: the newest whose next_seq
  // is <= seq. nullopt (no error) when the journal does not reach back that far.
  std::optional<JournalRow> JournalStartFor(std::uint64_t seq, std::string* error);
  // The first restore/checkpoint row at or after `since` (the oldest when nullopt).
  std::optional<JournalRow> JournalStartAt(std::optional<WallTime> since, std::string* error);
  // Up to `limit` rows with id >= from_id, in order.
  std::vector<JournalRow> JournalRows(std::int64_t from_id, std::size_t limit, std::string* error);
  // The serialised config stored under `hash`.
  std::optional<std::string> JournalConfig(const std::string& hash, std::string* error);
  // The restore/checkpoint row newest in the journal (the daemon: when the next is due).
  std::optional<WallTime> LastJournalCheckpoint();
  JournalStats JournalStatistics();

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
  bool CommitParts(const nlohmann::json& panel, bool replace_zones,
                   const std::vector<std::pair<std::string, std::string>>& zones,
                   const std::vector<Event>& events, const JournalBatch* journal,
                   const std::string& hub_id, Durability durability, std::string* error);
  static constexpr const char* kSeqReservedKey = "seq_reserved";
  static constexpr const char* kBootIdKey = "boot_id";
  static constexpr const char* kCleanStopKey = "clean_stop";
  bool LoadSeqReservation(std::string* error);
  void OpenSeqMark(const std::string& path);
  void CloseSeqMark();
  // INSERT or UPDATE of one meta row, inside the caller's transaction or as an autocommit.
  bool PutMeta(const std::string& key, const std::string& value, std::string* error);

  sqlite3* db_;
  // Every SQL text prepared once for the life of the connection; destroyed before db_ closes.
  std::unique_ptr<sqlite::StatementCache> statements_;
  Durability synchronous_ = Durability::kNormal;  // what Open() configured
  std::uint64_t seq_reserved_ = 0;                // meta 'seq_reserved', loaded by Open()
  bool ended_run_ = false;                        // EndRun() marked a clean stop
  int mark_fd_ = -1;                              // the seq mark file, <database>-seqmark
  std::string mark_error_;                        // why it could not be opened
  std::uint64_t sent_from_memory_ = 0;            // its value
  Millis journal_retention_{Millis{30LL * 24 * 3600 * 1000}};
};

}  // namespace homesec
