// homesecctl's command line: every command, its options, and a one-line error for each misuse.
#include <doctest/doctest.h>

#include "tests/unit/homesecctl/args_test_support.hpp"

namespace homesec {
namespace {

TEST_CASE("homesecctl args: no arguments or --help asks for help") {
  CHECK(Parse({}).command == CtlCommand::kHelp);
  CHECK(Parse({"--help"}).command == CtlCommand::kHelp);
  CHECK(Parse({"help"}).command == CtlCommand::kHelp);
}

TEST_CASE("homesecctl args: status with the default config path") {
  const CtlArgs args = Parse({"status"});
  CHECK(args.command == CtlCommand::kStatus);
  CHECK(args.config_path == "/etc/homesec/homesec.json");
  CHECK_FALSE(args.json);
}

TEST_CASE("homesecctl args: global options go before or after the command, with = or not") {
  const CtlArgs before = Parse({"--config", "/tmp/h.json", "--json", "status"});
  CHECK(before.config_path == "/tmp/h.json");
  CHECK(before.json);
  const CtlArgs after = Parse({"status", "--config=/tmp/h.json", "--json"});
  CHECK(after.config_path == "/tmp/h.json");
  CHECK(after.json);
}

TEST_CASE("homesecctl args: arm takes one of the four modes and --force") {
  CHECK(Parse({"arm", "home"}).arm_action == CommandAction::kArmHome);
  CHECK(Parse({"arm", "night"}).arm_action == CommandAction::kArmNight);
  CHECK(Parse({"arm", "vacation"}).arm_action == CommandAction::kArmVacation);
  const CtlArgs away = Parse({"arm", "away", "--force", "--pin-stdin"});
  CHECK(away.command == CtlCommand::kArm);
  CHECK(away.arm_action == CommandAction::kArmAway);
  CHECK(away.force);
  CHECK(away.pin_stdin);
  CHECK_FALSE(Parse({"arm", "away"}).force);
}

TEST_CASE("homesecctl args: arm with an unknown or missing mode is a usage error") {
  CHECK(ErrorOf({"arm", "sideways"}) ==
        "arm: unknown mode 'sideways' (home, night, away or vacation)");
  CHECK(ErrorOf({"arm"}) == "arm: give one mode: home, night, away or vacation");
}

TEST_CASE("homesecctl args: disarm takes --pin-stdin and nothing else") {
  CHECK(Parse({"disarm", "--pin-stdin"}).command == CtlCommand::kDisarm);
  CHECK(ErrorOf({"disarm", "--force"}) == "--force does not apply to this command");
  CHECK(ErrorOf({"disarm", "now"}) == "unexpected argument 'now'");
}

TEST_CASE("homesecctl args: events defaults to the last 20 and takes --last N") {
  CHECK(Parse({"events"}).last == 20);
  CHECK(Parse({"events", "--last", "5"}).last == 5);
  CHECK(Parse({"events", "--last=100"}).last == 100);
  CHECK(ErrorOf({"events", "--last", "many"}) ==
        "--last: expected a count from 1 to 100000, got 'many'");
  CHECK(ErrorOf({"events", "--last", "0"}).starts_with("--last:"));
  CHECK(ErrorOf({"events", "--last"}) == "--last needs a value");
}

TEST_CASE("homesecctl args: user add needs a name and a role") {
  const CtlArgs args = Parse({"user", "add", "alice", "--role", "master", "--pin-stdin"});
  CHECK(args.command == CtlCommand::kUserAdd);
  CHECK(args.user_name == "alice");
  CHECK(args.role == Role::kMaster);
  CHECK(args.pin_stdin);
  CHECK_FALSE(args.replace);
  CHECK(ErrorOf({"user", "add", "alice"}).starts_with("user add: --role is required"));
  CHECK(ErrorOf({"user", "add", "--role", "user"}) == "user add: give one user name");
  CHECK(ErrorOf({"user", "add", "alice", "--role", "boss"})
            .starts_with("user add: unknown role 'boss'"));
}

TEST_CASE("homesecctl args: user names are letters, digits, dot, underscore and dash") {
  CHECK(Parse({"user", "add", "li.wei_2", "--role", "user"}).user_name == "li.wei_2");
  CHECK(ErrorOf({"user", "add", "li wei", "--role", "user"})
            .starts_with("user add: invalid name 'li wei'"));
  CHECK(ErrorOf({"user", "remove", std::string(33, 'a')}).starts_with("user remove: invalid name"));
}

TEST_CASE("homesecctl args: a keyholder has a validity window from --from to --until") {
  const CtlArgs args = Parse({"user", "add", "neighbour", "--role", "keyholder", "--from",
                              "2026-12-01T08:00:00+08:00", "--until", "2026-12-10T20:00:00Z"});
  REQUIRE(args.valid_from.has_value());
  REQUIRE(args.valid_until.has_value());
  CHECK(FormatRfc3339(*args.valid_from) == "2026-12-01T00:00:00.000Z");
  CHECK(FormatRfc3339(*args.valid_until) == "2026-12-10T20:00:00.000Z");
}

TEST_CASE("homesecctl args: keyholder window mistakes are usage errors") {
  CHECK(ErrorOf({"user", "add", "n", "--role", "keyholder"}) ==
        "user add: a keyholder needs --from and --until");
  CHECK(ErrorOf({"user", "add", "n", "--role", "user", "--from", "2026-12-01T08:00:00Z", "--until",
                 "2026-12-02T08:00:00Z"}) ==
        "user add: --from/--until apply only to --role keyholder");
  CHECK(ErrorOf({"user", "add", "n", "--role", "keyholder", "--from", "2026-12-02T08:00:00Z",
                 "--until", "2026-12-01T08:00:00Z"}) == "user add: --until must be after --from");
  CHECK(ErrorOf({"user", "add", "n", "--role", "keyholder", "--from", "tomorrow", "--until",
                 "2026-12-01T08:00:00Z"})
            .starts_with("--from: expected an RFC 3339 time"));
}

TEST_CASE("homesecctl args: user list and user remove") {
  CHECK(Parse({"user", "list", "--json"}).command == CtlCommand::kUserList);
  const CtlArgs remove = Parse({"user", "remove", "bob"});
  CHECK(remove.command == CtlCommand::kUserRemove);
  CHECK(remove.user_name == "bob");
  CHECK(ErrorOf({"user"}) == "user: missing subcommand (add, list or remove)");
  CHECK(ErrorOf({"user", "delete", "bob"}) ==
        "user: unknown subcommand 'delete' (add, list or remove)");
}

TEST_CASE("homesecctl args: bypass takes one zone, --until-disarm and --pin-stdin") {
  const CtlArgs plain = Parse({"bypass", "kitchen_window"});
  CHECK(plain.command == CtlCommand::kBypass);
  CHECK(plain.zone == "kitchen_window");
  CHECK_FALSE(plain.until_disarm);
  CHECK_FALSE(plain.pin_stdin);
  const CtlArgs until = Parse({"--until-disarm", "bypass", "front-door_2", "--pin-stdin"});
  CHECK(until.zone == "front-door_2");
  CHECK(until.until_disarm);
  CHECK(until.pin_stdin);
}

TEST_CASE("homesecctl args: unbypass takes one zone and --pin-stdin, not --until-disarm") {
  const CtlArgs args = Parse({"unbypass", "kitchen_window", "--pin-stdin"});
  CHECK(args.command == CtlCommand::kUnbypass);
  CHECK(args.zone == "kitchen_window");
  CHECK(args.pin_stdin);
  CHECK(ErrorOf({"unbypass", "kitchen_window", "--until-disarm"}) ==
        "--until-disarm does not apply to this command");
  CHECK(ErrorOf({"arm", "away", "--until-disarm"}) ==
        "--until-disarm does not apply to this command");
}

TEST_CASE("homesecctl args: bypass without one valid zone id is a usage error") {
  CHECK(ErrorOf({"bypass"}) == "bypass: give one zone id");
  CHECK(ErrorOf({"unbypass", "a", "b"}) == "unbypass: give one zone id");
  CHECK(
      ErrorOf({"bypass", "kitchen/window"}) ==
      "bypass: invalid zone id 'kitchen/window' (letters, digits, '_' and '-', as in the config)");
  CHECK(ErrorOf({"bypass", "#"}).starts_with("bypass: invalid zone id"));
  CHECK(ErrorOf({"bypass", std::string(200, 'z')}).starts_with("bypass: invalid zone id"));
}

TEST_CASE("homesecctl args: unknown commands and options are named") {
  CHECK(ErrorOf({"explode"}) ==
        "unknown command 'explode' (status, zones, devices, troubles, arm, disarm, bypass, "
        "unbypass, pair, walk-test, memory, events, explain, dry-run, user or watch)");
  CHECK(Parse({"zones"}).command == CtlCommand::kZones);
  CHECK(Parse({"devices", "--json"}).command == CtlCommand::kDevices);
  CHECK(ErrorOf({"troubles", "x"}) == "unexpected argument 'x'");
  CHECK(ErrorOf({"status", "--verbose"}) == "unknown option --verbose");
  CHECK(ErrorOf({"status", "--json=yes"}) == "--json takes no value");
  CHECK(ErrorOf({"status", "--last", "3"}) == "--last does not apply to this command");
}

}  // namespace
}  // namespace homesec

namespace homesec {

TEST_CASE("homesecctl args: explain takes one event, dry-run a --since time") {
  const CtlArgs explain = Parse({"explain", "42", "--json"});
  CHECK(explain.command == CtlCommand::kExplain);
  CHECK(explain.event_ref == "42");
  CHECK(explain.json);
  CHECK(ErrorOf({"explain"}).starts_with("explain: give one event"));
  CHECK(ErrorOf({"explain", "1", "2"}).starts_with("explain: give one event"));
  const CtlArgs dry = Parse({"--config", "new.json", "dry-run", "--since", "2026-12-01T08:00:00Z"});
  CHECK(dry.command == CtlCommand::kDryRun);
  CHECK(dry.config_path == "new.json");
  CHECK(dry.since == ParseRfc3339("2026-12-01T08:00:00Z"));
  CHECK_FALSE(Parse({"dry-run"}).since);
  CHECK(ErrorOf({"dry-run", "--since", "yesterday"}).starts_with("--since: expected an RFC 3339"));
  CHECK(ErrorOf({"dry-run", "new.json"}).find("--config NEW.json") != std::string::npos);
}

}  // namespace homesec
