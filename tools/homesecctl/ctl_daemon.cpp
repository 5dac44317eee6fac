// homesecctl commands that go through homesecd over the local MQTT interface: status (the
// retained state, availability and zone topics), arm/disarm and bypass/unbypass (a command with
// a request id, answered on .../command/result). See docs/protocol.md for the topics.
#include <algorithm>
#include <chrono>
#include <iostream>

#include "tools/homesecctl/ctl.hpp"
#include "tools/homesecctl/format.hpp"
#include "tools/homesecctl/mqtt_session.hpp"
#include "tools/homesecctl/protocol.hpp"

namespace homesec::ctl {
namespace {

// The daemon answers a command within milliseconds; 10 s means it is not there.
constexpr std::chrono::seconds kAnswerTimeout{10};

}  // namespace

int Unreachable(const std::string& message) {
  std::cerr << "homesecctl: " << message << "\n";
  return kExitUnreachable;
}

int NoAnswer(const MqttSession& session, const std::string& error) {
  return Unreachable(error.empty() ? "homesecd did not answer on " + session.Where() +
                                         " within 10 s — is it running?"
                                   : error);
}

int ReadRetained(
    const AppConfig& config, const std::vector<std::string>& topics,
    const std::function<void(const std::string& topic, std::string_view payload)>& on_message,
    std::string* where) {
  const auto deadline = MqttSession::Clock::now() + kAnswerTimeout;
  MqttSession session(config.local_mqtt.broker);
  if (where != nullptr) *where = session.Where();
  // The broker sends retained messages in order after a subscription; a message we publish to
  // ourselves after the SUBACK arrives behind them, so it marks "all retained state received".
  const std::string sync_topic = "homesecctl/" + RandomHex() + "/sync";
  bool synced = false;
  session.OnMessage([&](const std::string& topic, std::string_view payload) {
    if (topic == sync_topic) {
      synced = true;
    } else {
      on_message(topic, payload);
    }
  });
  std::vector<std::string> subscriptions = topics;
  subscriptions.push_back(sync_topic);
  std::string error;
  if (!session.Connect(deadline, &error) || !session.Subscribe(subscriptions, deadline, &error) ||
      !session.Publish(sync_topic, "", deadline, &error) ||
      !session.RunUntil([&] { return synced; }, deadline, &error)) {
    return Unreachable(error.empty() ? "the local broker at " + session.Where() +
                                           " did not answer within 10 s"
                                     : error);
  }
  return kExitOk;
}

int RunStatus(const CtlArgs& args, const AppConfig& config) {
  const std::string& prefix = config.local_mqtt.topic_prefix;
  PanelStatus status = InitialStatus(config);
  std::string where;
  const int read = ReadRetained(
      config,
      {prefix + "/state", prefix + "/availability", prefix + "/zone/+", prefix + "/device/+",
       prefix + "/hub", prefix + "/panel"},
      [&](const std::string& topic, std::string_view payload) {
        ApplyStatusMessage(prefix, topic, payload, status);
      },
      &where);
  if (read != kExitOk) return read;
  if (args.json) {
    std::cout << StatusToJson(status).dump(2) << "\n";
  } else if (args.command == CtlCommand::kZones) {
    std::cout << FormatZones(status);
  } else if (args.command == CtlCommand::kDevices) {
    std::cout << FormatDevices(status);
  } else if (args.command == CtlCommand::kTroubles) {
    std::cout << FormatTroubles(
        status, std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()),
        config.panel.watch.time_zone);
  } else {
    std::cout << FormatStatus(status);
  }
  if (status.availability != "online") {
    return Unreachable("homesecd is not online on " + where +
                       (status.state ? " (the state shown is the last it published)" : "") +
                       " — is it running?");
  }
  return kExitOk;
}

namespace {

// The PIN when the command needs one (or when one is piped in anyway); false after saying why
// it could not be read.
bool PinIfAsked(bool needed, const CtlArgs& args, std::optional<std::string>& code) {
  if (!needed && !args.pin_stdin) return true;
  std::string error;
  code = ReadPin("PIN: ", args.pin_stdin, /*confirm=*/false, &error);
  if (!code) std::cerr << "homesecctl: " << error << "\n";
  return code.has_value();
}

}  // namespace

int RunArmOrDisarm(const CtlArgs& args, const AppConfig& config) {
  const CommandAction action =
      args.command == CtlCommand::kDisarm ? CommandAction::kDisarm : args.arm_action;
  // Disarming always needs a PIN; arming only when the installation says so (or when a PIN is
  // being piped in anyway).
  std::optional<std::string> code;
  if (!PinIfAsked(action == CommandAction::kDisarm || config.panel.codes.code_required_to_arm, args,
                  code)) {
    return kExitUsage;
  }
  return SendCommand(args, config, [&](const std::string& request_id) {
    return MakeCommandRequest(action, code, args.force, request_id);
  });
}

int RunBypass(const CtlArgs& args, const AppConfig& config) {
  // As for arming: the PIN when the installation asks for one, or when one is piped in anyway.
  std::optional<std::string> code;
  if (!PinIfAsked(config.panel.codes.code_required_to_bypass, args, code)) return kExitUsage;
  return SendCommand(args, config, [&](const std::string& request_id) {
    return MakeBypassRequest(args, code, request_id);
  });
}

int RunMemory(const CtlArgs& args, const AppConfig& config) {
  if (args.memory_clear) {
    std::optional<std::string> code;
    if (!PinIfAsked(/*needed=*/true, args, code)) return kExitUsage;
    return SendCommand(args, config, [&](const std::string& request_id) {
      return MakeCommandRequest(CommandAction::kMemoryClear, code, false, request_id);
    });
  }
  const std::string& prefix = config.local_mqtt.topic_prefix;
  PanelStatus status = InitialStatus(config);
  std::string where;
  const int read = ReadRetained(
      config, {prefix + "/panel", prefix + "/availability"},
      [&](const std::string& topic, std::string_view payload) {
        ApplyStatusMessage(prefix, topic, payload, status);
      },
      &where);
  if (read != kExitOk) return read;
  if (args.json) {
    std::cout << (status.panel_published ? AlarmMemoryJson(status.alarm_memory) : nlohmann::json())
                     .dump(2)
              << "\n";
  } else if (!status.panel_published) {
    std::cout << "alarm memory unknown: homesecd has not published the panel's attributes\n";
  } else if (status.alarm_memory.empty()) {
    std::cout << "alarm memory: empty\n";
  } else {
    std::cout << "alarm memory: " << status.alarm_memory.size()
              << (status.alarm_memory.size() == 1 ? " zone alarmed" : " zones alarmed")
              << " since the panel was last armed (clear it with: homesecctl memory --clear)\n"
              << FormatAlarmMemory(status.alarm_memory);
  }
  if (status.availability != "online") {
    return Unreachable("homesecd is not online on " + where + " — is it running?");
  }
  return kExitOk;
}

int RunTroubleAck(const CtlArgs& args, const AppConfig& config) {
  // Any user's code, as at a keypad's trouble view.
  std::optional<std::string> code;
  if (!PinIfAsked(true, args, code)) return kExitUsage;
  return SendCommand(args, config, [&](const std::string& request_id) {
    return MakeTroubleAckRequest(args, *code, request_id);
  });
}

std::string CommandTopic(const AppConfig& config, const MqttSession& session) {
  // Its account's own command topic when the config lists it (the broker lets only this
  // account write there, so Home Assistant's wrong codes never lock homesecctl out).
  const std::vector<std::string>& accounts = config.local_mqtt.command_accounts;
  const bool own_topic =
      std::find(accounts.begin(), accounts.end(), session.username()) != accounts.end();
  return config.local_mqtt.topic_prefix + "/command" + (own_topic ? "/" + session.username() : "");
}

nlohmann::json Stamped(nlohmann::json body) {
  // homesecd refuses a command whose time is minutes off, so a captured one cannot be replayed
  // later even if its request id has been forgotten.
  body["time"] =
      FormatRfc3339(std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()));
  return body;
}

int SendCommand(const CtlArgs& args, const AppConfig& config,
                const std::function<nlohmann::json(const std::string& request_id)>& request) {
  const std::string& prefix = config.local_mqtt.topic_prefix;
  const std::string request_id = NewRequestId();
  const auto deadline = MqttSession::Clock::now() + kAnswerTimeout;
  MqttSession session(config.local_mqtt.broker);
  std::optional<CommandResult> result;
  session.OnMessage([&](const std::string&, std::string_view payload) {
    if (!result) result = ParseCommandReply(payload, request_id);
  });
  std::string error;
  if (!session.Connect(deadline, &error) ||
      !session.Subscribe({prefix + "/command/result"}, deadline, &error)) {
    return Unreachable(error);
  }
  if (!session.Publish(CommandTopic(config, session), Stamped(request(request_id)).dump(), deadline,
                       &error)) {
    return Unreachable(error);
  }
  if (!session.RunUntil([&] { return result.has_value(); }, deadline, &error)) {
    return NoAnswer(session, error);
  }
  if (args.json) {
    nlohmann::json out{{"request_id", result->request_id}, {"accepted", result->accepted},
                       {"reason", result->reason},         {"message", result->message},
                       {"open_zones", result->open_zones}, {"user", result->user}};
    if (!result->watch_id.empty()) out["watch_id"] = result->watch_id;
    if (!result->alarm_memory.empty()) out["alarm_memory"] = AlarmMemoryJson(result->alarm_memory);
    std::cout << out.dump(2) << "\n";
  } else {
    (result->accepted ? std::cout : std::cerr) << FormatCommandResult(*result);
  }
  return result->accepted ? kExitOk : kExitRefused;
}

}  // namespace homesec::ctl
