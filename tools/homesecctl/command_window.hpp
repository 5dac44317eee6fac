// A command that opens a window homesecd keeps for a while and reports on while it is open:
// pair (the Zigbee network, <prefix>/pairing) and walk-test (<prefix>/walk_test). Both send a
// command with the master PIN, print the messages of their window as they come, and end with the
// window's last message (the pairing summary, the walk-test report): by homesecd's own timer, or
// on Ctrl-C, which sends the stop command and waits for that last message.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "daemon/config.hpp"
#include "tools/homesecctl/args.hpp"

namespace homesec::ctl {

struct CommandWindow {
  std::string topic;              // where homesecd reports on the window
  std::size_t max_message_bytes;  // larger reports are not homesecd's
  // Messages that come before the command's result: kept and shown once it is accepted (homesecd
  // publishes walk-test's "started" just before the result), or dropped (an earlier pairing
  // window is another installer's).
  bool keep_early = false;
  std::chrono::seconds length{0};  // how long homesecd keeps the window open
  std::string stopping_note;       // printed (but with --json) when Ctrl-C sends the stop
  std::string no_end;              // "no end of pairing": what did not come in time
  // The command to send: start, or stop, with the PIN and a request id.
  std::function<nlohmann::json(const std::string& code, bool stop, const std::string& id)> request;
  // Prints a message of the window; true when it is the last one.
  std::function<bool(const nlohmann::json& message)> show;
  // Send only the stop and show what came with its answer (walk-test --stop).
  bool stop_only = false;
};

// kExitOk once the window has ended (its last message shown, or a stop found it ended already);
// else kExitRefused (a command refused), kExitUsage (no PIN) or kExitUnreachable.
int RunCommandWindow(const CtlArgs& args, const AppConfig& config, const CommandWindow& window);

}  // namespace homesec::ctl
