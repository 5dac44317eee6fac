// Fuzz target bodies: commands from outside. The local command topic (ParseLocalCommand), the
// uplink's ack and command topics (ParseWatchAck, ParsePlatformAck, ParsePlatformCommand), and
// what the shell does with each parsed result (panel, command/result, dispatch payloads).
#include <string>

#include <nlohmann/json.hpp>

#include "daemon/local_command.hpp"
#include "daemon/uplink.hpp"
#include "rules/json_limits.hpp"
#include "rules/text.hpp"
#include "rules/time.hpp"
#include "tests/fuzz/fuzz_hub.hpp"
#include "tests/fuzz/fuzz_targets.hpp"

namespace homesec::fuzz {

void FuzzLocalCommand(const std::uint8_t* data, std::size_t size) {
  const std::string_view payload = AsText(data, size);
  // A retained command is always refused; the refusal is published all the same.
  const LocalCommandParse replay = ParseLocalCommand(payload, /*retained=*/true);
  Require(replay.refusal.has_value() && !replay.command, "a retained command is refused");
  Consume(DumpJson(CommandResultToJson(*replay.refusal)));

  const LocalCommandParse parsed = ParseLocalCommand(payload, /*retained=*/false);
  Require(parsed.command.has_value() != parsed.refusal.has_value(),
          "a command is either parsed or refused");
  if (parsed.refusal) {
    Require(!parsed.refusal->accepted, "a refusal is not accepted");
    // LocalInterface::PublishResult, through the same checks as every other result.
    FuzzHub hub;
    hub.Publish({*parsed.refusal});
    return;
  }
  // LocalInterface::HandleCommand: the replay guard (request id once, "time" inside its window)
  // before the panel.
  const Command& command = *parsed.command;
  const WallTime now = FuzzNow().wall;
  ReplayGuard guard("", now);
  FuzzHub hub;
  if (const std::string replay = guard.Check(command.request_id, parsed.sent, now);
      !replay.empty()) {
    CommandResult result;
    result.request_id = command.request_id;
    result.source = command.source;
    result.action = command.action;
    result.reason = "invalid_request";
    result.message = replay;
    hub.Publish({result});
    return;
  }
  if (!command.request_id.empty()) {
    Require(!guard.Check(command.request_id, parsed.sent, now).empty(),
            "a request id is accepted once");
  }
  hub.Handle(command);
  hub.Advance(Millis(45000));  // exit delays end
}

void FuzzUplinkAck(const std::uint8_t* data, std::size_t size) {
  const std::string payload(AsText(data, size));
  std::string error;
  // The watch's acknowledgement shares the topic; its "watch_id" tells it apart.
  if (const std::optional<WatchAck> watch_ack = ParseWatchAck(payload, &error)) {
    Require(error.empty(), "a parsed watch ack has no error");
    Consume("platform: watch " + watch_ack->watch_id + " " + watch_ack->status);
    FuzzHub hub;
    hub.Handle(*watch_ack);
    return;
  }
  if (!error.empty()) {
    Consume("malformed watch ack ignored: " + error);
    return;
  }
  const std::optional<PlatformAck> ack = ParsePlatformAck(payload, std::string(kHubId), &error);
  if (!ack) {
    Require(!error.empty(), "a rejected ack says why");
    Consume("malformed ack ignored: " + error);
    return;
  }
  Require(ack->id == std::string(kHubId) + ":" + std::to_string(ack->seq),
          "an ack id is <hub>:<seq>");
  // LocalInterface::PublishDispatch: on the local event and dispatch topics.
  const nlohmann::json dispatch{{"type", "dispatch"},
                                {"id", ack->id},
                                {"status", ack->status},
                                {"note", ack->note},
                                {"time", FormatRfc3339(FuzzNow().wall)}};
  Consume(DumpJson(dispatch));
}

void FuzzUplinkCommand(const std::uint8_t* data, std::size_t size) {
  const std::string payload(AsText(data, size));
  std::string error;
  const std::optional<PlatformCommand> command = ParsePlatformCommand(payload, &error);
  if (!command) {
    Require(!error.empty() && IsValidUtf8(error), "a refused platform command says why, printably");
    Consume("platform command ignored: " + error);
    return;
  }
  // Uplink::HandleCommand: siren silence and patrol check-in go to the panel.
  switch (command->kind) {
    case PlatformCommand::Kind::kStatusRequest:
      break;
    case PlatformCommand::Kind::kSilenceSiren:
    case PlatformCommand::Kind::kPatrolCheckIn: {
      Require(command->command.source == "platform", "platform commands come from the platform");
      FuzzHub hub;
      hub.Handle(command->command);
      break;
    }
    case PlatformCommand::Kind::kNote:
      Consume("platform note: " + PrintableText(command->text, 500));
      break;
  }
}

}  // namespace homesec::fuzz
