// Replay protection on the local command topic (issue 11): a request id is accepted once, also
// after a restart; a command stamped with a time outside the window is refused; a command with
// a code must carry a request id.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "daemon/local_command.hpp"

namespace homesec {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

const WallTime kNow = WallTime{} + hours(24 * 365 * 56);

struct TempFile {
  TempFile() {
    char pattern[] = "/tmp/homesec-replay-XXXXXX";
    dir = ::mkdtemp(pattern);
    path = dir + "/homesec.db-requests";
  }
  ~TempFile() { std::filesystem::remove_all(dir); }
  std::string dir;
  std::string path;
};

TEST_CASE("replay: a request id is accepted once") {
  ReplayGuard guard("", kNow);
  CHECK(guard.Check("r-1", std::nullopt, kNow).empty());
  const std::string again = guard.Check("r-1", std::nullopt, kNow + seconds(5));
  CHECK(again.find("used before") != std::string::npos);
  CHECK(guard.Check("r-2", std::nullopt, kNow + seconds(5)).empty());
}

TEST_CASE("replay: a captured command is refused after homesecd restarts") {
  TempFile file;
  {
    ReplayGuard guard(file.path, kNow);
    CHECK(guard.Check("homesecctl-1", std::nullopt, kNow).empty());
    CHECK(guard.Check("ha-1764627600.123456", std::nullopt, kNow).empty());
    CHECK(guard.error().empty());
  }
  struct stat st {};
  REQUIRE(::stat(file.path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  ReplayGuard restarted(file.path, kNow + minutes(10));
  CHECK(restarted.size() == 2);
  CHECK_FALSE(restarted.Check("homesecctl-1", std::nullopt, kNow + minutes(10)).empty());
  CHECK_FALSE(restarted.Check("ha-1764627600.123456", std::nullopt, kNow + minutes(10)).empty());
  CHECK(restarted.Check("homesecctl-2", std::nullopt, kNow + minutes(10)).empty());
}

TEST_CASE("replay: a command older than 5 minutes or over a minute ahead is refused") {
  ReplayGuard guard("", kNow);
  CHECK(guard.Check("fresh", kNow - seconds(299), kNow).empty());
  CHECK(guard.Check("old", kNow - seconds(301), kNow).find("older than 300 s") !=
        std::string::npos);
  CHECK(guard.Check("ahead", kNow + seconds(61), kNow).find("ahead") != std::string::npos);
  CHECK(guard.Check("skewed", kNow + seconds(59), kNow).empty());
  // A refused command leaves its id unused: the sender may retry with a correct clock.
  CHECK(guard.Check("old", kNow, kNow).empty());
}

TEST_CASE("replay: ids are remembered for a day and at most capacity of them") {
  ReplayPolicy policy;
  policy.capacity = 3;
  TempFile file;
  ReplayGuard guard(file.path, kNow, policy);
  for (const char* id : {"a", "b", "c", "d"}) CHECK(guard.Check(id, std::nullopt, kNow).empty());
  CHECK(guard.size() == 3);
  CHECK(guard.Check("a", std::nullopt, kNow).empty());  // the oldest was forgotten
  CHECK_FALSE(guard.Check("d", std::nullopt, kNow).empty());
  CHECK(guard.Check("d", std::nullopt, kNow + hours(24)).empty());
  // The file is compacted rather than growing without bound.
  for (int i = 0; i < 20; ++i) guard.Check("x" + std::to_string(i), std::nullopt, kNow);
  ReplayGuard reloaded(file.path, kNow, policy);
  CHECK(reloaded.size() == 3);
  CHECK_FALSE(reloaded.Check("x19", std::nullopt, kNow).empty());
}

TEST_CASE("replay: a damaged id file is skipped line by line") {
  TempFile file;
  {
    std::FILE* out = std::fopen(file.path.c_str(), "w");
    REQUIRE(out);
    std::fputs("garbage\n12x ok\n", out);
    std::fprintf(out, "%lld good-id\n", static_cast<long long>(kNow.time_since_epoch().count()));
    std::fclose(out);
  }
  ReplayGuard guard(file.path, kNow + seconds(1));
  CHECK(guard.size() == 1);
  CHECK_FALSE(guard.Check("good-id", std::nullopt, kNow + seconds(1)).empty());
}

TEST_CASE("local command: JSON carries an optional RFC 3339 time") {
  const LocalCommandParse parsed = ParseLocalCommand(
      R"({"action":"DISARM","code":"1234","request_id":"r","time":"2026-12-01T22:00:00.123456+01:00"})",
      false);
  REQUIRE(parsed.command);
  REQUIRE(parsed.sent);
  CHECK(FormatRfc3339(*parsed.sent) == "2026-12-01T21:00:00.123Z");
  const LocalCommandParse bad = ParseLocalCommand(
      R"({"action":"DISARM","code":"1234","request_id":"r","time":"soon"})", false);
  REQUIRE(bad.refusal);
  CHECK(bad.refusal->reason == "invalid_request");
  CHECK(bad.refusal->message.find("RFC 3339") != std::string::npos);
}

TEST_CASE("local command: a command with a code but no request id is refused") {
  const LocalCommandParse parsed = ParseLocalCommand(R"({"action":"DISARM","code":"1234"})", false);
  REQUIRE(parsed.refusal);
  CHECK(parsed.refusal->reason == "invalid_request");
  CHECK(parsed.refusal->message.find("request_id") != std::string::npos);
  // Without a code there is nothing worth replaying protection for (TRIGGER, HA's plain form).
  CHECK(ParseLocalCommand(R"({"action":"TRIGGER"})", false).command);
  CHECK(ParseLocalCommand("ARM_AWAY", false).command);
}

}  // namespace
}  // namespace homesec
