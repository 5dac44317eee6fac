// Replay protection for commands from outside (the local command topics, the platform's command
// topic): a request id is accepted once, and a command stamped with its time only inside a window
// around the hub's clock.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>

#include "rules/time.hpp"

namespace homesec {

// Longer request ids are refused by the parsers.
inline constexpr std::size_t kMaxRequestIdBytes = 128;

// A request id a parser may accept: printable text (it is echoed, logged and kept one per line)
// of at most kMaxRequestIdBytes.
bool IsValidRequestId(const std::string& id);

// A request id is accepted once: the ids seen are remembered (for `remember`, at most `capacity`
// of them, in a file that survives a restart). A command stamped with a "time" is accepted only
// inside [now - max_age, now + max_ahead], so a captured command is useless once that window has
// passed even if its id was forgotten.
struct ReplayPolicy {
  Seconds max_age{300};
  Seconds max_ahead{60};
  Seconds remember{86400};
  std::size_t capacity = 10000;
};

class ReplayGuard {
 public:
  // `path`: the file the ids are kept in ("" = in memory only); what it holds is loaded now.
  ReplayGuard(std::string path, WallTime now, ReplayPolicy policy = {});
  ~ReplayGuard();
  ReplayGuard(const ReplayGuard&) = delete;
  ReplayGuard& operator=(const ReplayGuard&) = delete;

  // Empty when the command may run (its id, if any, is remembered from now on), else why not.
  std::string Check(const std::string& request_id, std::optional<WallTime> sent, WallTime now);
  std::size_t size() const { return order_.size(); }
  // Why the file could not be read or written, or empty (the guard then works from memory).
  const std::string& error() const { return error_; }

 private:
  void Forget(WallTime now);
  void Remember(const std::string& id, WallTime at);
  void Rewrite();

  std::string path_;
  ReplayPolicy policy_;
  std::deque<std::pair<WallTime, std::string>> order_;  // oldest first
  std::unordered_set<std::string> seen_;
  int fd_ = -1;
  std::size_t lines_on_disk_ = 0;
  std::string error_;
};

}  // namespace homesec
