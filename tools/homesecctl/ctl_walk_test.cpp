// homesecctl walk-test: starts a walk test through homesecd (a WALK_TEST command with the master
// PIN), prints what homesecd publishes on <prefix>/walk_test while it runs (each zone seen
// opened, closed, tampered), and ends with the report when the test ends: by its own time,
// or on Ctrl-C, which sends WALK_TEST_STOP and waits for the report (command_window.cpp).
// `--stop` ends a walk test left running (another terminal, a homesecctl that was killed) and
// prints its report.
#include <iostream>
#include <optional>

#include "tools/homesecctl/command_window.hpp"
#include "tools/homesecctl/ctl.hpp"
#include "tools/homesecctl/format.hpp"
#include "tools/homesecctl/protocol.hpp"

namespace homesec::ctl {

int RunWalkTest(const CtlArgs& args, const AppConfig& config) {
  std::optional<nlohmann::json> report;
  CommandWindow window;
  window.topic = config.local_mqtt.topic_prefix + "/walk_test";
  window.max_message_bytes = 256 * 1024;
  // homesecd publishes "started" (or "ended" for a stop) just before the command's result.
  window.keep_early = true;
  window.length = std::chrono::seconds(args.walk_seconds);
  window.stopping_note = "ending the walk test...\n";
  window.no_end = "no end of the walk test";
  window.request = [&](const std::string& code, bool stop, const std::string& id) {
    return MakeWalkTestRequest(args, code, stop, id);
  };
  window.show = [&](const nlohmann::json& message) {
    if (args.json) {
      std::cout << message.dump() << "\n" << std::flush;
    } else {
      std::cout << FormatWalkTestMessage(message) << std::flush;
    }
    if (StringField(message, "type") != "ended") return false;
    report = message;
    return true;
  };
  window.stop_only = args.walk_stop;
  const int status = RunCommandWindow(args, config, window);
  if (status != kExitOk) return status;
  // --stop with no report: nothing was running.
  if (args.walk_stop) return report && !WalkTestPassed(*report) ? kExitRefused : kExitOk;
  // kExitRefused also when a zone was never seen or seen one way only.
  return report && WalkTestPassed(*report) ? kExitOk : kExitRefused;
}

}  // namespace homesec::ctl
