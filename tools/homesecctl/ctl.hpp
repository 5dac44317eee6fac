// homesecctl's commands, one file per side: ctl_daemon.cpp talks to homesecd over the local
// MQTT broker (status, arm, disarm, bypass; ctl_watch.cpp: watch); ctl_store.cpp works on the
// database directly (events, users), so it works while the daemon is stopped.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/config.hpp"
#include "store/store.hpp"
#include "tools/homesecctl/args.hpp"

namespace homesec::ctl {

// Exit status, stable for scripts.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRefused = 1;
inline constexpr int kExitUsage = 2;  // also config and database errors
inline constexpr int kExitUnreachable = 3;

// status, zones, devices and troubles: the retained topics, in the table each asks for.
int RunStatus(const CtlArgs& args, const AppConfig& config);
int RunArmOrDisarm(const CtlArgs& args, const AppConfig& config);
// bypass / unbypass ZONE: a BYPASS / UNBYPASS command, with the PIN when the installation asks
// for one (codes.code_required_to_bypass) or one is piped in.
int RunBypass(const CtlArgs& args, const AppConfig& config);
// pair [--seconds N] [--device NAME]: PAIR with the master PIN, the live pairing lines, the
// summary when the window closes; Ctrl-C sends PAIR_STOP (ctl_pair.cpp).
int RunPair(const CtlArgs& args, const AppConfig& config);
// walk-test [--zones Z1,Z2] [--minutes N]: WALK_TEST with the master PIN, the zones seen live,
// the report when it ends; Ctrl-C sends WALK_TEST_STOP (ctl_walk_test.cpp). kExitRefused also
// when a zone was never seen or seen one way only. --stop ends the one running.
int RunWalkTest(const CtlArgs& args, const AppConfig& config);
// memory: the alarm memory from the retained <prefix>/panel; --clear sends MEMORY_CLEAR.
int RunMemory(const CtlArgs& args, const AppConfig& config);
// events [--last N] [--type ...] [--zone Z] [--since T] [--follow]: the stored history with its
// dispatch statuses, then with --follow the live <prefix>/event stream (ctl_events.cpp).
int RunEvents(const CtlArgs& args, const AppConfig& config);
// explain EVENT / dry-run [--since T]: the input journal replayed (ctl_journal.cpp). explain
// exits 1 when the replay does not reproduce the event.
int RunExplain(const CtlArgs& args, const AppConfig& config);
int RunDryRun(const CtlArgs& args, const AppConfig& config);
// troubles --ack [--trouble ID]: a TROUBLE_ACK command with the PIN.
int RunTroubleAck(const CtlArgs& args, const AppConfig& config);
// watch start / extend / cancel (a command) and watch show (the retained .../watch).
int RunWatchCommand(const CtlArgs& args, const AppConfig& config);
int RunWatchShow(const CtlArgs& args, const AppConfig& config);
class MqttSession;
// The command topic homesecctl publishes on: its account's own when the config lists it, else
// the shared <prefix>/command.
std::string CommandTopic(const AppConfig& config, const MqttSession& session);
// A command body with the time homesecd checks (a captured command cannot be replayed later).
nlohmann::json Stamped(nlohmann::json body);
// Publishes request(request_id) on <prefix>/command, waits for its result and prints it (table
// or --json); returns kExitOk, kExitRefused or kExitUnreachable.
int SendCommand(const CtlArgs& args, const AppConfig& config,
                const std::function<nlohmann::json(const std::string& request_id)>& request);
// Subscribes to `topics` on the local broker and hands `on_message` every retained message on
// them, returning once all have arrived: kExitOk, or kExitUnreachable with the reason printed.
// `where` (when not null) is set to the broker's address for later messages.
int ReadRetained(
    const AppConfig& config, const std::vector<std::string>& topics,
    const std::function<void(const std::string& topic, std::string_view payload)>& on_message,
    std::string* where);
// Prints "homesecctl: <message>" and returns kExitUnreachable.
int Unreachable(const std::string& message);
// Unreachable() for a command homesecd did not answer: `error` when there is one, else that it
// did not answer within 10 s.
int NoAnswer(const MqttSession& session, const std::string& error);
// The database named in the config; nullptr after saying why it cannot be opened.
std::unique_ptr<Store> OpenStore(const AppConfig& config);
int RunUserAdd(const CtlArgs& args, const AppConfig& config);
int RunUserList(const CtlArgs& args, const AppConfig& config);
int RunUserRemove(const CtlArgs& args, const AppConfig& config);

// SIGINT / SIGTERM set a flag instead of ending the process (interrupts.cpp): a long-running
// command closes what it opened first. Interrupted() reads the flag.
void CatchInterrupts();
bool Interrupted();

// Reads a PIN: one line from stdin with `from_stdin`, else from the terminal without echo
// (asking twice when `confirm`). nullopt with `error` when there is no way to read it.
std::optional<std::string> ReadPin(const std::string& prompt, bool from_stdin, bool confirm,
                                   std::string* error);

// Fills `out` from the kernel's random source; false if it cannot.
bool RandomBytes(std::span<std::uint8_t> out);
// 16 random hex digits (MQTT request ids and client ids).
std::string RandomHex();
// "homesecctl-<16 hex digits>": a command's request_id.
std::string NewRequestId();

}  // namespace homesec::ctl
