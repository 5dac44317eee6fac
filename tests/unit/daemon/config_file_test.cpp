// Config loader: reading the file itself (unreadable, not JSON) and readable TLS files.
#include <grp.h>
#include <sys/wait.h>
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

// The uid the daemon's unreadable-file check is run as when the test itself runs as root (CI):
// root reads every file, so the check would never see an unreadable one.
constexpr uid_t kNobody = 65534;

// ParseConfig(json) as a user other than root: as root, in a child that drops to `nobody` first,
// handing its errors back through a pipe. The result's `config` is never set (a config that loaded
// has no errors, which is what a caller expecting an error then sees).
ConfigResult ParseConfigUnprivileged(const nlohmann::json& json) {
  if (::geteuid() != 0) return ParseConfig(json);
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    if (::setgroups(0, nullptr) != 0 || ::setgid(kNobody) != 0 || ::setuid(kNobody) != 0) {
      ::_exit(2);
    }
    nlohmann::json errors = nlohmann::json::array();
    for (const ConfigError& error : ParseConfig(json).errors) {
      errors.push_back({{"path", error.path}, {"message", error.message}, {"hint", error.hint}});
    }
    const std::string text = errors.dump();
    const bool written =
        ::write(fds[1], text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::_exit(written ? 0 : 3);
  }
  ::close(fds[1]);
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) text.append(buffer, n);
  ::close(fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE_MESSAGE(WIFEXITED(status), "the unprivileged child died");
  REQUIRE_MESSAGE(WEXITSTATUS(status) == 0, "the child could not drop to uid "
                                                << kNobody << " or report (exit "
                                                << WEXITSTATUS(status) << ")");
  ConfigResult result;
  for (const nlohmann::json& error : nlohmann::json::parse(text)) {
    result.errors.push_back(ConfigError{error.at("path").get<std::string>(),
                                        error.at("message").get<std::string>(),
                                        error.at("hint").get<std::string>()});
  }
  return result;
}

TEST_CASE("config file: a TLS key the daemon cannot read is an error") {
  TempDir dir;
  // Others may enter the directory and read the CA and certificate: only the key is unreadable.
  std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_all |
                                               std::filesystem::perms::group_exec |
                                               std::filesystem::perms::others_exec);
  const auto readable = std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                        std::filesystem::perms::group_read | std::filesystem::perms::others_read;
  const std::string ca = dir.Write("ca.pem", "x");
  const std::string cert = dir.Write("hub.pem", "x");
  std::filesystem::permissions(ca, readable);
  std::filesystem::permissions(cert, readable);
  const std::string key = dir.Write("hub.key", "x");
  std::filesystem::permissions(key, std::filesystem::perms::none);
  nlohmann::json json = test::MinimalConfig();
  json["uplink"]["tls"] = {{"ca", ca}, {"cert", cert}, {"key", key}};
  const ConfigResult result = ParseConfigUnprivileged(json);
  test::RequireError(result, "uplink.tls.key", "file not readable", "homesec");
  // Only the key: the readable CA and certificate are not reported.
  CHECK(test::FindError(result, "uplink.tls.ca") == nullptr);
  CHECK(test::FindError(result, "uplink.tls.cert") == nullptr);
}

}  // namespace
}  // namespace homesec
