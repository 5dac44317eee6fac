// homesecctl pair: opens the Zigbee network to joins through homesecd (a PAIR command with the
// master PIN; homesecd alone may write Zigbee2MQTT's bridge/request topics), prints what
// homesecd relays on <prefix>/pairing while it is open, and ends with its summary when the
// window closes. Ctrl-C sends PAIR_STOP and waits for the summary (command_window.cpp).
#include <iostream>

#include "tools/homesecctl/command_window.hpp"
#include "tools/homesecctl/ctl.hpp"
#include "tools/homesecctl/format.hpp"
#include "tools/homesecctl/protocol.hpp"

namespace homesec::ctl {

int RunPair(const CtlArgs& args, const AppConfig& config) {
  nlohmann::json summary;
  CommandWindow window;
  window.topic = config.local_mqtt.topic_prefix + "/pairing";
  window.max_message_bytes = 64 * 1024;
  window.keep_early = false;  // only once our own window is open: an earlier one is not ours
  window.length = std::chrono::seconds(args.pair_seconds);
  window.stopping_note = "closing the Zigbee network...\n";
  window.no_end = "no end of pairing";
  window.request = [&](const std::string& code, bool stop, const std::string& id) {
    return MakePairRequest(args, code, stop, id);
  };
  window.show = [&](const nlohmann::json& message) {
    const std::string line = FormatPairingMessage(message);
    if (args.json) {
      std::cout << message.dump() << "\n" << std::flush;
    } else if (!line.empty()) {
      std::cout << line << std::flush;
    }
    if (StringField(message, "type") != "closed") return false;
    summary = message;
    return true;
  };
  const int status = RunCommandWindow(args, config, window);
  if (status != kExitOk) return status;
  // Zigbee2MQTT would not open the network: the pairing did not happen.
  if (summary.is_object() && summary.value("reason", std::string()) == "refused") {
    return kExitRefused;
  }
  return kExitOk;
}

}  // namespace homesec::ctl
