// homesecctl's command line on CLI11: each kind of misuse is one line naming what is wrong (and
// never an exception), and the usage to show with it is the verb's.
#include <doctest/doctest.h>

#include "tools/homesecctl/args.hpp"

namespace homesec {
namespace {

CtlParseResult Refused(std::vector<std::string> words) {
  const CtlParseResult result = ParseCtlArgs(words);
  CHECK_FALSE(result.args.has_value());
  CHECK(result.error.find('\n') == std::string::npos);  // one line
  return result;
}

TEST_CASE("homesecctl args errors: an unknown verb lists the verbs, with the top-level usage") {
  const CtlParseResult result = Refused({"disarn"});
  CHECK(result.error ==
        "unknown command 'disarn' (status, zones, devices, troubles, arm, disarm, bypass, "
        "unbypass, pair, walk-test, memory, events, explain, dry-run, user or watch)");
  CHECK(result.usage.find("Usage: homesecctl [OPTIONS] [SUBCOMMAND]") != std::string::npos);
  CHECK(Refused({"--json", "explode", "--verbose"}).error.starts_with("unknown command 'explode'"));
}

TEST_CASE("homesecctl args errors: an unknown option is named, with the verb's usage") {
  const CtlParseResult result = Refused({"arm", "away", "--forse"});
  CHECK(result.error == "unknown option --forse");
  CHECK(result.usage.find("Usage: homesecctl arm") != std::string::npos);
  CHECK(Refused({"status", "-x"}).error == "unknown option -x");
  CHECK(Refused({"--verbose"}).error == "unknown option --verbose");
}

TEST_CASE("homesecctl args errors: another verb's option does not apply to this one") {
  CHECK(Refused({"events", "--force"}).error == "--force does not apply to this command");
  CHECK(Refused({"user", "list", "--pin-stdin"}).error ==
        "--pin-stdin does not apply to this command");
}

TEST_CASE("homesecctl args errors: an option without its value says it needs one") {
  CHECK(Refused({"status", "--config"}).error == "--config needs a value");
  CHECK(Refused({"--config=", "status"}).error == "--config needs a value");
  CHECK(Refused({"events", "--since"}).error == "--since needs a value");
  const CtlParseResult result = Refused({"pair", "--device"});
  CHECK(result.error == "--device needs a value");
  CHECK(result.usage.find("Usage: homesecctl pair") != std::string::npos);
  CHECK(Refused({"events", "--follow=yes"}).error == "--follow takes no value");
}

TEST_CASE("homesecctl args errors: a bad number says the range and what was given") {
  CHECK(Refused({"pair", "--seconds", "soon"}).error ==
        "--seconds: expected 1 to 254 (Zigbee2MQTT's limit), got 'soon'");
  CHECK(Refused({"pair", "--seconds", "255"}).error.starts_with("--seconds: expected 1 to 254"));
  CHECK(Refused({"walk-test", "--minutes", "241"}).error ==
        "--minutes: expected 1 to 240 (4 hours), got '241'");
  CHECK(Refused({"events", "--last", "-3"}).error ==
        "--last: expected a count from 1 to 100000, got '-3'");
  CHECK(Refused({"watch", "start", "--return", "2026-12-06T18:00:00Z", "--phone", "1",
                 "--keyholder", "k", "--keyholder-from", "2026-12-01T08:00:00Z",
                 "--keyholder-until", "2026-12-02T08:00:00Z", "--rearm-after", "1h"})
            .error == "--rearm-after: expected seconds, got '1h'");
}

TEST_CASE("homesecctl args errors: a verb's own check comes with that verb's usage") {
  const CtlParseResult result = Refused({"user", "add", "alice"});
  CHECK(result.error.starts_with("user add: --role is required"));
  CHECK(result.usage.find("Usage: homesecctl user add") != std::string::npos);
  CHECK(result.usage.find("--role ROLE") != std::string::npos);
}

TEST_CASE("homesecctl args: a verb's options may come before it, and words may be verb names") {
  const CtlParseResult moved = ParseCtlArgs({"--seconds", "30", "pair", "--pin-stdin"});
  REQUIRE(moved.args.has_value());
  CHECK(moved.args->command == CtlCommand::kPair);
  CHECK(moved.args->pair_seconds == 30);
  const CtlParseResult user = ParseCtlArgs({"user", "--role", "master", "add", "bob"});
  REQUIRE(user.args.has_value());
  CHECK(user.args->user_name == "bob");
  CHECK(user.args->role == Role::kMaster);
  const CtlParseResult zone = ParseCtlArgs({"bypass", "memory"});  // a zone named like a verb
  REQUIRE(zone.args.has_value());
  CHECK(zone.args->command == CtlCommand::kBypass);
  CHECK(zone.args->zone == "memory");
}

TEST_CASE("homesecctl args: --type adds up over repeats, other options keep the last value") {
  const CtlParseResult result =
      ParseCtlArgs({"events", "--type", "alarm", "--type=fire,alarm", "--last", "3", "--last=4"});
  REQUIRE(result.args.has_value());
  CHECK(result.args->event_types == std::vector<std::string>{"alarm", "fire"});
  CHECK(result.args->last == 4);
}

TEST_CASE("homesecctl args errors: odd words are refused, never thrown") {
  for (const std::vector<std::string>& words :
       std::vector<std::vector<std::string>>{{"--"},
                                             {"-"},
                                             {"---"},
                                             {"--=x"},
                                             {"status", "--", "x"},
                                             {"help", "nothing"},
                                             {"user", "add", "-"},
                                             {"watch", "--return"},
                                             {std::string("st\0tus", 6)}}) {
    CAPTURE(words.front());
    CtlParseResult result;
    CHECK_NOTHROW(result = ParseCtlArgs(words));
    CHECK(result.args.has_value() == result.error.empty());
  }
}

}  // namespace
}  // namespace homesec
