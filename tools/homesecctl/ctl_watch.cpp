// homesecctl watch: the vacant-house watch through homesecd over the local MQTT interface.
// start / extend / cancel publish a WATCH_* command with the resident's PIN (and the keyholder's
// PIN for start) and wait for its result; show reads the retained <topic_prefix>/watch.
#include <iostream>

#include "tools/homesecctl/ctl.hpp"
#include "tools/homesecctl/format.hpp"
#include "tools/homesecctl/protocol.hpp"

namespace homesec::ctl {

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
  nlohmann::json registration;  // null: no watch retained
  const int read = ReadRetained(
      config, {topic},
      [&](const std::string&, std::string_view payload) {
        registration = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
        if (!registration.is_object()) registration = nullptr;
      },
      nullptr);
  if (read != kExitOk) return read;
  if (args.json) {
    std::cout << registration.dump(2) << "\n";
  } else {
    std::cout << FormatWatch(registration);
  }
  return kExitOk;
}

}  // namespace homesec::ctl
