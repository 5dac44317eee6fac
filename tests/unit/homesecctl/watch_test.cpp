// homesecctl watch: the command line (start, show, extend, cancel), the request it publishes
// (exactly what homesecd parses), and the watch as people read it.
#include <doctest/doctest.h>

#include "daemon/local_command.hpp"
#include "tests/unit/homesecctl/args_test_support.hpp"
#include "tests/utc_support.hpp"
#include "tools/homesecctl/format.hpp"
#include "tools/homesecctl/protocol.hpp"

namespace homesec {
namespace {

TEST_CASE("homesecctl args: watch start with a keyholder") {
  const CtlArgs args =
      Parse({"watch", "start", "--return", "2026-10-28T18:00:00+01:00", "--phone",
             "+49 170 1234567", "--notes", "lights on a timer", "--keyholder", "Nina",
             "--keyholder-from", "2026-10-23T00:00:00Z", "--keyholder-until",
             "2026-10-26T00:00:00Z", "--keyholder-hours", "08:00-20:00", "--pin-stdin"});
  CHECK(args.command == CtlCommand::kWatchStart);
  CHECK(args.watch_return == Utc("2026-10-28T17:00:00Z"));
  CHECK_FALSE(args.watch_departure.has_value());
  CHECK(args.watch_phone == "+49 170 1234567");
  CHECK(args.keyholder == "Nina");
  CHECK(args.keyholder_hours == "08:00-20:00");
  CHECK(args.pin_stdin);

  const nlohmann::json request = MakeWatchRequest(args, "1234", "4711", "req-9");
  CHECK(request["action"] == "WATCH_START");
  CHECK(request["code"] == "1234");
  CHECK(request["watch"]["departure"] == "now");
  CHECK(request["watch"]["expected_return"] == "2026-10-28T17:00:00.000Z");
  CHECK(request["watch"]["keyholder"]["pin"] == "4711");
  CHECK(request["watch"]["keyholder"]["hours"] == "08:00-20:00");
  // What homesecctl sends is exactly what homesecd parses.
  const LocalCommandParse parsed = ParseLocalCommand(request.dump(), false);
  REQUIRE(parsed.command.has_value());
  CHECK(parsed.command->watch->keyholder->name == "Nina");
}

TEST_CASE("homesecctl args: watch show, extend and cancel") {
  CHECK(Parse({"watch", "show", "--json"}).command == CtlCommand::kWatchShow);
  const CtlArgs extend = Parse({"watch", "extend", "--return", "2026-10-30T18:00:00+01:00"});
  CHECK(extend.command == CtlCommand::kWatchExtend);
  CHECK(MakeWatchRequest(extend, "1234", "", "r")["watch"]["expected_return"] ==
        "2026-10-30T17:00:00.000Z");
  const CtlArgs cancel = Parse({"watch", "cancel", "--pin-stdin"});
  CHECK(MakeWatchRequest(cancel, "1234", "", "r")["action"] == "WATCH_CANCEL");
  CHECK_FALSE(MakeWatchRequest(cancel, "1234", "", "r").contains("watch"));
}

TEST_CASE("homesecctl args: watch misuse is one line each") {
  CHECK(ErrorOf({"watch"}) == "watch: missing subcommand (start, show, extend or cancel)");
  CHECK(ErrorOf({"watch", "start", "--phone", "1"}) == "watch start: --return TIME is required");
  CHECK(ErrorOf({"watch", "start", "--return", "2026-10-28T18:00:00Z"}) ==
        "watch start: --phone is required (the patrol calls it)");
  CHECK(ErrorOf({"watch", "start", "--return", "tomorrow", "--phone", "1"})
            .starts_with("--return: expected an RFC 3339 time"));
  CHECK(ErrorOf({"watch", "start", "--return", "2026-10-28T18:00:00Z", "--phone", "1",
                 "--keyholder", "Nina"}) ==
        "watch start: a keyholder needs --keyholder-from and --keyholder-until");
  CHECK(ErrorOf({"watch", "show", "--return", "2026-10-28T18:00:00Z"}) ==
        "--return does not apply to this command");
}

TEST_CASE("homesecctl output: the watch as a table, never a PIN") {
  const nlohmann::json registration = nlohmann::json::parse(R"({
    "watch_id": "w-1", "state": "active", "departure": "2026-10-21T07:00:00.000Z",
    "expected_return": "2026-10-28T17:00:00.000Z", "contact": "+49 170 1234567",
    "notes": "lights on a timer", "created_by": "anna", "overdue": false,
    "keyholder": {"name": "Nina", "valid_from": "2026-10-23T00:00:00.000Z",
                  "valid_until": "2026-10-26T00:00:00.000Z", "hours": "08:00-20:00"},
    "platform_ack": {"status": "registered", "time": "2026-10-20T10:00:01.000Z"}})");
  const std::string table = FormatWatch(registration);
  CHECK(table.find("w-1") != std::string::npos);
  CHECK(table.find("active") != std::string::npos);
  CHECK(table.find("Nina (2026-10-23T00:00:00.000Z to 2026-10-26T00:00:00.000Z, daily "
                   "08:00-20:00)") != std::string::npos);
  CHECK(table.find("registered at 2026-10-20T10:00:01.000Z") != std::string::npos);
  CHECK(FormatWatch(nullptr) == "no vacant-house watch\n");
}

}  // namespace
}  // namespace homesec
