// Commands arriving on the local broker's <topic_prefix>/command topic (Home Assistant, scripts,
// homesecctl): the plain Home Assistant payloads (ARM_AWAY, DISARM, ...) or JSON
// {"action", "code", "force", "request_id", "watch"} ("watch": the vacant-house watch details of
// WATCH_START / WATCH_EXTEND, see docs/vacant-house-watch.md). Anything else becomes a
// CommandResult that says exactly why it was refused (reason "invalid_request"), so a bad command
// never vanishes.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>

#include <nlohmann/json.hpp>

#include "rules/types.hpp"

namespace homesec {

// Larger command payloads are refused unparsed.
inline constexpr std::size_t kMaxCommandBytes = 4096;

struct LocalCommandParse {
  std::optional<Command> command;        // set when the request is well-formed
  std::optional<CommandResult> refusal;  // set otherwise, ready to publish
  std::optional<WallTime> sent;          // the JSON "time" the sender stamped it with
};

// `retained`: the broker's retain flag. A retained command is a stale replay (someone published
// with retain): it is refused so that a broker restart can never re-arm or disarm the house.
LocalCommandParse ParseLocalCommand(std::string_view payload, bool retained);

// The JSON published on <topic_prefix>/command/result.
nlohmann::json CommandResultToJson(const CommandResult& result);

// Replay protection for the local command topic. A request id is accepted once: the ids seen
// are remembered (for `remember`, at most `capacity` of them, in a file that survives a
// restart). A command stamped with a "time" is accepted only inside [now - max_age,
// now + max_ahead], so a captured command is useless once that window has passed even if its
// id was forgotten.
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
