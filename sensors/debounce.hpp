// Software debounce for GPIO inputs. libgpiod 1.6 has no kernel debounce, so every raw edge
// goes through a Debouncer: a change is emitted only after the line has held the new level for
// the debounce time; chatter that returns to the emitted level sooner is dropped.
#pragma once

#include <optional>
#include <string>

#include "rules/time.hpp"

namespace homesec {

// EN 50131-1: a 400 ms alarm pulse must always be detected. A pulse is emitted once it has
// been stable for the debounce time, so the debounce must stay well below 400 ms.
inline constexpr Millis kMaxDebounce{300};

// False (and a message) when `debounce` is negative or above kMaxDebounce.
bool ValidateDebounce(Millis debounce, std::string* error);

class Debouncer {
 public:
  Debouncer(Millis debounce, bool initial_active);

  // A raw level seen at `time` (times must not go backwards). Returns the change that had
  // already settled before this edge, if any (edges read late still yield every pulse).
  std::optional<bool> OnEdge(bool active, MonoTime time);

  // Emits the pending change once it has been stable for the debounce time.
  std::optional<bool> OnTick(MonoTime now);

  // When the pending change settles; nullopt when the raw level equals the emitted one.
  std::optional<MonoTime> Deadline() const;

  bool stable() const { return stable_; }

 private:
  Millis debounce_;
  bool stable_;           // last emitted level
  bool raw_;              // last raw level seen
  MonoTime raw_since_{};  // when raw_ was first seen
};

}  // namespace homesec
