// Crash and resource-exhaustion safety, with real processes: a child that commits in a loop is
// killed with SIGKILL, and a child whose file size limit runs out. The parent then reopens the
// store and checks that everything reported committed is there and the file is intact.
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "store_test_support.hpp"

namespace homesec {
namespace {

using testing::MakeEvent;
using testing::OpenOrFail;
using testing::TempDir;

std::string QueryText(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  const auto* text = sqlite3_column_text(stmt, 0);
  std::string value = text != nullptr ? reinterpret_cast<const char*>(text) : "";
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

void WriteAll(int fd, const void* data, std::size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = write(fd, p, size);
    if (n <= 0) _exit(3);
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

// Reads 8-byte seqs until `enough` is reached or EOF; returns the last one read (`last` if
// none).
std::uint64_t ReadSeqs(int fd, std::uint64_t enough, std::uint64_t last) {
  std::uint64_t seq = 0;
  // A write of 8 bytes to a pipe is atomic (< PIPE_BUF), so reads never see half a seq.
  while (read(fd, &seq, sizeof seq) == static_cast<ssize_t>(sizeof seq)) {
    last = seq;
    if (enough != 0 && last >= enough) break;
  }
  return last;
}

// Child: commits one event per transaction forever, reporting each committed seq.
[[noreturn]] void CommitForever(const std::string& path, int report_fd) {
  std::string error;
  auto store = Store::Open(path, &error);
  if (store == nullptr) _exit(2);
  for (std::uint64_t seq = 1; seq < 10'000'000; ++seq) {
    const Durability durability = seq % 2 == 0 ? Durability::kFull : Durability::kNormal;
    if (!store->Commit({{"seq", seq}}, {MakeEvent(seq)}, "hub-1", durability, &error)) _exit(4);
    WriteAll(report_fd, &seq, sizeof seq);
  }
  _exit(0);
}

}  // namespace

TEST_CASE("store: a process killed mid-commit loses nothing it had committed") {
  TempDir dir;
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    CommitForever(dir.DbPath(), fds[1]);
  }
  close(fds[1]);
  const std::uint64_t seen = ReadSeqs(fds[0], 300, 0);
  REQUIRE(kill(pid, SIGKILL) == 0);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  CHECK(WIFSIGNALED(status));
  // Whatever the child reported before it died was committed.
  const std::uint64_t last_reported = ReadSeqs(fds[0], 0, seen);
  close(fds[0]);
  REQUIRE(last_reported >= 300);

  CHECK(QueryText(dir.DbPath(), "PRAGMA integrity_check") == "ok");
  CHECK(QueryText(dir.DbPath(), "SELECT count(*) FROM pragma_foreign_key_check") == "0");
  auto store = OpenOrFail(dir.DbPath());
  std::string error;
  const auto events = store->RecentEvents(store->EventCount(), &error);
  REQUIRE(events.size() >= last_reported);
  for (std::uint64_t i = 0; i < last_reported; ++i) {
    CHECK(events[i].seq == i + 1);
  }
  const auto snapshot = store->LoadSnapshot(&error);
  REQUIRE(snapshot.has_value());
  // The snapshot belongs to the newest committed event: committed together, never apart.
  CHECK(snapshot->at("seq").get<std::uint64_t>() == events.back().seq);
  CHECK(store->OutboxSize() == events.size());
}

TEST_CASE("store: a failing write is reported as an error naming the file, not a crash") {
  TempDir dir;
  {
    auto store = OpenOrFail(dir.DbPath());  // schema created without the limit
  }
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    // Writes past the file size limit fail with EFBIG (SIGXFSZ ignored).
    signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{256 * 1024, 256 * 1024};
    if (setrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(2);
    std::string error;
    auto store = Store::Open(dir.DbPath(), &error);
    if (store == nullptr) _exit(2);
    std::uint64_t seq = 1;
    for (; seq < 100000; ++seq) {
      Event big = MakeEvent(seq);
      big.text = std::string(4000, 'x');
      if (!store->Commit({{"seq", seq}}, {big}, "hub-1", Durability::kFull, &error)) break;
    }
    const std::uint64_t committed = seq - 1;
    WriteAll(fds[1], &committed, sizeof committed);
    WriteAll(fds[1], error.data(), error.size());
    _exit(0);
  }
  close(fds[1]);
  std::uint64_t committed = 0;
  REQUIRE(read(fds[0], &committed, sizeof committed) == static_cast<ssize_t>(sizeof committed));
  std::string error;
  char buf[512];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) error.append(buf, buf + n);
  close(fds[0]);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);

  INFO("error: ", error);
  CHECK(committed > 0);
  // EFBIG surfaces as SQLite's "disk I/O error" (a real full disk, ENOSPC, as "database or
  // disk is full": see the next case).
  CHECK(error.find(dir.DbPath() + ": commit: ") == 0);
  // Without the limit the store opens intact with every committed event.
  CHECK(QueryText(dir.DbPath(), "PRAGMA integrity_check") == "ok");
  auto store = OpenOrFail(dir.DbPath());
  CHECK(store->EventCount() == committed);
}

namespace {

// Every new connection gets a page limit, the way SQLite reports a full disk (SQLITE_FULL).
int LimitPages(sqlite3* db, const char**, const sqlite3_api_routines*) {
  sqlite3_exec(db, "PRAGMA max_page_count = 64", nullptr, nullptr, nullptr);
  return SQLITE_OK;
}

}  // namespace

TEST_CASE("store: a full disk is reported as an error naming the file, not a crash") {
  TempDir dir;
  REQUIRE(sqlite3_auto_extension(reinterpret_cast<void (*)()>(LimitPages)) == SQLITE_OK);
  std::string error;
  auto store = Store::Open(dir.DbPath(), &error);
  sqlite3_reset_auto_extension();
  REQUIRE_MESSAGE(store != nullptr, error);
  std::uint64_t seq = 1;
  for (; seq < 10000; ++seq) {
    Event big = MakeEvent(seq);
    big.text = std::string(4000, 'x');
    if (!store->Commit({{"seq", seq}}, {big}, "hub-1", Durability::kFull, &error)) break;
  }
  REQUIRE(seq < 10000);
  INFO("error: ", error);
  CHECK(error.find(dir.DbPath() + ": commit: ") == 0);
  CHECK(error.ends_with(": database or disk is full"));
  // The failed commit left nothing behind and the store still answers.
  CHECK(store->EventCount() == seq - 1);
  const auto snapshot = store->LoadSnapshot(&error);
  REQUIRE_MESSAGE(snapshot, error);
  CHECK(snapshot->at("seq") == seq - 1);
}

}  // namespace homesec
