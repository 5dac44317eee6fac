// Which durability a commit needs, from the events it carries (docs/storage.md, "Durability per
// event class"): alarms and arming/disarming must survive power loss, everything else only a
// process crash.
#pragma once

#include <vector>

#include "rules/types.hpp"
#include "store/store.hpp"

namespace homesec {

// kFull when any event is an alarm, an arming or a disarming; kNormal otherwise (including no
// events: a snapshot-only commit such as a timer update).
Durability RequiredDurability(const std::vector<Event>& events);

}  // namespace homesec
