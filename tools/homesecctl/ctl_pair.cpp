// homesecctl pair: opens the Zigbee network to joins through homesecd (a PAIR command with the
// master PIN; homesecd alone may write Zigbee2MQTT's bridge/request topics), prints what
// homesecd relays on <prefix>/pairing while it is open, and ends with its summary when the
// window closes. Ctrl-C sends PAIR_STOP and waits for the summary.
#include <algorithm>
#include <chrono>
#include <iostream>

#include "rules/json_limits.hpp"
#include "tools/homesecctl/ctl.hpp"
#include "tools/homesecctl/format.hpp"
#include "tools/homesecctl/mqtt_session.hpp"
#include "tools/homesecctl/protocol.hpp"

namespace homesec::ctl {
namespace {

constexpr std::chrono::seconds kAnswerTimeout{10};
// After the window should have closed: homesecd's own timer closes it, so a summary that has
// not come by then means homesecd went away.
constexpr std::chrono::seconds kCloseGrace{15};

}  // namespace

int RunPair(const CtlArgs& args, const AppConfig& config) {
  std::string error;
  // A master PIN, always: opening the network is an installer's action.
  const std::optional<std::string> code =
      ReadPin("master PIN: ", args.pin_stdin, /*confirm=*/false, &error);
  if (!code) {
    std::cerr << "homesecctl: " << error << "\n";
    return kExitUsage;
  }
  const std::string& prefix = config.local_mqtt.topic_prefix;
  const std::string pairing_topic = prefix + "/pairing";
  MqttSession session(config.local_mqtt.broker);
  std::string request_id = "homesecctl-" + RandomHex();
  std::optional<CommandResult> result;
  std::optional<CommandResult> stop_result;
  std::string stop_id;
  bool closed = false;
  nlohmann::json summary;
  session.OnMessage([&](const std::string& topic, std::string_view payload) {
    if (topic == pairing_topic) {
      std::string ignored;
      const auto message = ParseJsonWithin(payload, JsonLimits{64 * 1024, 8}, &ignored);
      if (!message || !message->is_object()) return;
      // Only once our own window is open: another installer's earlier window is not ours.
      if (!result || !result->accepted) return;
      const std::string line = FormatPairingMessage(*message);
      if (args.json) {
        std::cout << message->dump() << "\n" << std::flush;
      } else if (!line.empty()) {
        std::cout << line << std::flush;
      }
      const auto type = message->find("type");
      if (type != message->end() && *type == "closed") {
        closed = true;
        summary = *message;
      }
      return;
    }
    if (!result) result = ParseCommandReply(payload, request_id);
    if (!stop_id.empty() && !stop_result) stop_result = ParseCommandReply(payload, stop_id);
  });
  const auto deadline = MqttSession::Clock::now() + kAnswerTimeout;
  if (!session.Connect(deadline, &error) ||
      !session.Subscribe({prefix + "/command/result", pairing_topic}, deadline, &error)) {
    return Unreachable(error);
  }
  const std::string command_topic = CommandTopic(config, session);
  const auto send = [&](bool stop, const std::string& id) {
    return session.Publish(command_topic, Stamped(MakePairRequest(args, *code, stop, id)).dump(),
                           MqttSession::Clock::now() + kAnswerTimeout, &error);
  };
  CatchInterrupts();
  if (!send(false, request_id)) return Unreachable(error);
  if (!session.RunUntil([&] { return result.has_value(); },
                        MqttSession::Clock::now() + kAnswerTimeout, &error)) {
    return Unreachable(error.empty() ? "homesecd did not answer on " + session.Where() +
                                           " within 10 s — is it running?"
                                     : error);
  }
  if (!result->accepted) {
    std::cerr << FormatCommandResult(*result);
    return kExitRefused;
  }
  if (!args.json) std::cout << FormatCommandResult(*result) << std::flush;
  const auto window_end =
      MqttSession::Clock::now() + std::chrono::seconds(args.pair_seconds) + kCloseGrace;
  bool stopping = false;
  while (!closed) {
    if (Interrupted() && !stopping) {
      stopping = true;
      stop_id = "homesecctl-" + RandomHex();
      if (!args.json) std::cout << "closing the Zigbee network...\n" << std::flush;
      if (!send(true, stop_id)) return Unreachable(error);
    }
    const auto until = stopping ? MqttSession::Clock::now() + kAnswerTimeout : window_end;
    error.clear();
    const bool done = session.RunUntil(
        [&] {
          return closed || (Interrupted() && !stopping) || (stop_result && !stop_result->accepted);
        },
        until, &error);
    if (stop_result && !stop_result->accepted) {
      std::cerr << FormatCommandResult(*stop_result);
      return kExitRefused;
    }
    // PAIR_STOP answered but no summary: homesecd knew of no open window any more.
    if (!done && stopping && stop_result) break;
    if (!done) {
      return Unreachable(error.empty() ? "homesecd sent no end of pairing on " + session.Where()
                                       : error);
    }
  }
  // Zigbee2MQTT would not open the network: the pairing did not happen.
  if (summary.is_object() && summary.value("reason", std::string()) == "refused") {
    return kExitRefused;
  }
  return kExitOk;
}

}  // namespace homesec::ctl
