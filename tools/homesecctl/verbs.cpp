// homesecctl's verbs and their options, as data: args.cpp builds the CLI11 command line (and so
// every --help) from this table, and CtlVerbs / CtlVerbOptions list it for shell completion.
#include "tools/homesecctl/verbs.hpp"

namespace homesec {
namespace {

const CtlOptionSpec kPinStdin{"--pin-stdin", nullptr,
                              "read the PIN as one line from stdin instead of the terminal"};

const std::vector<CtlOptionSpec> kGlobalOptions{
    {"--config", "PATH", "the homesecd config (default /etc/homesec/homesec.json)"},
    {"--json", nullptr, "machine-readable output"},
};

// The order of the verb list in --help and in "unknown command" (user and watch group their
// subcommands).
const std::vector<CtlVerbSpec> kVerbs{
    {.path = "status",
     .command = CtlCommand::kStatus,
     .help = "the panel's state, troubles and every zone (from homesecd)"},
    {.path = "zones",
     .command = CtlCommand::kZones,
     .help = "every zone: type, device, state in words, flags"},
    {.path = "devices",
     .command = CtlCommand::kDevices,
     .help = "every device: model, online, battery, link, last seen, zones fed"},
    {.path = "troubles",
     .command = CtlCommand::kTroubles,
     .help = "the active troubles, since when, whether acknowledged",
     .options = {{"--ack", nullptr, "acknowledge the active troubles with your PIN"},
                 {"--trouble", "ID",
                  "with --ack: only this one, as troubles shows it (battery_low:hall)"},
                 kPinStdin},
     .footer = "Also shows the Zigbee bridge and the platform link."},
    {.path = "arm",
     .command = CtlCommand::kArm,
     .operands = "MODE",
     .operands_help = "home, night, away or vacation",
     .help = "arm the panel",
     .options = {{"--force", nullptr, "bypass the zones that are open"}, kPinStdin}},
    {.path = "disarm",
     .command = CtlCommand::kDisarm,
     .help = "disarm the panel",
     .options = {kPinStdin}},
    {.path = "bypass",
     .command = CtlCommand::kBypass,
     .operands = "ZONE",
     .operands_help = "the zone's id, as in the config",
     .help = "leave a zone out while disarmed (not a 24-hour or lock zone)",
     .options = {{"--until-disarm", nullptr, "until the next disarm, not until unbypassed"},
                 kPinStdin},
     .footer = "Not fire, gas, water, tamper, panic or lock zones: those always watch."},
    {.path = "unbypass",
     .command = CtlCommand::kUnbypass,
     .operands = "ZONE",
     .operands_help = "the zone's id, as in the config",
     .help = "end a zone's bypass",
     .options = {kPinStdin}},
    {.path = "pair",
     .command = CtlCommand::kPair,
     .help = "let new Zigbee devices join (master PIN, disarmed only)",
     .options = {{"--seconds", "N", "how long it stays open (default 120, at most 254)"},
                 {"--device", "NAME", "the friendly name of the device expected to join"},
                 kPinStdin},
     .footer = "Shows what joins and whether a zone uses it; Ctrl-C closes the network early."},
    {.path = "walk-test",
     .command = CtlCommand::kWalkTest,
     .help = "test the zones without alarms (master PIN, disarmed only)",
     .options = {{"--zones", "Z1,Z2",
                  "the zones to test (default: all but fire, gas, water and panic)"},
                 {"--minutes", "N", "how long (default 15, at most 240)"},
                 {"--seconds", "N", "how long, in seconds (at most 14400)"},
                 {"--stop", nullptr, "end the walk test running now and print its report"},
                 kPinStdin},
     .footer =
         "Shows live which zones were seen open, closed and tampered, and at the end those never\n"
         "seen or seen one way only (exit status 1). Ends after the time given or on Ctrl-C."},
    {.path = "memory",
     .command = CtlCommand::kMemory,
     .help = "the alarm memory: what alarmed while armed",
     .options = {{"--clear", nullptr, "acknowledge it (arming clears it too)"}, kPinStdin}},
    {.path = "events",
     .command = CtlCommand::kEvents,
     .help = "the event log, newest last, with the platform's dispatch statuses",
     .options = {{"--last", "N", "the newest N matches (default 20; with --since all since then)"},
                 {"--type", "TYPE,...", "event types (docs/events.md) or categories; repeatable"},
                 {"--zone", "ZONE", "only the events of this zone"},
                 {"--since", "TIME", "since an RFC 3339 time, or an age such as 30m, 2h or 1d"},
                 {"--follow", nullptr, "then print new events live until Ctrl-C"}},
     .footer = "Filters combine with AND. With --json: one JSON object per line. Alarms show the\n"
               "platform's dispatch statuses under them."},
    {.path = "explain",
     .command = CtlCommand::kExplain,
     .operands = "EVENT",
     .operands_help = "its SEQ, as events shows it",
     .help = "why an event happened: the input journal replayed up to it",
     .footer = "Prints the chain: mode, who armed, the readings, the delays, the rules applied."},
    {.path = "dry-run",
     .command = CtlCommand::kDryRun,
     .help = "what --config NEW.json would have done differently",
     .options = {{"--since", "TIME",
                  "replay from the first checkpoint at or after this RFC 3339 time"}},
     .footer =
         "Replays the recorded inputs through NEW.json (alarms, delays, zone types, bypasses)\n"
         "before you reload homesecd with it."},
    {.path = "user add",
     .command = CtlCommand::kUserAdd,
     .operands = "NAME",
     .operands_help = "letters, digits, '.', '_' and '-', at most 32",
     .help = "add a user; asks for the new PIN",
     .options = {{"--role", "ROLE", "master, user, arm_only, keyholder or duress (required)"},
                 {"--replace", nullptr, "replace the user of that name"},
                 {"--from", "TIME", "a keyholder's PIN is valid from (RFC 3339)"},
                 {"--until", "TIME", "a keyholder's PIN is valid until (RFC 3339)"},
                 kPinStdin}},
    {.path = "user list", .command = CtlCommand::kUserList, .help = "users and roles (never PINs)"},
    {.path = "user remove",
     .command = CtlCommand::kUserRemove,
     .operands = "NAME",
     .operands_help = "the user's name",
     .help = "remove a user"},
    {.path = "watch start",
     .command = CtlCommand::kWatchStart,
     .help = "register a vacant-house watch (a trip)",
     .options = {{"--return", "TIME", "the expected return, RFC 3339 (required)"},
                 {"--depart", "TIME", "the departure, RFC 3339 or now (default now)"},
                 {"--phone", "PHONE", "the number the patrol calls (required)"},
                 {"--notes", "TEXT", "notes for the patrol"},
                 {"--keyholder", "NAME", "the user who looks after the house"},
                 {"--keyholder-from", "TIME", "the keyholder's visits start (RFC 3339)"},
                 {"--keyholder-until", "TIME", "the keyholder's visits end (RFC 3339)"},
                 {"--keyholder-hours", "HH:MM-HH:MM",
                  "the hours of the day the keyholder may visit"},
                 {"--rearm-after", "SECONDS", "re-arm that long after the keyholder disarms"},
                 {"--pin-stdin", nullptr, "read the PINs from stdin, one line each"}},
     .footer = "Asks for your PIN, then the keyholder's (with --pin-stdin: a line each)."},
    {.path = "watch show",
     .command = CtlCommand::kWatchShow,
     .help = "the watch, its state and the platform's confirmation"},
    {.path = "watch extend",
     .command = CtlCommand::kWatchExtend,
     .help = "move the expected return",
     .options = {{"--return", "TIME", "the new expected return, RFC 3339 (required)"}, kPinStdin}},
    {.path = "watch cancel",
     .command = CtlCommand::kWatchCancel,
     .help = "end the watch without disarming",
     .options = {kPinStdin}},
};

}  // namespace

const std::vector<CtlVerbSpec>& CtlVerbSpecs() {
  return kVerbs;
}

const std::vector<CtlOptionSpec>& CtlGlobalOptions() {
  return kGlobalOptions;
}

const CtlOptionSpec* FindCtlOption(const std::string& name) {
  for (const CtlOptionSpec& option : kGlobalOptions) {
    if (name == option.name) return &option;
  }
  for (const CtlVerbSpec& verb : kVerbs) {
    for (const CtlOptionSpec& option : verb.options) {
      if (name == option.name) return &option;
    }
  }
  return nullptr;
}

std::vector<std::string> CtlVerbs() {
  std::vector<std::string> verbs;
  for (const CtlVerbSpec& verb : kVerbs) verbs.emplace_back(verb.path);
  verbs.emplace_back("help");
  return verbs;
}

std::vector<std::string> CtlVerbOptions(const std::string& verb) {
  std::vector<std::string> options{"--help"};
  for (const CtlOptionSpec& option : kGlobalOptions) options.emplace_back(option.name);
  for (const CtlVerbSpec& spec : kVerbs) {
    if (verb != spec.path) continue;
    for (const CtlOptionSpec& option : spec.options) options.emplace_back(option.name);
  }
  return options;
}

}  // namespace homesec
