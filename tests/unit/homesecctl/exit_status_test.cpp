// The homesecctl binary's answer to its command line, as a user sees it: --help on stdout with
// exit status 0; a usage error as one line on stderr, then the usage of the verb concerned, with
// exit status 2. No config, broker or database is needed for either.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <unistd.h>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "tools/homesecctl/args.hpp"

namespace homesec {
namespace {

struct Run {
  int status = -1;
  std::string out;
  std::string err;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs homesecctl with `arguments` (shell words) and collects what it printed where.
Run Homesecctl(const std::string& arguments) {
  const std::string base = "/tmp/homesecctl_exit_status_" + std::to_string(getpid());
  const std::string command = std::string(HOMESEC_BINARY_DIR "/tools/homesecctl ") + arguments +
                              " > " + base + ".out 2> " + base + ".err < /dev/null";
  const int status = std::system(command.c_str());
  Run run;
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = ReadAll(base + ".out");
  run.err = ReadAll(base + ".err");
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return run;
}

std::string FirstLine(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

TEST_CASE("homesecctl binary: VERB --help prints the verb's options and exits 0") {
  for (const std::string& verb : CtlVerbs()) {
    CAPTURE(verb);
    const Run run = Homesecctl(verb + " --help");
    CHECK(run.status == 0);
    CHECK(run.err.empty());
    CHECK(run.out.find("Usage: homesecctl " + verb) != std::string::npos);
    CHECK(run.out.find("--help") != std::string::npos);
  }
  const Run top = Homesecctl("--help");
  CHECK(top.status == 0);
  CHECK(top.out.find("walk-test") != std::string::npos);
}

TEST_CASE("homesecctl binary: an unknown verb is one line, then the list of verbs, exit 2") {
  const Run run = Homesecctl("explode");
  CHECK(run.status == 2);
  CHECK(run.out.empty());
  CHECK(FirstLine(run.err) ==
        "homesecctl: unknown command 'explode' (status, zones, devices, troubles, arm, disarm, "
        "bypass, unbypass, pair, walk-test, memory, events, explain, dry-run, user or watch)");
  CHECK(run.err.find("Usage: homesecctl [OPTIONS]") != std::string::npos);
}

TEST_CASE("homesecctl binary: an unknown option is named, then the verb's usage, exit 2") {
  const Run run = Homesecctl("status --verbose");
  CHECK(run.status == 2);
  CHECK(FirstLine(run.err) == "homesecctl: unknown option --verbose");
  CHECK(run.err.find("Usage: homesecctl status") != std::string::npos);
  const Run other = Homesecctl("disarm --force");
  CHECK(other.status == 2);
  CHECK(FirstLine(other.err) == "homesecctl: --force does not apply to this command");
  CHECK(other.err.find("Usage: homesecctl disarm") != std::string::npos);
}

TEST_CASE("homesecctl binary: a missing value and a bad number say which option, exit 2") {
  const Run missing = Homesecctl("events --last");
  CHECK(missing.status == 2);
  CHECK(FirstLine(missing.err) == "homesecctl: --last needs a value");
  CHECK(missing.err.find("Usage: homesecctl events") != std::string::npos);
  const Run bad = Homesecctl("pair --seconds soon");
  CHECK(bad.status == 2);
  CHECK(FirstLine(bad.err) ==
        "homesecctl: --seconds: expected 1 to 254 (Zigbee2MQTT's limit), got 'soon'");
  CHECK(bad.err.find("Usage: homesecctl pair") != std::string::npos);
}

}  // namespace
}  // namespace homesec
