// Config loader: reading the file itself (unreadable, not JSON) and readable TLS files.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include "daemon/config.hpp"
#include "tests/unit/daemon/config_test_support.hpp"

namespace homesec {
namespace {

// A file in a fresh temporary directory, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/homesec-config-test-XXXXXX";
    REQUIRE(::mkdtemp(pattern) != nullptr);
    path_ = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& text) const {
    const std::string file = path_ + "/" + name;
    std::ofstream(file) << text;
    return file;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST_CASE("config file: a missing file is one error naming the path") {
  const ConfigResult result = LoadConfigFile("/nonexistent/homesec.json");
  CHECK_FALSE(result.config.has_value());
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].path.empty());
  CHECK(result.errors[0].message.find("/nonexistent/homesec.json") != std::string::npos);
}

TEST_CASE("config file: a directory is not a config file") {
  TempDir dir;
  const ConfigResult result = LoadConfigFile(dir.path());
  CHECK_FALSE(result.config.has_value());
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].message.find("cannot read") != std::string::npos);
}

TEST_CASE("config file: invalid JSON is reported with its line and column") {
  TempDir dir;
  const std::string file = dir.Write("bad.json", "{\n  \"hub\": {\"id\": \"x\"},\n  }\n");
  const ConfigResult result = LoadConfigFile(file);
  CHECK_FALSE(result.config.has_value());
  REQUIRE(result.errors.size() == 1);
  INFO(result.errors[0].message);
  CHECK(result.errors[0].message.find("invalid JSON") != std::string::npos);
  CHECK(result.errors[0].message.find("line 3, column 3") != std::string::npos);
  CHECK(result.errors[0].message.find("[json.exception") == std::string::npos);
}

TEST_CASE("config file: a valid file loads") {
  TempDir dir;
  const std::string file = dir.Write("ok.json", test::MinimalConfig().dump(2));
  const ConfigResult result = LoadConfigFile(file);
  INFO(test::AllErrors(result));
  CHECK(result.config.has_value());
}

TEST_CASE("config file: readable TLS files are accepted") {
  TempDir dir;
  nlohmann::json json = test::MinimalConfig();
  json["uplink"]["tls"] = {{"ca", dir.Write("ca.pem", "x")},
                           {"cert", dir.Write("hub.pem", "x")},
                           {"key", dir.Write("hub.key", "x")}};
  const ConfigResult result = ParseConfig(json);
  INFO(test::AllErrors(result));
  CHECK(result.config.has_value());
}

TEST_CASE("config file: a TLS key the daemon cannot read is an error") {
  if (::geteuid() == 0) return;  // root reads everything; nothing to test
  TempDir dir;
  const std::string key = dir.Write("hub.key", "x");
  std::filesystem::permissions(key, std::filesystem::perms::none);
  nlohmann::json json = test::MinimalConfig();
  json["uplink"]["tls"] = {
      {"ca", dir.Write("ca.pem", "x")}, {"cert", dir.Write("hub.pem", "x")}, {"key", key}};
  test::RequireError(ParseConfig(json), "uplink.tls.key", "file not readable", "homesec");
}

}  // namespace
}  // namespace homesec
