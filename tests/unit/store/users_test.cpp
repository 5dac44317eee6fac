// Users, settings and change detection across connections.
#include "store_test_support.hpp"

namespace homesec {
namespace {

using testing::kTestTime;
using testing::OpenOrFail;
using testing::TempDir;

User MakeUser(int number, std::string name, Role role) {
  User user;
  user.number = number;
  user.name = std::move(name);
  user.role = role;
  user.pin_hash = "pbkdf2-sha256$1000$0102$" + std::string(64, 'a' + static_cast<char>(number));
  return user;
}

}  // namespace

TEST_CASE("users: upsert adds users and lists them by number") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  User keyholder = MakeUser(5, "neighbour", Role::kKeyholder);
  keyholder.valid_from = kTestTime;
  keyholder.valid_until = kTestTime + std::chrono::hours(48);
  std::string error;
  REQUIRE(store->UpsertUser(keyholder, &error));
  REQUIRE(store->UpsertUser(MakeUser(1, "anna", Role::kMaster), &error));
  CHECK(store->Users(&error) == std::vector<User>{MakeUser(1, "anna", Role::kMaster), keyholder});
}

TEST_CASE("users: upsert of an existing name replaces the user") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  std::string error;
  REQUIRE(store->UpsertUser(MakeUser(2, "ben", Role::kUser), &error));
  User changed = MakeUser(3, "ben", Role::kArmOnly);
  REQUIRE(store->UpsertUser(changed, &error));
  CHECK(store->Users(&error) == std::vector<User>{changed});
}

TEST_CASE("users: remove deletes the user, removing an unknown user is an error") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  std::string error;
  REQUIRE(store->UpsertUser(MakeUser(1, "anna", Role::kMaster), &error));
  REQUIRE(store->UpsertUser(MakeUser(2, "ben", Role::kUser), &error));
  CHECK(store->RemoveUser("anna", &error));
  CHECK(store->Users(&error) == std::vector<User>{MakeUser(2, "ben", Role::kUser)});
  CHECK_FALSE(store->RemoveUser("anna", &error));
  CHECK(error == "no user named 'anna'");
}

TEST_CASE("users: a PIN that is not hashed is never stored") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  User plain = MakeUser(1, "anna", Role::kMaster);
  plain.pin_hash = "1234";
  std::string error;
  CHECK_FALSE(store->UpsertUser(plain, &error));
  CHECK(error == "user 'anna': pin_hash is not a PIN hash");
  CHECK(store->Users(&error).empty());
}

TEST_CASE("users: two users cannot share a Contact ID user number") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  std::string error;
  REQUIRE(store->UpsertUser(MakeUser(1, "anna", Role::kMaster), &error));
  CHECK_FALSE(store->UpsertUser(MakeUser(1, "ben", Role::kUser), &error));
  CHECK(error.find("UNIQUE constraint failed: users.number") != std::string::npos);
}

TEST_CASE("store: settings are stored by key and overwritten") {
  TempDir dir;
  auto store = OpenOrFail(dir.DbPath());
  std::string error;
  CHECK_FALSE(store->GetMeta("hub_id").has_value());
  REQUIRE(store->SetMeta("hub_id", "hub-1", &error));
  REQUIRE(store->SetMeta("hub_id", "hub-2", &error));
  CHECK(store->GetMeta("hub_id") == "hub-2");
}

TEST_CASE("store: data version changes when another connection writes") {
  TempDir dir;
  auto daemon = OpenOrFail(dir.DbPath());
  auto ctl = OpenOrFail(dir.DbPath());
  const std::int64_t before = daemon->DataVersion();
  CHECK(daemon->DataVersion() == before);  // stable while nobody writes
  std::string error;
  REQUIRE(ctl->UpsertUser(MakeUser(1, "anna", Role::kMaster), &error));
  const std::int64_t after = daemon->DataVersion();
  CHECK(after != before);
  CHECK(daemon->Users(&error).size() == 1);
  // The daemon's own writes do not count as someone else's change.
  REQUIRE(daemon->SetMeta("k", "v", &error));
  CHECK(daemon->DataVersion() == after);
}

}  // namespace homesec
