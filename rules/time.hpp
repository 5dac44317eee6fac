// Time as the pure core sees it. The core never reads a clock: every input carries `Now`, with a
// monotonic reading (delays, debounce, supervision) and a wall-clock reading (event timestamps,
// schedules such as the vacant-house watch). Persisted deadlines are stored as remaining
// durations plus the wall time they were saved at, so they survive a reboot (the monotonic clock
// does not).
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace homesec {

using Millis = std::chrono::milliseconds;
using Seconds = std::chrono::seconds;
using MonoTime = std::chrono::time_point<std::chrono::steady_clock, Millis>;
using WallTime = std::chrono::time_point<std::chrono::system_clock, Millis>;

struct Now {
  MonoTime mono;
  WallTime wall;
};

// Advances both readings by `d`, as a manual test clock or a sleeping process would see it.
inline Now operator+(Now now, Millis d) {
  return Now{now.mono + d, now.wall + d};
}

// "2026-11-28T17:10:46.123Z" (UTC, millisecond precision).
std::string FormatRfc3339(WallTime t);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)"; nullopt when malformed.
std::optional<WallTime> ParseRfc3339(const std::string& text);

}  // namespace homesec
