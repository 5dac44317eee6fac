// homesecctl walk-test: starts a walk test through homesecd (a WALK_TEST command with the master
// PIN), prints what homesecd publishes on <prefix>/walk_test while it runs (each zone seen
// opened, closed, tampered), and ends with the report when the test ends: by its own time,
// or on Ctrl-C, which sends WALK_TEST_STOP and waits for the report. `--stop` ends a walk test
// left running (another terminal, a homesecctl that was killed) and prints its report.
#include <chrono>
#include <iostream>
#include <vector>

#include "rules/json_limits.hpp"
#include "tools/homesecctl/ctl.hpp"
#include "tools/homesecctl/format.hpp"
#include "tools/homesecctl/mqtt_session.hpp"
#include "tools/homesecctl/protocol.hpp"

namespace homesec::ctl {
namespace {

constexpr std::chrono::seconds kAnswerTimeout{10};
// After the test should have ended: homesecd's own deadline ends it, so a report that has not
// come by then means homesecd went away.
constexpr std::chrono::seconds kEndGrace{15};

}  // namespace

int RunWalkTest(const CtlArgs& args, const AppConfig& config) {
  std::string error;
  // A master PIN: a walk test takes the zones under test out of protection.
  const std::optional<std::string> code =
      ReadPin("master PIN: ", args.pin_stdin, /*confirm=*/false, &error);
  if (!code) {
    std::cerr << "homesecctl: " << error << "\n";
    return kExitUsage;
  }
  const std::string& prefix = config.local_mqtt.topic_prefix;
  const std::string walk_topic = prefix + "/walk_test";
  MqttSession session(config.local_mqtt.broker);
  const std::string request_id = "homesecctl-" + RandomHex();
  std::optional<CommandResult> result;
  std::optional<CommandResult> stop_result;
  std::string stop_id;
  // homesecd publishes "started" (or "ended" for a stop) just before the command's result:
  // kept until the result says whether they are ours.
  std::vector<nlohmann::json> early;
  std::optional<nlohmann::json> report;
  const auto show = [&](const nlohmann::json& message) {
    if (args.json) {
      std::cout << message.dump() << "\n" << std::flush;
    } else {
      std::cout << FormatWalkTestMessage(message) << std::flush;
    }
    if (StringField(message, "type") == "ended") report = message;
  };
  session.OnMessage([&](const std::string& topic, std::string_view payload) {
    if (topic == walk_topic) {
      std::string ignored;
      const auto message = ParseJsonWithin(payload, JsonLimits{256 * 1024, 8}, &ignored);
      if (!message || !message->is_object()) return;
      if (!result) {
        if (early.size() < 16) early.push_back(*message);
        return;
      }
      if (result->accepted) show(*message);
      return;
    }
    if (!result) result = ParseCommandReply(payload, request_id);
    if (!stop_id.empty() && !stop_result) stop_result = ParseCommandReply(payload, stop_id);
  });
  const auto deadline = MqttSession::Clock::now() + kAnswerTimeout;
  if (!session.Connect(deadline, &error) ||
      !session.Subscribe({prefix + "/command/result", walk_topic}, deadline, &error)) {
    return Unreachable(error);
  }
  const std::string command_topic = CommandTopic(config, session);
  const auto send = [&](bool stop, const std::string& id) {
    return session.Publish(command_topic,
                           Stamped(MakeWalkTestRequest(args, *code, stop, id)).dump(),
                           MqttSession::Clock::now() + kAnswerTimeout, &error);
  };
  CatchInterrupts();
  if (!send(args.walk_stop, request_id)) return Unreachable(error);
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
  for (const nlohmann::json& message : early) show(message);
  if (args.walk_stop) {
    // No report: nothing was running.
    return report && !WalkTestPassed(*report) ? kExitRefused : kExitOk;
  }
  const auto test_end =
      MqttSession::Clock::now() + std::chrono::seconds(args.walk_seconds) + kEndGrace;
  bool stopping = false;
  while (!report) {
    if (Interrupted() && !stopping) {
      stopping = true;
      stop_id = "homesecctl-" + RandomHex();
      if (!args.json) std::cout << "ending the walk test...\n" << std::flush;
      if (!send(true, stop_id)) return Unreachable(error);
    }
    const auto until = stopping ? MqttSession::Clock::now() + kAnswerTimeout : test_end;
    error.clear();
    const bool done = session.RunUntil(
        [&] {
          return report.has_value() || (Interrupted() && !stopping) ||
                 (stop_result && !stop_result->accepted);
        },
        until, &error);
    if (stop_result && !stop_result->accepted) {
      std::cerr << FormatCommandResult(*stop_result);
      return kExitRefused;
    }
    // WALK_TEST_STOP answered but no report: the test had ended already.
    if (!done && stopping && stop_result) break;
    if (!done) {
      return Unreachable(
          error.empty() ? "homesecd sent no end of the walk test on " + session.Where() : error);
    }
  }
  return report && WalkTestPassed(*report) ? kExitOk : kExitRefused;
}

}  // namespace homesec::ctl
