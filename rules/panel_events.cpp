// Building events (sequence number, time, mode, Contact ID), mode changes, the siren and
// command replies: the panel's outputs, shared by every rule file. The other outputs (strobe,
// deterrent, chime, squawk) are in panel_outputs.cpp.
#include <algorithm>

#include "rules/contact_id_codes.hpp"
#include "rules/panel_engine.hpp"

namespace homesec {

Event PanelEngine::MakeEvent(EventCategory category, Priority priority, std::string type,
                             int qualifier, int code, std::string text) const {
  Event event;
  event.category = category;
  event.priority = priority;
  event.type = std::move(type);
  event.cid = ContactId{qualifier, code, cid::kGroupNone, 0};
  event.text = std::move(text);
  return event;
}

Event PanelEngine::MakeZoneEvent(const ZoneConfig& zone, EventCategory category, Priority priority,
                                 std::string type, int qualifier, int code,
                                 std::string text) const {
  Event event = MakeEvent(category, priority, std::move(type), qualifier, code, std::move(text));
  event.zone = zone.id;
  event.device = zone.device;
  event.cid.group = GroupFor(zone);
  event.cid.number = zone.number;
  return event;
}

void PanelEngine::Emit(Event event) {
  // During a vacant-house watch every alarm is a vacant-house alarm: flagged with the watch and
  // sent with the highest priority (nobody is home to check first).
  if (event.category == EventCategory::kAlarm && state_.watch && state_.watch->FlagsAlarms()) {
    event.vacant_watch = true;
    event.watch_id = state_.watch->id();
    event.priority = Priority::kCritical;
  }
  event.seq = state_.next_seq++;
  if (event.silent) state_.silent.Add(event.seq);
  // Every trouble flag is set or cleared with its trouble or restore event (panel_troubles.cpp,
  // panel_locks.cpp, panel_zones.cpp), so this is where the flags are known to have changed.
  if (event.category == EventCategory::kTrouble ||
      event.category == EventCategory::kTroubleRestore) {
    troubles_changed_ = true;
  }
  event.time = now_.wall;
  // The armed mode the event happened in; kDisarmed when the panel is not armed.
  event.mode = state_.armed_mode;
  out_.push_back(RecordEvent{std::move(event)});
}

void PanelEngine::SetMode(Mode mode, Mode armed_mode) {
  if (state_.mode == mode && state_.armed_mode == armed_mode) return;
  state_.mode = mode;
  state_.armed_mode = armed_mode;
  out_.push_back(StateChanged{mode, armed_mode, DelayRemaining()});
}

Seconds PanelEngine::DelayRemaining() const {
  std::optional<MonoTime> deadline;
  if (state_.mode == Mode::kArming) deadline = state_.exit_deadline;
  if (state_.mode == Mode::kPending) deadline = state_.entry_deadline;
  if (!deadline || *deadline <= now_.mono) return Seconds{0};
  return std::chrono::ceil<Seconds>(*deadline - now_.mono);
}

void PanelEngine::SirenOn(SirenReason reason, Seconds duration) {
  // A new alarm while the siren sounds keeps its end time (EN 50131-1 limits the bell time) but
  // may raise its urgency: fire over emergency over burglar.
  const auto rank = [](SirenReason r) {
    return r == SirenReason::kFire ? 2 : r == SirenReason::kEmergency ? 1 : 0;
  };
  if (state_.siren_on()) {
    if (rank(reason) <= rank(state_.siren_reason)) return;
    state_.siren_reason = reason;
    const auto left = std::chrono::ceil<Seconds>(*state_.siren_deadline - now_.mono);
    out_.push_back(SetOutput{OutputKind::kSiren, OutputPattern::kSteady, reason, left});
    return;
  }
  state_.siren_reason = reason;
  state_.siren_deadline = now_.mono + duration;
  out_.push_back(SetOutput{OutputKind::kSiren, OutputPattern::kSteady, reason, duration});
}

void PanelEngine::SirenOff() {
  if (!state_.siren_on()) return;
  state_.siren_deadline.reset();
  out_.push_back(SetOutput{OutputKind::kSiren, OutputPattern::kOff, state_.siren_reason});
}

void PanelEngine::Reply(const Command& command, bool accepted, std::string reason,
                        std::string message, std::string user, std::vector<std::string> open_zones,
                        std::string watch_id) {
  CommandResult result;
  result.request_id = command.request_id;
  result.source = command.source;
  result.action = command.action;
  result.accepted = accepted;
  result.reason = std::move(reason);
  result.message = std::move(message);
  result.open_zones = std::move(open_zones);
  result.user = std::move(user);
  result.watch_id = std::move(watch_id);
  out_.push_back(std::move(result));
}

const ZoneConfig* PanelEngine::FindZone(const std::string& id) const {
  const auto it = std::find_if(config_.zones.begin(), config_.zones.end(),
                               [&](const ZoneConfig& z) { return z.id == id; });
  return it == config_.zones.end() ? nullptr : &*it;
}

const DeviceSupervision* PanelEngine::FindSupervision(const std::string& device) const {
  const auto it = std::find_if(config_.devices.begin(), config_.devices.end(),
                               [&](const DeviceSupervision& d) { return d.device == device; });
  return it == config_.devices.end() ? nullptr : &*it;
}

int PanelEngine::ZoneNumberForDevice(const std::string& device) const {
  for (const ZoneConfig& zone : config_.zones) {
    if (zone.device == device) return zone.number;
  }
  return 0;
}

int GroupFor(const ZoneConfig& zone) {
  switch (zone.type) {
    case ZoneType::kEntryExit:
    case ZoneType::kEntryFollower:
    case ZoneType::kPerimeter:
    case ZoneType::kInterior:
    case ZoneType::kLock:
    case ZoneType::kDoorHeld:
      return cid::kGroupBurglary;
    default:
      return cid::kGroupNone;
  }
}

}  // namespace homesec
