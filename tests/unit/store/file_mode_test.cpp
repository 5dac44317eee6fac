// The database holds PIN hashes and the event log: whoever creates it creates it 0640 (issue 11),
// and its -wal and -shm files follow the database's mode.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include "tests/unit/store/store_test_support.hpp"

namespace homesec::testing {
namespace {

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

TEST_CASE("store: a new database is created 0640 whatever the umask, its WAL files too") {
  TempDir dir;
  const mode_t old_umask = ::umask(0);
  std::string error;
  std::unique_ptr<Store> store = Store::Open(dir.DbPath(), &error);
  ::umask(old_umask);
  REQUIRE(store);
  User user;
  user.number = 1;
  user.name = "alice";
  user.pin_hash = "pbkdf2-sha256$1$00$00";
  REQUIRE(store->UpsertUser(user, &error));
  CHECK(ModeOf(dir.DbPath()) == 0640);
  CHECK(ModeOf(dir.DbPath() + "-wal") == 0640);
  CHECK(ModeOf(dir.DbPath() + "-shm") == 0640);
}

TEST_CASE("store: an existing database keeps the mode it has") {
  TempDir dir;
  std::string error;
  REQUIRE(Store::Open(dir.DbPath(), &error));
  REQUIRE(::chmod(dir.DbPath().c_str(), 0600) == 0);
  REQUIRE(Store::Open(dir.DbPath(), &error));
  CHECK(ModeOf(dir.DbPath()) == 0600);
}

}  // namespace
}  // namespace homesec::testing
