// Publishing before the fsync without ever reusing a seq: the WAL sync after the publish, the
// on-disk seq reservation, and the boot/clean-stop bookkeeping that decides at start whether
// seqs may have been lost (docs/storage.md, "Alarms: written, published, then synced").
#include <algorithm>
#include <charconv>

#include "store/sqlite_statement.hpp"
#include "store/statement_cache.hpp"
#include "store/store.hpp"

namespace homesec {

bool Store::LoadSeqReservation(std::string* error) {
  const std::optional<std::string> text = GetMeta(kSeqReservedKey);
  if (!text) return true;  // a new store, or one from before the reservation: nothing reserved
  const char* last = text->data() + text->size();
  const auto [end, ec] = std::from_chars(text->data(), last, seq_reserved_);
  if (ec != std::errc() || end != last) {
    if (error != nullptr) {
      *error = sqlite::Describe(db_, "open") + " (meta " + kSeqReservedKey + " is '" + *text +
               "', not a number)";
    }
    return false;
  }
  return true;
}

bool Store::Sync(std::string* error) {
  sqlite3_file* wal = nullptr;
  if (sqlite3_file_control(db_, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal) != SQLITE_OK) {
    return sqlite::Fail(db_, "sync: find the WAL", error);
  }
  // Open from the first write on. Never a silent success: the caller relies on the fsync.
  if (wal == nullptr || wal->pMethods == nullptr) {
    if (error != nullptr) *error = sqlite::Describe(db_, "sync") + " (the WAL is not open)";
    return false;
  }
  const int rc = wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL);
  if (rc != SQLITE_OK) {
    if (error != nullptr) {
      *error = sqlite::Describe(db_, "sync: fsync the WAL") + " (" + sqlite3_errstr(rc) + ")";
    }
    return false;
  }
  return true;
}

std::optional<std::uint64_t> Store::BeginRun(const std::string& boot_id, std::string* error) {
  // Only the daemon begins runs, and only it sends from memory: homesecctl never creates the
  // mark (it might create it with an owner the daemon cannot write).
  if (mark_fd_ < 0) {
    const char* db_path = sqlite3_db_filename(db_, "main");
    if (db_path != nullptr && *db_path != '\0') OpenSeqMark(std::string(db_path) + "-seqmark");
  }
  const std::optional<std::string> last_boot = GetMeta(kBootIdKey);
  const bool clean_stop = GetMeta(kCleanStopKey) == std::optional<std::string>("1");
  // Same boot: a crashed or killed process loses nothing the kernel had (the page cache still
  // holds every kNormal commit). Another boot after a clean stop: EndRun followed the last
  // commit, synced. Another boot without one (power cut, kernel panic, a process killed and
  // then a reboot): commits after the last sync may be gone, their seqs possibly published.
  const bool at_risk = last_boot && *last_boot != boot_id && !clean_stop;
  if (!UseDurability(Durability::kFull, error)) return std::nullopt;
  sqlite::Transaction txn(*statements_);
  if (!txn.Begin("begin run", error)) return std::nullopt;
  if (!PutMeta(kBootIdKey, boot_id, error) || !PutMeta(kCleanStopKey, "0", error)) {
    return std::nullopt;
  }
  if (!txn.Commit("begin run", error)) return std::nullopt;
  ended_run_ = false;
  return std::max(at_risk ? seq_reserved_ + 1 : 1, sent_from_memory_ + 1);
}

bool Store::EndRun(std::string* error) {
  if (!UseDurability(Durability::kFull, error)) return false;
  if (!PutMeta(kCleanStopKey, "1", error)) return false;
  ended_run_ = true;
  return true;
}

}  // namespace homesec
