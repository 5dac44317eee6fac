// The seq mark: the highest seq the uplink has sent from memory while the database refused
// writes (full disk). Such an event reached the platform but is in no commit, so a restart
// would restore a panel that hands its seq out again, and the platform, deduplicating by id,
// would drop the new event (issue 10: seen in 3 of 7 soak runs). The mark lives in a small file
// beside the database whose bytes are allocated while the disk still has room, so overwriting
// them in place needs no new block and works on a full disk. It is not fsynced: it must survive
// a kill -9 (the page cache keeps it); after a power cut BeginRun's reboot rule continues above
// the on-disk reservation, which bounds every seq sent from memory.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "store/store.hpp"

namespace homesec {
namespace {

// 20 digits (any uint64) and a newline, at offset 0.
constexpr std::size_t kMarkBytes = 21;

std::string FormatMark(std::uint64_t seq) {
  std::string text(kMarkBytes, '0');
  text.back() = '\n';
  char digits[20];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, seq);
  const std::size_t n = static_cast<std::size_t>(end - digits);
  std::memcpy(text.data() + (kMarkBytes - 1 - n), digits, n);
  return text;
}

}  // namespace

void Store::OpenSeqMark(const std::string& path) {
  mark_fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (mark_fd_ < 0) {
    mark_error_ = path + ": " + std::strerror(errno);
    return;
  }
  char buffer[kMarkBytes] = {};
  const ssize_t n = pread(mark_fd_, buffer, sizeof buffer, 0);
  if (n == static_cast<ssize_t>(kMarkBytes)) {
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(buffer, buffer + kMarkBytes - 1, value);
    if (ec == std::errc() && end == buffer + kMarkBytes - 1) {
      sent_from_memory_ = value;
      return;
    }
  }
  // New or damaged: written whole now, so its bytes are allocated before any disk fills up.
  const std::string text = FormatMark(sent_from_memory_);
  if (pwrite(mark_fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()) ||
      fsync(mark_fd_) != 0) {
    mark_error_ = path + ": " + std::strerror(errno);
    close(mark_fd_);
    mark_fd_ = -1;
  }
}

void Store::CloseSeqMark() {
  if (mark_fd_ >= 0) close(mark_fd_);
  mark_fd_ = -1;
}

bool Store::NoteSentFromMemory(std::uint64_t seq, std::string* error) {
  if (seq <= sent_from_memory_) return true;
  if (mark_fd_ < 0) {
    if (error != nullptr) *error = "no seq mark file (" + mark_error_ + ")";
    return false;
  }
  const std::string text = FormatMark(seq);
  if (pwrite(mark_fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    if (error != nullptr) *error = std::string("writing the seq mark: ") + std::strerror(errno);
    return false;
  }
  sent_from_memory_ = seq;
  return true;
}

}  // namespace homesec
