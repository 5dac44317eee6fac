// The durability policy per event class; the reasoning is in docs/storage.md.
#include "store/durability.hpp"

#include <algorithm>

namespace homesec {
namespace {

bool NeedsPowerLossSafety(const Event& event) {
  switch (event.category) {
    // An alarm must reach the platform even if the power is cut right after it was raised.
    case EventCategory::kAlarm:
    // The armed state must survive a power cut: coming back disarmed would be a bypass.
    case EventCategory::kArming:
    case EventCategory::kDisarming:
    // So must a bypass and its end: an UNBYPASS lost to a power cut would leave the zone
    // unwatched at the next arming without anyone knowing.
    case EventCategory::kBypass:
      return true;
    default:
      return false;
  }
}

}  // namespace

Durability RequiredDurability(const std::vector<Event>& events) {
  return std::any_of(events.begin(), events.end(), NeedsPowerLossSafety) ? Durability::kFull
                                                                         : Durability::kNormal;
}

}  // namespace homesec
