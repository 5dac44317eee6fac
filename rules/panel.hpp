// The alarm panel: a pure state machine. state + input + now -> new state + actions. No I/O, no
// clock reads, no globals; the shell (daemon/) feeds it inputs, executes the actions it returns,
// arms a timer for NextDeadline(), and persists SnapshotForStore() together with the events in
// one transaction.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rules/event_json.hpp"
#include "rules/panel_config.hpp"
#include "rules/panel_snapshot.hpp"
#include "rules/types.hpp"

namespace homesec {

struct PanelState;  // panel_state.hpp
struct ZoneRuntime;
struct DeviceRuntime;

// How far ahead a wall-clock deadline (the watch's schedule) is trusted as a monotonic one.
inline constexpr Millis kWallClockRecheck{60000};

class Panel {
 public:
  // A new installation: disarmed, every zone unknown, first event seq 1.
  explicit Panel(PanelConfig config);
  // Resumes from a Snapshot(): armed stays armed, a running delay or siren resumes with the time
  // it had left (wall-clock time elapsed while down is subtracted), a vacant-house watch resumes
  // in its state. Never raises an alarm by itself. `error` is set and a fresh panel returned when
  // the snapshot is unreadable (an unreadable watch alone is dropped, with `error` set).
  static Panel Restore(PanelConfig config, const nlohmann::json& snapshot, Now now,
                       std::string* error);
  Panel(Panel&&) noexcept;
  Panel& operator=(Panel&&) noexcept;
  ~Panel();

  // Called once after construction or Restore(): announces state, zones, any resumed siren, the
  // watch registration (WatchChanged; cleared when there is none), a resumed walk test and the
  // alarm memory, and records a "system start" event.
  std::vector<Action> Start(Now now);
  std::vector<Action> Handle(const Input& input, Now now);
  // Replaces the installation config (reload), keeping mode, zone states and history.
  std::vector<Action> Reconfigure(PanelConfig config, Now now);

  // The earliest monotonic time at which Handle(Tick{}) has something to do, including the
  // vacant-house watch's wall-clock schedule converted with `now` (call it again after every
  // input and every timer: a watch deadline is at most kWallClockRecheck ahead).
  std::optional<MonoTime> NextDeadline(Now now) const;
  // The whole state in one JSON document (Restore reads it back).
  nlohmann::json Snapshot(Now now) const;
  // The same for the store, which keeps zones as rows of their own: the panel without its zones,
  // and the rows of the zones that changed since the last snapshot passed to Stored() — every
  // zone, replacing all rows, the first time after construction or Reconfigure. Until Stored()
  // is called (a commit that failed), the same zones are listed again next time.
  PanelSnapshot SnapshotForStore(Now now) const;
  void Stored(const PanelSnapshot& snapshot);

  Mode mode() const;
  Mode armed_mode() const;  // kDisarmed when not armed
  std::uint64_t next_seq() const;
  // Moves the sequence forward so the next event gets at least `seq` (never backwards). The
  // daemon uses it after a reboot that may have lost the newest commits, whose seqs the platform
  // may already have: a reused seq would be dropped there as a duplicate.
  void SkipSeqsBelow(std::uint64_t seq);
  const PanelConfig& config() const;
  ZoneStatus zone_status(const std::string& zone_id) const;
  // The zone as the local interface shows it (status and whether it is physically open, which
  // the status alone does not say for a zone in alarm or bypassed); nullopt for an unknown zone.
  std::optional<ZoneChanged> zone_view(const std::string& zone_id) const;
  // The troubles active now, devices' first, then zones', then the hub's.
  std::vector<ActiveTrouble> troubles() const;
  // The users whose own code disarms the panel at `now` (MayDisarm, rules/codes.hpp): of the
  // configured users and the vacant-house watch's keyholder, in that order.
  std::vector<User> UsersWhoMayDisarm(WallTime now) const;
  // What alarmed since the panel was last armed, until acknowledged (panel_memory.cpp).
  const std::vector<AlarmMemoryEntry>& alarm_memory() const;
  bool walk_test_running() const;
  // The silent events recorded so far, by which the local stream numbers its events.
  const SilentHistory& silent_history() const;

 private:
  Panel(PanelConfig config, std::unique_ptr<PanelState> state);
  PanelConfig config_;
  std::unique_ptr<PanelState> state_;
  // Each configured zone's view (ids left out), in config_.zones order, as of the last call that
  // changed the state (construction, Start, Handle, Reconfigure): Handle compares against it
  // instead of computing it again before every input.
  std::vector<ZoneChanged> statuses_;
  // The runtime of config_.zones[i] and of its device, found once per zone list (construction,
  // Reconfigure) rather than looked up by name for every zone after every input. Map nodes do
  // not move, and SyncZones is the only place that replaces them.
  std::vector<const ZoneRuntime*> zone_runtimes_;
  std::vector<const DeviceRuntime*> device_runtimes_;
  // The zones as last Stored(), in config_.zones order; valid once every zone has been stored
  // since construction or the last Reconfigure.
  std::vector<ZoneRuntime> stored_zones_;
  bool zones_stored_ = false;
  void IndexRuntimes();
  std::vector<ZoneChanged> Statuses() const;
};

}  // namespace homesec
