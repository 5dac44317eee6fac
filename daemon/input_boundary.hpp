// The one boundary between the outside world and homesecd's code: every handler of outside input
// (MQTT messages on both brokers, GPIO events, signals, timers, posted tasks, config reload) runs
// through RunGuarded, which turns an exception into a log line, a counter and, for a command, a
// refusal, so that nothing a stranger sends can end the daemon. Code below the boundary does not
// throw on bad input (it validates and answers with values); this catches what slips through.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace homesec {

// Counters of inputs refused or failed, by kind ("local.command.refused", "handler.exception").
// Read by the uplink heartbeat and by tests; the daemon is single-threaded.
class InputCounters {
 public:
  static InputCounters& Get();
  void Add(std::string_view kind, std::uint64_t n = 1);
  std::uint64_t Value(std::string_view kind) const;
  const std::map<std::string, std::uint64_t, std::less<>>& All() const { return counts_; }

 private:
  std::map<std::string, std::uint64_t, std::less<>> counts_;
};

// Runs `handle`. When it throws: logs "<where>: <what>" at error level, counts
// "handler.exception", calls `refuse` (if any) with a message fit to send back, and returns false.
// `refuse` runs behind the same guard: if it throws too, that is logged and counted.
bool RunGuarded(std::string_view where, const std::function<void()>& handle,
                const std::function<void(const std::string& why)>& refuse = nullptr);

}  // namespace homesec
