// Replay protection: the ids seen, kept in memory and appended to a file that survives a restart
// (rewritten whole when it has grown to twice what it must hold).
#include "daemon/replay_guard.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "rules/text.hpp"

namespace homesec {

bool IsValidRequestId(const std::string& id) {
  return id.size() <= kMaxRequestIdBytes && PrintableText(id, kMaxRequestIdBytes) == id;
}

ReplayGuard::ReplayGuard(std::string path, WallTime now, ReplayPolicy policy)
    : path_(std::move(path)), policy_(policy) {
  if (path_.empty()) return;
  // One "<ms since the epoch> <request id>" line per accepted id, oldest first.
  if (std::FILE* in = std::fopen(path_.c_str(), "re")) {
    char line[kMaxRequestIdBytes * 8 + 32];
    while (std::fgets(line, sizeof line, in) != nullptr) {
      std::string_view text(line);
      if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
      const auto space = text.find(' ');
      if (space == std::string_view::npos || space + 1 >= text.size()) continue;
      std::int64_t ms = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + space, ms);
      if (ec != std::errc() || end != text.data() + space) continue;
      const std::string id(text.substr(space + 1));
      if (seen_.insert(id).second) order_.emplace_back(WallTime{Millis{ms}}, id);
    }
    std::fclose(in);
  } else if (errno != ENOENT) {
    error_ = path_ + ": " + std::strerror(errno);
  }
  Forget(now);
  Rewrite();
}

ReplayGuard::~ReplayGuard() {
  if (fd_ >= 0) ::close(fd_);
}

std::string ReplayGuard::Check(const std::string& request_id, std::optional<WallTime> sent,
                               WallTime now) {
  if (sent && *sent < now - policy_.max_age) {
    return "command sent at " + FormatRfc3339(*sent) + " is older than " +
           std::to_string(policy_.max_age.count()) + " s: refused as a possible replay";
  }
  if (sent && *sent > now + policy_.max_ahead) {
    return "command time " + FormatRfc3339(*sent) + " is more than " +
           std::to_string(policy_.max_ahead.count()) +
           " s ahead of the hub's clock: refused (check the sender's clock)";
  }
  if (request_id.empty()) return {};
  Forget(now);
  if (seen_.contains(request_id)) {
    return "request_id '" + request_id +
           "' was used before: a command is accepted once (send a new id for a new request)";
  }
  Remember(request_id, now);
  return {};
}

void ReplayGuard::Forget(WallTime now) {
  while (!order_.empty() &&
         (order_.size() > policy_.capacity || now - order_.front().first >= policy_.remember)) {
    seen_.erase(order_.front().second);
    order_.pop_front();
  }
}

void ReplayGuard::Remember(const std::string& id, WallTime at) {
  seen_.insert(id);
  order_.emplace_back(at, id);
  if (order_.size() > policy_.capacity) Forget(at);
  if (path_.empty()) return;
  if (fd_ < 0 || lines_on_disk_ >= 2 * policy_.capacity) {
    Rewrite();  // the new id is in order_ already
    return;
  }
  const std::string line = std::to_string(at.time_since_epoch().count()) + " " + id + "\n";
  // Not synced: an id lost in a power cut is still refused by the time window when the command
  // carried its time.
  if (::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    error_ = path_ + ": write: " + std::strerror(errno);
  }
  ++lines_on_disk_;
}

void ReplayGuard::Rewrite() {
  if (path_.empty()) return;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  const std::string temp = path_ + ".new";
  const int out = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0) {
    error_ = temp + ": " + std::strerror(errno);
    return;
  }
  std::string text;
  for (const auto& [at, id] : order_) {
    text += std::to_string(at.time_since_epoch().count()) + " " + id + "\n";
  }
  const bool written = ::write(out, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(out);
  if (!written || std::rename(temp.c_str(), path_.c_str()) != 0) {
    error_ = path_ + ": " + std::strerror(errno);
    return;
  }
  lines_on_disk_ = order_.size();
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) error_ = path_ + ": " + std::strerror(errno);
}

}  // namespace homesec
