// Time-based debounce: a raw level must hold for the debounce time before it becomes the
// emitted level. Uses the edges' own timestamps, so edges drained late (a busy loop) still
// settle at the right moments and a pulse is never lost because it was read after it ended.
#include "sensors/debounce.hpp"

namespace homesec {

bool ValidateDebounce(Millis debounce, std::string* error) {
  if (debounce < Millis{0}) {
    *error = "debounce_ms must not be negative";
    return false;
  }
  if (debounce > kMaxDebounce) {
    *error = "debounce_ms " + std::to_string(debounce.count()) + " is above the maximum " +
             std::to_string(kMaxDebounce.count()) +
             " (EN 50131-1: a 400 ms alarm pulse must always be detected)";
    return false;
  }
  return true;
}

Debouncer::Debouncer(Millis debounce, bool initial_active)
    : debounce_(debounce), stable_(initial_active), raw_(initial_active) {}

std::optional<bool> Debouncer::OnEdge(bool active, MonoTime time) {
  // The previous raw level may have settled before this edge arrived.
  std::optional<bool> settled = OnTick(time);
  if (active != raw_) {
    raw_ = active;
    raw_since_ = time;
  }
  // With no debounce the change settles at once.
  if (std::optional<bool> now_settled = OnTick(time)) settled = now_settled;
  return settled;
}

std::optional<bool> Debouncer::OnTick(MonoTime now) {
  if (raw_ == stable_ || now - raw_since_ < debounce_) return std::nullopt;
  stable_ = raw_;
  return stable_;
}

std::optional<MonoTime> Debouncer::Deadline() const {
  if (raw_ == stable_) return std::nullopt;
  return raw_since_ + debounce_;
}

}  // namespace homesec
