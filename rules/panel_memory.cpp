// Alarm memory: which zones alarmed (the kind and time of the first alarm, the restore if one
// came) since the panel was last armed, so that the resident coming home learns at the disarm
// what happened while away, as every pro keypad shows "alarm memory".
//
// The policy, after the pro panels:
// - Remembered: every zone alarm shown locally, burglary while armed and 24-hour alarms in any
//   mode (a silent panic never: it must not show locally). One entry per zone, with the time of
//   its first alarm; a zone that alarms again counts up and is no longer restored.
// - Acknowledged as DSC does, when a user next arms the system (PowerSeries: "the alarm memory is
//   cleared each time the system is armed"; the vacant-house watch arming by itself at the
//   departure or after a keyholder's visit is no user arming, and keeps it), or explicitly with a
//   code (MEMORY_CLEAR, like Vista's "code + OFF" a second time). While armed it cannot be cleared:
//   it is the current alarm's story.
// - In the snapshot: a restart between the alarm and the disarm loses nothing.
#include <string>

#include "rules/panel_engine.hpp"

namespace homesec {

void PanelEngine::RememberAlarm(const ZoneConfig& zone, const std::string& type, int code) {
  for (AlarmMemoryEntry& entry : state_.alarm_memory) {
    if (entry.zone != zone.id) continue;
    ++entry.count;
    entry.restored.reset();
    AddAction(AlarmMemoryChanged{state_.alarm_memory});
    return;
  }
  AlarmMemoryEntry entry;
  entry.zone = zone.id;
  entry.type = type;
  entry.code = code;
  entry.time = now_.wall;
  state_.alarm_memory.push_back(std::move(entry));
  AddAction(AlarmMemoryChanged{state_.alarm_memory});
}

void PanelEngine::RememberRestore(const ZoneConfig& zone) {
  for (AlarmMemoryEntry& entry : state_.alarm_memory) {
    if (entry.zone != zone.id || entry.restored) continue;
    entry.restored = now_.wall;
    AddAction(AlarmMemoryChanged{state_.alarm_memory});
  }
}

bool PanelEngine::ClearAlarmMemory() {
  if (state_.alarm_memory.empty()) return false;
  state_.alarm_memory.clear();
  AddAction(AlarmMemoryChanged{});
  return true;
}

void PanelEngine::HandleMemoryCommand(const Command& command) {
  // Checked before the code: a request that cannot be carried out costs no lockout attempt.
  if (state_.mode != Mode::kDisarmed) {
    Reply(command, false, "not_allowed",
          "cannot clear the alarm memory while " + std::string(ToString(state_.mode)) +
              ": disarm first");
    return;
  }
  // Any code that may arm: arming would clear it too.
  const auto checked = CheckCode(command, /*for_disarm=*/false);
  if (!checked) return;
  const std::size_t zones = state_.alarm_memory.size();
  if (!ClearAlarmMemory()) {
    Reply(command, true, "ok", "the alarm memory is empty", checked->user);
    return;
  }
  Event event =
      MakeEvent(EventCategory::kSystem, Priority::kLow, "alarm_memory_cleared", 1, 0,
                "alarm memory of " + std::to_string(zones) + (zones == 1 ? " zone" : " zones") +
                    " cleared" + (checked->user.empty() ? "" : " by " + checked->user));
  event.user = checked->user;
  event.report = false;  // a local acknowledgement; the platform has the alarms themselves
  Emit(std::move(event));
  Reply(command, true, "ok", "alarm memory cleared", checked->user);
}

}  // namespace homesec
