// Fuzz target bodies: homesecctl's parsers. The replies and retained status messages it reads
// from the local broker (ParseCommandReply, ApplyStatusMessage) and its command line
// (ParseCtlArgs), each followed by what homesecctl prints or publishes from the result.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/config.hpp"
#include "tests/fuzz/fuzz_hub.hpp"
#include "tests/fuzz/fuzz_targets.hpp"
#include "tools/homesecctl/args.hpp"
#include "tools/homesecctl/event_feed.hpp"
#include "tools/homesecctl/format.hpp"
#include "tools/homesecctl/protocol.hpp"

namespace homesec::fuzz {
namespace {

const AppConfig& CtlConfig() {
  static const AppConfig config = [] {
    AppConfig app;
    app.hub.id = std::string(kHubId);
    app.panel = FuzzPanelConfig();
    return app;
  }();
  return config;
}

}  // namespace

void FuzzCtlProtocol(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = AsText(data, size);
  // The whole input as a reply on .../command/result to the request homesecctl sent.
  if (const std::optional<CommandResult> reply = ParseCommandReply(text, "ctl-req-1")) {
    Require(reply->request_id == "ctl-req-1", "a reply is ours");
    Consume(FormatCommandResult(*reply));
  }
  // "<topic>\n<payload>" as one retained status message, folded into `homesecctl status`.
  const auto [topic, payload] = SplitAtNewline(text);
  const std::string prefix = "homesec/" + std::string(kHubId);
  PanelStatus status = InitialStatus(CtlConfig());
  ApplyStatusMessage(prefix, std::string(topic), payload, status);
  ApplyStatusMessage(prefix, prefix + "/state", payload, status);
  ApplyStatusMessage(prefix, prefix + "/zone/front_door", payload, status);
  ApplyStatusMessage(prefix, prefix + "/panel", payload, status);  // its alarm memory
  Consume(FormatStatus(status));
  Consume(StatusToJson(status).dump(2));  // homesecctl status --json
  // The payload as a <prefix>/walk_test message homesecctl walk-test prints.
  const nlohmann::json walk = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  Consume(FormatWalkTestMessage(walk));
  Consume(WalkTestPassed(walk) ? "pass" : "fail");
}

void FuzzCtlArgs(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> argv;
  std::string_view rest = AsText(data, size);
  while (!rest.empty()) {
    const auto [arg, after] = SplitAtNewline(rest);
    argv.emplace_back(arg);
    if (arg.size() == rest.size()) break;
    rest = after;
  }
  const CtlParseResult parsed = ParseCtlArgs(argv);
  Require(parsed.args.has_value() == parsed.error.empty(), "arguments parse or say why not");
  if (!parsed.args) return;
  const CtlArgs& args = *parsed.args;
  Consume(MakeCommandRequest(args.arm_action, std::string("1234"), args.force, "ctl-req-1").dump());
  Consume(MakeWatchRequest(args, "1234", args.keyholder.empty() ? "" : "5555", "ctl-req-2").dump());
  if (args.command == CtlCommand::kBypass || args.command == CtlCommand::kUnbypass) {
    Consume(MakeBypassRequest(args, std::string("1234"), "ctl-req-3").dump());
  }
  if (args.command == CtlCommand::kWalkTest) {
    Consume(MakeWalkTestRequest(args, "1234", args.walk_stop, "ctl-req-4").dump());
  }
  if (args.command == CtlCommand::kTroubles && args.ack) {
    Consume(MakeTroubleAckRequest(args, "1234", "ctl-req-4").dump());
  }
  if (args.command == CtlCommand::kEvents) {
    // The filter as homesecctl builds it, applied to an event (a relative --since from "now").
    const EventFilter filter = FilterFor(args, WallTime{} + std::chrono::hours(500000));
    Event event;
    event.type = args.event_types.empty() ? "burglary" : args.event_types.front();
    event.zone = args.event_zone;
    Consume(Matches(event, filter) ? "match" : "no match");
  }
}

}  // namespace homesec::fuzz
