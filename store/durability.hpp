// Which durability a commit needs, from the events it carries (docs/storage.md, "Durability per
// event class"): alarms, arming/disarming and bypasses must survive power loss, everything else
// only a process crash.
#pragma once

#include <vector>

#include "rules/types.hpp"
#include "store/store.hpp"

namespace homesec {

// kFull when any event is an alarm, an arming, a disarming or a bypass; kNormal otherwise
// (including no events: a snapshot-only commit such as a timer update).
Durability RequiredDurability(const std::vector<Event>& events);

}  // namespace homesec
