// PIN hashing and the code checker: hash format, verification, PIN rules, wrong-code lockout,
// keyholder windows, roles and duress.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "rules/codes.hpp"
#include "rules/panel_state.hpp"

namespace homesec {
namespace {

// Low iteration count: the tests check behaviour, not the work factor.
constexpr int kTestIterations = 1000;
constexpr std::array<std::uint8_t, 16> kSaltA{1, 2,  3,  4,  5,  6,  7,  8,
                                              9, 10, 11, 12, 13, 14, 15, 16};
constexpr std::array<std::uint8_t, 16> kSaltB{16, 15, 14, 13, 12, 11, 10, 9,
                                              8,  7,  6,  5,  4,  3,  2,  1};

const WallTime kStart = WallTime{} + std::chrono::hours(24 * 365 * 56);  // ~2026

User MakeUser(int number, std::string name, Role role, std::string_view pin) {
  User user;
  user.number = number;
  user.name = std::move(name);
  user.role = role;
  user.pin_hash = HashPin(pin, kSaltA, kTestIterations);
  return user;
}

std::vector<User> Household() {
  return {MakeUser(1, "anna", Role::kMaster, "1234"), MakeUser(2, "ben", Role::kUser, "2345"),
          MakeUser(3, "cleaner", Role::kArmOnly, "3456"),
          MakeUser(4, "anna-duress", Role::kDuress, "9999")};
}

std::vector<std::string> Split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return parts;
}

}  // namespace

TEST_CASE("codes: hash is encoded as pbkdf2-sha256$iterations$salt hex$hash hex") {
  const std::string hash = HashPin("1234", kSaltA, kTestIterations);
  const auto parts = Split(hash, '$');
  REQUIRE(parts.size() == 4);
  CHECK(parts[0] == "pbkdf2-sha256");
  CHECK(parts[1] == "1000");
  CHECK(parts[2] == "0102030405060708090a0b0c0d0e0f10");
  CHECK(parts[3].size() == 64);  // 32-byte hash
  CHECK(parts[3].find_first_not_of("0123456789abcdef") == std::string::npos);
}

TEST_CASE("codes: the same PIN with different salts gives different hashes") {
  const std::string a = HashPin("1234", kSaltA, kTestIterations);
  const std::string b = HashPin("1234", kSaltB, kTestIterations);
  CHECK(a != b);
  CHECK(Split(a, '$')[3] != Split(b, '$')[3]);
}

TEST_CASE("codes: hashing is deterministic for a given salt") {
  CHECK(HashPin("1234", kSaltA, kTestIterations) == HashPin("1234", kSaltA, kTestIterations));
}

TEST_CASE("codes: hashing without a salt or with zero iterations gives no hash") {
  CHECK(HashPin("1234", std::span<const std::uint8_t>{}, kTestIterations).empty());
  CHECK(HashPin("1234", kSaltA, 0).empty());
  CHECK_FALSE(VerifyPin("1234", ""));
}

TEST_CASE("codes: verify accepts the right PIN") {
  CHECK(VerifyPin("1234", HashPin("1234", kSaltA, kTestIterations)));
}

TEST_CASE("codes: verify rejects a wrong PIN") {
  const std::string hash = HashPin("1234", kSaltA, kTestIterations);
  CHECK_FALSE(VerifyPin("1235", hash));
  CHECK_FALSE(VerifyPin("12345", hash));
  CHECK_FALSE(VerifyPin("", hash));
}

TEST_CASE("codes: verify returns false for a malformed hash") {
  const std::string good = HashPin("1234", kSaltA, kTestIterations);
  CHECK_FALSE(VerifyPin("1234", ""));
  CHECK_FALSE(VerifyPin("1234", "garbage"));
  CHECK_FALSE(VerifyPin("1234", "sha1$1000$0102$abcd"));
  CHECK_FALSE(VerifyPin("1234", "pbkdf2-sha256$x$0102$abcd"));
  CHECK_FALSE(VerifyPin("1234", "pbkdf2-sha256$0$0102$" + std::string(64, 'a')));
  CHECK_FALSE(VerifyPin("1234", "pbkdf2-sha256$1000$zz$" + std::string(64, 'a')));
  CHECK_FALSE(VerifyPin("1234", good.substr(0, good.size() - 2)));  // hash too short
  CHECK_FALSE(VerifyPin("1234", good + "$extra"));
}

TEST_CASE("codes: PIN format requires digits and the minimum length") {
  CHECK(CheckPinFormat("1234", 4).empty());
  CHECK(CheckPinFormat("123456789012", 4).empty());
  CHECK(CheckPinFormat("123", 4) == "PIN must be at least 4 digits");
  CHECK(CheckPinFormat("12a4", 4) == "PIN must contain digits only");
  CHECK(CheckPinFormat("1234567890123", 4) == "PIN must be at most 12 digits");
  CHECK_FALSE(CheckPinFormat("", 4).empty());
  CHECK(CheckPinFormat("12345", 6) == "PIN must be at least 6 digits");
}

TEST_CASE("codes: a correct code authenticates its user") {
  CodeCheckerState state;
  const auto result = Authenticate("2345", Household(), CodePolicy{}, kStart, state);
  CHECK(result.outcome == AuthOutcome::kOk);
  REQUIRE(result.user.has_value());
  CHECK(result.user->name == "ben");
  CHECK(state.recent_wrong.empty());
}

TEST_CASE("codes: five wrong codes within 10 minutes lock code entry out") {
  CodeCheckerState state;
  const auto users = Household();
  const CodePolicy policy;
  for (int i = 0; i < 4; ++i) {
    const auto r = Authenticate("0000", users, policy, kStart + Seconds(60 * i), state);
    CHECK(r.outcome == AuthOutcome::kWrongCode);
    CHECK_FALSE(r.lockout_started);
  }
  const auto fifth = Authenticate("0000", users, policy, kStart + Seconds(300), state);
  CHECK(fifth.outcome == AuthOutcome::kLockedOut);
  CHECK(fifth.lockout_started);
  CHECK(fifth.lockout_remaining == Seconds(90));
  REQUIRE(state.locked_until.has_value());
  CHECK(*state.locked_until == kStart + Seconds(300) + Seconds(90));
  CHECK(state.recent_wrong.empty());
}

TEST_CASE("codes: five wrong codes spread over more than 10 minutes do not lock out") {
  CodeCheckerState state;
  const auto users = Household();
  const CodePolicy policy;
  // 0, 3, 6, 9, 12 minutes: at the fifth the first is older than the window.
  for (int i = 0; i < 5; ++i) {
    const auto r = Authenticate("0000", users, policy, kStart + Seconds(180 * i), state);
    CHECK(r.outcome == AuthOutcome::kWrongCode);
    CHECK_FALSE(r.lockout_started);
  }
  CHECK_FALSE(state.locked_until.has_value());
  CHECK(state.recent_wrong.size() == 4);
}

TEST_CASE("codes: during a lockout even the correct code is refused without starting a new one") {
  CodeCheckerState state;
  const auto users = Household();
  const CodePolicy policy;
  for (int i = 0; i < 5; ++i) Authenticate("0000", users, policy, kStart, state);
  REQUIRE(state.locked_until.has_value());
  const auto r = Authenticate("1234", users, policy, kStart + Seconds(30), state);
  CHECK(r.outcome == AuthOutcome::kLockedOut);
  CHECK_FALSE(r.lockout_started);
  CHECK(r.lockout_remaining == Seconds(60));
  CHECK_FALSE(r.user.has_value());
  // A correct code does not shorten or reset the lockout.
  CHECK(*state.locked_until == kStart + Seconds(90));
}

TEST_CASE("codes: the lockout expires after 90 seconds") {
  CodeCheckerState state;
  const auto users = Household();
  const CodePolicy policy;
  for (int i = 0; i < 5; ++i) Authenticate("0000", users, policy, kStart, state);
  CHECK(Authenticate("1234", users, policy, kStart + Seconds(89), state).outcome ==
        AuthOutcome::kLockedOut);
  const auto r = Authenticate("1234", users, policy, kStart + Seconds(90), state);
  CHECK(r.outcome == AuthOutcome::kOk);
  CHECK_FALSE(state.locked_until.has_value());
}

TEST_CASE("codes: a keyholder code works only inside its window") {
  auto users = Household();
  User keyholder = MakeUser(5, "neighbour", Role::kKeyholder, "5678");
  keyholder.valid_from = kStart + std::chrono::hours(1);
  keyholder.valid_until = kStart + std::chrono::hours(2);
  users.push_back(keyholder);
  const CodePolicy policy;

  CodeCheckerState before;
  CHECK(Authenticate("5678", users, policy, kStart, before).outcome == AuthOutcome::kWrongCode);
  CHECK(before.recent_wrong.size() == 1);  // counts as a wrong code

  CodeCheckerState inside;
  const auto ok = Authenticate("5678", users, policy, kStart + std::chrono::minutes(90), inside);
  CHECK(ok.outcome == AuthOutcome::kOk);
  REQUIRE(ok.user.has_value());
  CHECK(ok.user->name == "neighbour");

  CodeCheckerState after;
  CHECK(Authenticate("5678", users, policy, kStart + std::chrono::hours(3), after).outcome ==
        AuthOutcome::kWrongCode);
}

TEST_CASE("codes: an arm-only code authenticates but may not disarm") {
  const auto users = Household();
  CodeCheckerState state;
  const auto arm = Authenticate("3456", users, CodePolicy{}, kStart, state);
  CHECK(arm.outcome == AuthOutcome::kOk);
  REQUIRE(arm.user.has_value());
  CHECK(arm.user->name == "cleaner");
  CHECK_FALSE(MayDisarm(*arm.user, PanelState{}, kStart));
  CHECK(state.recent_wrong.empty());  // a valid code is not a wrong code
}

TEST_CASE("codes: MayDisarm lets masters, users, duress and keyholders inside their window") {
  PanelState panel;
  for (const User& user : Household()) {
    CAPTURE(user.name);
    const bool expected = user.role != Role::kArmOnly;
    CHECK(MayDisarm(user, panel, kStart) == expected);
  }
  User keyholder;
  keyholder.role = Role::kKeyholder;
  keyholder.valid_from = kStart + std::chrono::hours(1);
  keyholder.valid_until = kStart + std::chrono::hours(2);
  CHECK_FALSE(MayDisarm(keyholder, panel, kStart));
  CHECK(MayDisarm(keyholder, panel, kStart + std::chrono::minutes(90)));
  CHECK_FALSE(MayDisarm(keyholder, panel, kStart + std::chrono::hours(3)));
}

TEST_CASE("codes: a duress code authenticates with the duress outcome") {
  CodeCheckerState state;
  const auto r = Authenticate("9999", Household(), CodePolicy{}, kStart, state);
  CHECK(r.outcome == AuthOutcome::kDuress);
  REQUIRE(r.user.has_value());
  CHECK(r.user->name == "anna-duress");
  CHECK(r.user->number == 4);
}

}  // namespace homesec
