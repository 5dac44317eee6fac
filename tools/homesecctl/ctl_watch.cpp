// homesecctl watch: the vacant-house watch through homesecd over the local MQTT interface.
// start / extend / cancel publish a WATCH_* command with the resident's PIN (and the keyholder's
// PIN for start) and wait for its result; show reads the retained <topic_prefix>/watch.
#include <chrono>
#include <iostream>

#include "daemon/ctl_format.hpp"
#include "daemon/ctl_protocol.hpp"
#include "tools/homesecctl/ctl.hpp"
#include "tools/homesecctl/mqtt_session.hpp"

namespace homesec::ctl {
namespace {

// The daemon answers within milliseconds (a keyholder PIN hash takes a few); 10 s means it is
// not there.
constexpr std::chrono::seconds kAnswerTimeout{10};

int Unreachable(const std::string& message) {
  std::cerr << "homesecctl: " << message << "\n";
  return kExitUnreachable;
}

}  // namespace

int RunWatchCommand(const CtlArgs& args, const AppConfig& config) {
  std::string error;
  const std::optional<std::string> code = ReadPin("Your PIN: ", args.pin_stdin, false, &error);
  if (!code) {
    std::cerr << "homesecctl: " << error << "\n";
    return kExitUsage;
  }
  std::string keyholder_pin;
  if (args.command == CtlCommand::kWatchStart && !args.keyholder.empty()) {
    const std::optional<std::string> pin =
        ReadPin("PIN for keyholder " + args.keyholder + ": ", args.pin_stdin, true, &error);
    if (!pin) {
      std::cerr << "homesecctl: keyholder PIN: " << error << "\n";
      return kExitUsage;
    }
    keyholder_pin = *pin;
  }

  return SendCommand(args, config, [&](const std::string& request_id) {
    return MakeWatchRequest(args, *code, keyholder_pin, request_id);
  });
}

int RunWatchShow(const CtlArgs& args, const AppConfig& config) {
  const std::string topic = config.local_mqtt.topic_prefix + "/watch";
  const auto deadline = MqttSession::Clock::now() + kAnswerTimeout;
  MqttSession session(config.local_mqtt.broker);
  // As in `status`: our own message on a private topic arrives after the retained ones.
  const std::string sync_topic = "homesecctl/" + RandomHex() + "/sync";
  bool synced = false;
  nlohmann::json registration;  // null: no watch retained
  session.OnMessage([&](const std::string& from, std::string_view payload) {
    if (from == sync_topic) {
      synced = true;
    } else if (from == topic) {
      registration = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
      if (!registration.is_object()) registration = nullptr;
    }
  });
  std::string error;
  if (!session.Connect(deadline, &error) ||
      !session.Subscribe({topic, sync_topic}, deadline, &error) ||
      !session.Publish(sync_topic, "", deadline, &error) ||
      !session.RunUntil([&] { return synced; }, deadline, &error)) {
    return Unreachable(error.empty() ? "the local broker at " + session.Where() +
                                           " did not answer within 10 s"
                                     : error);
  }
  if (args.json) {
    std::cout << registration.dump(2) << "\n";
  } else {
    std::cout << FormatWatch(registration);
  }
  return kExitOk;
}

}  // namespace homesec::ctl
