// The logging facility: journald priority prefixes, a tag per file, runtime level, no secrets.
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "daemon/log.hpp"

namespace homesec {
namespace {

// Captures lines for the duration of a test and restores the defaults afterwards.
class CapturedLog {
 public:
  CapturedLog() {
    SetLogSink([this](std::string_view line) { lines.emplace_back(line); });
  }
  ~CapturedLog() {
    SetLogSink(nullptr);
    SetLogLevel(LogLevel::kInfo);
  }
  std::vector<std::string> lines;
};

constexpr Logger kLog("test");

TEST_CASE("log: each line carries the journald priority prefix and the file's tag") {
  CapturedLog log;
  SetLogLevel(LogLevel::kDebug);
  kLog.Error("e %d", 1);
  kLog.Warning("w");
  kLog.Notice("n");
  kLog.Info("i %s", "x");
  kLog.Debug("d");
  const std::vector<std::string> expected{"<3>test: e 1", "<4>test: w", "<5>test: n",
                                          "<6>test: i x", "<7>test: d"};
  CHECK(log.lines == expected);
}

TEST_CASE("log: messages below the level are dropped, and the level changes at runtime") {
  CapturedLog log;
  kLog.Debug("hidden");
  kLog.Info("shown");
  SetLogLevel(LogLevel::kWarning);
  kLog.Info("hidden too");
  kLog.Warning("shown too");
  CHECK(log.lines == std::vector<std::string>{"<6>test: shown", "<4>test: shown too"});
  CHECK(CurrentLogLevel() == LogLevel::kWarning);
}

TEST_CASE("log: level names parse, including the short syslog spellings") {
  CHECK(ParseLogLevel("debug") == LogLevel::kDebug);
  CHECK(ParseLogLevel("notice") == LogLevel::kNotice);
  CHECK(ParseLogLevel("warn") == LogLevel::kWarning);
  CHECK(ParseLogLevel("err") == LogLevel::kError);
  CHECK_FALSE(ParseLogLevel("loud").has_value());
  CHECK(ToString(LogLevel::kWarning) == "warning");
}

TEST_CASE("log: PINs and passwords in a logged payload are masked") {
  CapturedLog log;
  kLog.Info("command %s", R"({"action":"DISARM","code":"1234","force":false})");
  kLog.Info("keypad pin=9876 from hall");
  kLog.Info("broker \"password\": \"s3cr\\\"et\" ok");
  REQUIRE(log.lines.size() == 3);
  CHECK(log.lines[0] == R"(<6>test: command {"action":"DISARM","code":"***","force":false})");
  CHECK(log.lines[1] == "<6>test: keypad pin=*** from hall");
  CHECK(log.lines[2] == "<6>test: broker \"password\": \"***\" ok");
}

TEST_CASE("log: words merely containing a secret key name are left alone") {
  CHECK(RedactSecrets("zipcode=12345 pincode: 1") == "zipcode=12345 pincode: 1");
  CHECK(RedactSecrets("code 1234 typed") == "code 1234 typed");
}

TEST_CASE("log: a message with newlines stays one journal line") {
  CapturedLog log;
  kLog.Warning("bad payload:\n{\n}");
  CHECK(log.lines == std::vector<std::string>{"<4>test: bad payload: { }"});
}

}  // namespace
}  // namespace homesec
