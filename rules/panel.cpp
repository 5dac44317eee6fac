// Panel: the public face of the pure alarm core. It owns the config and the state, runs one
// PanelEngine per input, and turns zone status differences into ZoneChanged actions.
#include "rules/panel.hpp"

#include <algorithm>
#include <utility>

#include "rules/contact_id_codes.hpp"
#include "rules/json_limits.hpp"
#include "rules/panel_engine.hpp"
#include "rules/panel_state.hpp"

namespace homesec {
namespace {

using StatusList = std::vector<ZoneChanged>;

// The view of config.zones[i] as a ZoneChanged action (the list holds the views without ids).
ZoneChanged Named(const PanelConfig& config, const StatusList& views, std::size_t i) {
  ZoneChanged change = views[i];
  change.zone = config.zones[i].id;
  return change;
}

void AppendZoneChanges(const PanelConfig& config, const StatusList& before, const StatusList& after,
                       std::vector<Action>& out) {
  for (std::size_t i = 0; i < after.size(); ++i) {
    if (i < before.size() && before[i] == after[i]) continue;
    out.push_back(Named(config, after, i));
  }
}

// Keeps exactly one runtime entry per configured zone (new zones start unknown), and makes sure
// each zone's device has one (a default entry means nothing known, as a missing one did).
void SyncZones(const PanelConfig& config, PanelState& state) {
  std::map<std::string, ZoneRuntime> zones;
  for (const ZoneConfig& zone : config.zones) {
    zones[zone.id] = state.zones[zone.id];
    state.devices.try_emplace(zone.device);
  }
  state.zones = std::move(zones);
}

}  // namespace

Panel::Panel(PanelConfig config) : Panel(std::move(config), std::make_unique<PanelState>()) {}

Panel::Panel(PanelConfig config, std::unique_ptr<PanelState> state)
    : config_(std::move(config)), state_(std::move(state)) {
  SyncZones(config_, *state_);
  IndexRuntimes();
  statuses_ = Statuses();
}

Panel::Panel(Panel&&) noexcept = default;
Panel& Panel::operator=(Panel&&) noexcept = default;
Panel::~Panel() = default;

Panel Panel::Restore(PanelConfig config, const nlohmann::json& snapshot, Now now,
                     std::string* error) {
  std::string why;
  auto state = StateFromJson(snapshot, now, &why);
  if (!state) {
    if (error) *error = why;
    return Panel(std::move(config));
  }
  if (error) error->clear();
  // The watch resumes with the installation's current watch settings. An unreadable watch is
  // dropped with an error, never the armed state around it.
  if (const auto it = snapshot.find("watch"); it != snapshot.end() && !it->is_null()) {
    std::string watch_error;
    state->watch = VacantWatch::Restore(*it, config.watch, &watch_error);
    if (!state->watch && error) *error = watch_error + " (the watch was dropped)";
  }
  return Panel(std::move(config), std::make_unique<PanelState>(std::move(*state)));
}

std::vector<Action> Panel::Start(Now now) {
  std::vector<Action> out;
  PanelEngine engine(config_, *state_, now, out);
  for (const DeviceSupervision& device : config_.devices) {
    DeviceRuntime& rt = state_->devices[device.device];
    if (device.checkin_window > Seconds{0} && !rt.checkin_deadline && !rt.silent_trouble) {
      rt.checkin_deadline = now.mono + device.checkin_window;
    }
  }
  out.push_back(StateChanged{state_->mode, state_->armed_mode, engine.DelayRemaining()});
  statuses_ = Statuses();
  for (std::size_t i = 0; i < statuses_.size(); ++i) out.push_back(Named(config_, statuses_, i));
  if (state_->siren_deadline && *state_->siren_deadline > now.mono) {
    // The siren was sounding when the hub went down: it resumes for the time it had left.
    out.push_back(SetOutput{OutputKind::kSiren, OutputPattern::kSteady, state_->siren_reason,
                            std::chrono::ceil<Seconds>(*state_->siren_deadline - now.mono)});
  }
  engine.ResumeOutputs();
  // A snapshot from before trouble marks (or a trouble whose mark was unreadable): since now.
  SyncTroubleMarks(config_, *state_, now.wall);
  engine.Emit(engine.MakeEvent(EventCategory::kSystem, Priority::kNormal, "system_start", cid::kNew,
                               cid::kSystemReset,
                               "panel started in " + std::string(ToString(state_->mode))));
  // A config changed while the hub was down may have made a bypassed zone one that is never
  // bypassed.
  const StatusList announced = statuses_;
  engine.EndUnbypassableBypasses();
  statuses_ = Statuses();
  AppendZoneChanges(config_, announced, statuses_, out);
  // The retained registration is republished (or cleared: a crash may have come between the
  // final document and clearing it).
  out.push_back(state_->watch ? WatchChanged{DumpJson(state_->watch->Registration()), false}
                              : WatchChanged{"", true});
  // A walk test running when the hub went down goes on for the time it had left.
  if (state_->walk_test) out.push_back(engine.WalkTestProgress("resumed"));
  out.push_back(AlarmMemoryChanged{state_->alarm_memory});
  return out;
}

std::vector<Action> Panel::Handle(const Input& input, Now now) {
  std::vector<Action> out;
  const StatusList before = std::move(statuses_);
  PanelEngine engine(config_, *state_, now, out);
  const std::vector<std::string> watch_open_before =
      state_->watch ? engine.WatchOpenZones() : std::vector<std::string>{};
  if (const auto* reading = std::get_if<Reading>(&input)) {
    engine.HandleReading(*reading);
  } else if (const auto* command = std::get_if<Command>(&input)) {
    engine.HandleCommand(*command);
  } else if (const auto* link = std::get_if<UplinkLink>(&input)) {
    engine.HandleUplink(*link);
  } else if (const auto* health = std::get_if<StoreHealth>(&input)) {
    engine.HandleStore(*health);
  } else if (const auto* ack = std::get_if<WatchAck>(&input)) {
    engine.HandleWatchAck(*ack);
  } else if (const auto* refused = std::get_if<PairingRefused>(&input)) {
    engine.HandlePairingRefused(*refused);
  } else {
    engine.HandleTick();
  }
  // The deterrent follows the mode and the siren, whichever rule changed them.
  engine.SyncDeterrent();
  engine.WatchAfterInput(watch_open_before, std::holds_alternative<Tick>(input));
  engine.FlushWatch();
  // The marks follow the trouble flags, whichever rule changed them (each with its event).
  if (engine.troubles_changed()) SyncTroubleMarks(config_, *state_, now.wall);
  statuses_ = Statuses();
  AppendZoneChanges(config_, before, statuses_, out);
  return out;
}

std::vector<Action> Panel::Reconfigure(PanelConfig config, Now now) {
  std::vector<Action> out;
  // The zone list changes here, so the statuses before are kept by zone id.
  std::map<std::string, ZoneChanged> before;
  for (std::size_t i = 0; i < statuses_.size(); ++i) before[config_.zones[i].id] = statuses_[i];
  config_ = std::move(config);
  SyncZones(config_, *state_);
  IndexRuntimes();
  zones_stored_ = false;  // a new zone list: the next snapshot replaces every zone row
  // Devices no longer supervised lose their check-in deadline; new ones get a full window.
  for (auto& [device, rt] : state_->devices) {
    bool supervised = false;
    for (const DeviceSupervision& d : config_.devices) {
      supervised = supervised || (d.device == device && d.checkin_window > Seconds{0});
    }
    if (!supervised) rt.checkin_deadline.reset();
  }
  for (const DeviceSupervision& device : config_.devices) {
    DeviceRuntime& rt = state_->devices[device.device];
    if (device.checkin_window > Seconds{0} && !rt.checkin_deadline && !rt.silent_trouble) {
      rt.checkin_deadline = now.mono + device.checkin_window;
    }
  }
  // A new report time or time zone applies from now on.
  if (state_->watch) state_->watch->Reconfigure(config_.watch, now.wall);
  PanelEngine engine(config_, *state_, now, out);
  engine.EndUnbypassableBypasses();
  SyncTroubleMarks(config_, *state_, now.wall);  // the troubles of zones no longer configured
  const StatusList after = Statuses();
  for (std::size_t i = 0; i < after.size(); ++i) {
    const auto it = before.find(config_.zones[i].id);
    if (it != before.end() && it->second == after[i]) continue;
    out.push_back(Named(config_, after, i));
  }
  statuses_ = after;
  return out;
}

void Panel::IndexRuntimes() {
  zone_runtimes_.clear();
  device_runtimes_.clear();
  zone_runtimes_.reserve(config_.zones.size());
  device_runtimes_.reserve(config_.zones.size());
  for (const ZoneConfig& zone : config_.zones) {
    zone_runtimes_.push_back(&state_->zones.at(zone.id));
    device_runtimes_.push_back(&state_->devices.at(zone.device));
  }
}

// Each configured zone's status and whether it is open, in config_.zones order. Computed after
// every input, so it is a plain vector and touches no map: homes with hundreds of zones pay
// this on every message.
StatusList Panel::Statuses() const {
  StatusList statuses;
  statuses.reserve(config_.zones.size());
  for (std::size_t i = 0; i < config_.zones.size(); ++i) {
    const ZoneRuntime& zone = *zone_runtimes_[i];
    statuses.push_back(
        ComputeZoneView(config_.zones[i], zone, *device_runtimes_[i], state_->armed_mode));
  }
  return statuses;
}

std::optional<MonoTime> Panel::NextDeadline(Now now) const {
  std::optional<MonoTime> next = NextDeadlineOf(*state_);
  if (!state_->watch) return next;
  const std::optional<WallTime> wall = state_->watch->NextWallDeadline();
  if (!wall) return next;
  // The watch's schedule is in wall-clock time. Converted with this call's reading of both
  // clocks, and never further ahead than kWallClockRecheck: a wall clock stepped meanwhile (NTP
  // at boot on a hub without a real-time clock, a manual correction) is noticed that soon.
  const Millis until = std::clamp<Millis>(*wall - now.wall, Millis{0}, kWallClockRecheck);
  const MonoTime due = now.mono + until;
  if (!next || due < *next) next = due;
  return next;
}

nlohmann::json Panel::Snapshot(Now now) const {
  return StateToJson(*state_, now);
}

PanelSnapshot Panel::SnapshotForStore(Now now) const {
  PanelSnapshot snapshot;
  snapshot.panel = StateToJson(*state_, now, /*with_zones=*/false);
  snapshot.replace_zones = !zones_stored_;
  for (std::size_t i = 0; i < config_.zones.size(); ++i) {
    const ZoneRuntime& zone = *zone_runtimes_[i];
    if (!snapshot.replace_zones && zone == stored_zones_[i]) continue;
    // Invalid UTF-8 (a lock state from a misbehaving bridge) becomes U+FFFD, never an exception.
    snapshot.zones.emplace_back(
        config_.zones[i].id,
        ZoneToJson(zone, now).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    snapshot.zone_indices.push_back(i);
  }
  return snapshot;
}

void Panel::Stored(const PanelSnapshot& snapshot) {
  if (snapshot.replace_zones) {
    stored_zones_.assign(config_.zones.size(), ZoneRuntime{});
    zones_stored_ = true;
  }
  if (!zones_stored_) return;
  for (const std::size_t i : snapshot.zone_indices) {
    if (i < stored_zones_.size()) stored_zones_[i] = *zone_runtimes_[i];
  }
}

Mode Panel::mode() const {
  return state_->mode;
}

Mode Panel::armed_mode() const {
  return state_->mode == Mode::kDisarmed ? Mode::kDisarmed : state_->armed_mode;
}

std::uint64_t Panel::next_seq() const {
  return state_->next_seq;
}

void Panel::SkipSeqsBelow(std::uint64_t seq) {
  state_->next_seq = std::max(state_->next_seq, seq);
}

const PanelConfig& Panel::config() const {
  return config_;
}

std::optional<ZoneChanged> Panel::zone_view(const std::string& zone_id) const {
  for (std::size_t i = 0; i < config_.zones.size(); ++i) {
    if (config_.zones[i].id == zone_id) return Named(config_, statuses_, i);
  }
  return std::nullopt;
}

std::vector<ActiveTrouble> Panel::troubles() const {
  return ActiveTroubles(config_, *state_);
}

std::vector<User> Panel::UsersWhoMayDisarm(WallTime now) const {
  std::vector<User> users = config_.users;
  if (state_->watch) {
    if (std::optional<User> keyholder = state_->watch->KeyholderUser()) {
      users.push_back(std::move(*keyholder));
    }
  }
  std::erase_if(users, [&](const User& user) { return !MayDisarm(user, *state_, now); });
  return users;
}

const std::vector<AlarmMemoryEntry>& Panel::alarm_memory() const {
  return state_->alarm_memory;
}

bool Panel::walk_test_running() const {
  return state_->walk_test.has_value();
}

const SilentHistory& Panel::silent_history() const {
  return state_->silent;
}

ZoneStatus Panel::zone_status(const std::string& zone_id) const {
  for (std::size_t i = 0; i < config_.zones.size(); ++i) {
    if (config_.zones[i].id == zone_id) return statuses_[i].status;
  }
  return ZoneStatus::kUnknown;
}

}  // namespace homesec
