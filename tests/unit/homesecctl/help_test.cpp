// homesecctl --help and VERB --help: every verb lists its options with a line each, the verb list
// names every verb, and the shell completion offers the same verbs and options.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "tools/homesecctl/args.hpp"

namespace homesec {
namespace {

// The words of a verb as typed ("user add" -> {"user", "add"}).
std::vector<std::string> Words(const std::string& verb) {
  std::vector<std::string> words;
  std::istringstream in(verb);
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

std::string HelpOf(std::vector<std::string> words) {
  const CtlParseResult result = ParseCtlArgs(words);
  INFO(result.error);
  REQUIRE(result.args.has_value());
  CHECK(result.args->command == CtlCommand::kHelp);
  return result.usage;
}

TEST_CASE("homesecctl help: --help lists every verb with a line about it") {
  const std::string help = HelpOf({"--help"});
  for (const char* verb :
       {"status", "zones", "devices", "troubles", "arm", "disarm", "bypass", "unbypass", "pair",
        "walk-test", "memory", "events", "explain", "dry-run", "user", "watch", "help"}) {
    CAPTURE(verb);
    CHECK(help.find("\n  " + std::string(verb) + " ") != std::string::npos);
  }
  CHECK(help.find("disarm the panel") != std::string::npos);
  CHECK(help.find("--config PATH") != std::string::npos);
  CHECK(help.find("exit status: 0 ok") != std::string::npos);
  CHECK(HelpOf({}) == help);
  CHECK(HelpOf({"help"}) == help);
}

TEST_CASE("homesecctl help: VERB --help shows that verb's usage and every option it takes") {
  for (const std::string& verb : CtlVerbs()) {
    CAPTURE(verb);
    std::vector<std::string> words = Words(verb);
    words.push_back("--help");
    const std::string help = HelpOf(words);
    CHECK(help.find("Usage: homesecctl " + verb) != std::string::npos);
    for (const std::string& option : CtlVerbOptions(verb)) {
      if (option == "--config" || option == "--json") continue;  // the top level's
      CAPTURE(option);
      CHECK(help.find(option) != std::string::npos);
    }
  }
}

TEST_CASE("homesecctl help: an option's line says what it does") {
  const std::string arm = HelpOf({"arm", "--help"});
  CHECK(arm.find("--force") != std::string::npos);
  CHECK(arm.find("bypass the zones that are open") != std::string::npos);
  CHECK(arm.find("home, night, away or vacation") != std::string::npos);
  const std::string events = HelpOf({"events", "--help"});
  CHECK(events.find("--last N") != std::string::npos);
  CHECK(events.find("--since TIME") != std::string::npos);
  CHECK(events.find("30m, 2h or 1d") != std::string::npos);
  CHECK(events.find("--pin-stdin") == std::string::npos);  // events takes no PIN
  const std::string start = HelpOf({"watch", "start", "--help"});
  CHECK(start.find("--keyholder-hours HH:MM-HH:MM") != std::string::npos);
}

TEST_CASE("homesecctl help: help VERB is VERB --help, and --help anywhere after the verb") {
  CHECK(HelpOf({"help", "pair"}) == HelpOf({"pair", "--help"}));
  CHECK(HelpOf({"help", "user", "add"}) == HelpOf({"user", "add", "--help"}));
  CHECK(HelpOf({"pair", "--seconds", "30", "--help"}) == HelpOf({"pair", "--help"}));
  CHECK(HelpOf({"--json", "status", "-h"}) == HelpOf({"status", "--help"}));
  const CtlParseResult unknown = ParseCtlArgs({"help", "sing"});
  CHECK_FALSE(unknown.args.has_value());
  CHECK(unknown.error.starts_with("unknown command 'sing' (status, zones,"));
}

// packaging/homesecctl.bash-completion: a word list per verb that must follow the parser's.
std::string Completion() {
  std::ifstream in(HOMESEC_TEST_DATA_DIR "/../../packaging/homesecctl.bash-completion");
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_CASE("homesecctl help: the bash completion offers every verb and each verb's options") {
  const std::string completion = Completion();
  std::string verbs;  // the first words of the verbs, once each, in --help's order
  for (const std::string& verb : CtlVerbs()) {
    const std::string first = Words(verb).front();
    if ((" " + verbs + " ").find(" " + first + " ") == std::string::npos) {
      verbs += (verbs.empty() ? "" : " ") + first;
    }
  }
  CHECK(completion.find("local verbs=\"" + verbs + "\"\n") != std::string::npos);
  for (const std::string& verb : CtlVerbs()) {
    CAPTURE(verb);
    std::string options;
    for (const std::string& option : CtlVerbOptions(verb)) {
      options += (options.empty() ? "" : " ") + option;
    }
    CHECK(completion.find("    \"" + verb + "\") options=\"" + options + "\" ;;\n") !=
          std::string::npos);
  }
}

}  // namespace
}  // namespace homesec
