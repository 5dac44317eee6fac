// The windowed commands' shared session (command_window.hpp): one MQTT session subscribed to the
// command results and the window's topic, the start command, the messages, Ctrl-C's stop.
#include "tools/homesecctl/command_window.hpp"

#include <iostream>
#include <optional>
#include <vector>

#include "rules/json_limits.hpp"
#include "tools/homesecctl/ctl.hpp"
#include "tools/homesecctl/format.hpp"
#include "tools/homesecctl/mqtt_session.hpp"
#include "tools/homesecctl/protocol.hpp"

namespace homesec::ctl {
namespace {

constexpr std::chrono::seconds kAnswerTimeout{10};
// After the window should have ended: homesecd's own timer ends it, so a last message that has
// not come by then means homesecd went away.
constexpr std::chrono::seconds kEndGrace{15};
constexpr std::size_t kMaxEarlyMessages = 16;

}  // namespace

int RunCommandWindow(const CtlArgs& args, const AppConfig& config, const CommandWindow& window) {
  std::string error;
  // A master PIN, always: both take zones or the network out of their normal state.
  const std::optional<std::string> code =
      ReadPin("master PIN: ", args.pin_stdin, /*confirm=*/false, &error);
  if (!code) {
    std::cerr << "homesecctl: " << error << "\n";
    return kExitUsage;
  }
  const std::string& prefix = config.local_mqtt.topic_prefix;
  MqttSession session(config.local_mqtt.broker);
  const std::string request_id = NewRequestId();
  std::optional<CommandResult> result;
  std::optional<CommandResult> stop_result;
  std::string stop_id;
  std::vector<nlohmann::json> early;
  bool ended = false;
  session.OnMessage([&](const std::string& topic, std::string_view payload) {
    if (topic == window.topic) {
      std::string ignored;
      const auto message =
          ParseJsonWithin(payload, JsonLimits{window.max_message_bytes, 8}, &ignored);
      if (!message || !message->is_object()) return;
      if (!result) {
        if (window.keep_early && early.size() < kMaxEarlyMessages) early.push_back(*message);
        return;
      }
      if (result->accepted && !ended) ended = window.show(*message);
      return;
    }
    if (!result) result = ParseCommandReply(payload, request_id);
    if (!stop_id.empty() && !stop_result) stop_result = ParseCommandReply(payload, stop_id);
  });
  const auto deadline = MqttSession::Clock::now() + kAnswerTimeout;
  if (!session.Connect(deadline, &error) ||
      !session.Subscribe({prefix + "/command/result", window.topic}, deadline, &error)) {
    return Unreachable(error);
  }
  const std::string command_topic = CommandTopic(config, session);
  const auto send = [&](bool stop, const std::string& id) {
    return session.Publish(command_topic, Stamped(window.request(*code, stop, id)).dump(),
                           MqttSession::Clock::now() + kAnswerTimeout, &error);
  };
  CatchInterrupts();
  if (!send(window.stop_only, request_id)) return Unreachable(error);
  if (!session.RunUntil([&] { return result.has_value(); },
                        MqttSession::Clock::now() + kAnswerTimeout, &error)) {
    return NoAnswer(session, error);
  }
  if (!result->accepted) {
    std::cerr << FormatCommandResult(*result);
    return kExitRefused;
  }
  if (!args.json) std::cout << FormatCommandResult(*result) << std::flush;
  for (const nlohmann::json& message : early) {
    if (!ended) ended = window.show(message);
  }
  if (window.stop_only) return kExitOk;
  const auto window_end = MqttSession::Clock::now() + window.length + kEndGrace;
  bool stopping = false;
  while (!ended) {
    if (Interrupted() && !stopping) {
      stopping = true;
      stop_id = NewRequestId();
      if (!args.json) std::cout << window.stopping_note << std::flush;
      if (!send(true, stop_id)) return Unreachable(error);
    }
    const auto until = stopping ? MqttSession::Clock::now() + kAnswerTimeout : window_end;
    error.clear();
    const bool done = session.RunUntil(
        [&] {
          return ended || (Interrupted() && !stopping) || (stop_result && !stop_result->accepted);
        },
        until, &error);
    if (stop_result && !stop_result->accepted) {
      std::cerr << FormatCommandResult(*stop_result);
      return kExitRefused;
    }
    // The stop answered but no last message: the window had ended already.
    if (!done && stopping && stop_result) break;
    if (!done) {
      return Unreachable(error.empty() ? "homesecd sent " + window.no_end + " on " + session.Where()
                                       : error);
    }
  }
  return kExitOk;
}

}  // namespace homesec::ctl
