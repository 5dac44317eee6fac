// The district link: MQTT v5 to the district broker under <prefix>/<district>/<hub>/. Sends the
// SQLite outbox (QoS 1, a bounded window of events the platform has not acknowledged yet,
// urgent events allowed past it), takes them out of the outbox only on the platform's
// {"id","status":"received"} ack, resends every unacknowledged event after a reconnect or a
// restart, publishes status (online / the "offline" will) and heartbeats, and reports link
// changes so the panel can raise and restore the communication trouble (Contact ID 350).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/config.hpp"
#include "daemon/event_loop.hpp"
#include "daemon/mqtt_client.hpp"
#include "daemon/replay_guard.hpp"
#include "rules/types.hpp"
#include "store/store.hpp"

namespace homesec {

// A platform ack parsed: {"id": "<hub>:<seq>", "status": "...", "note": "..."}.
struct PlatformAck {
  std::uint64_t seq = 0;
  std::string id;
  std::string status;
  std::string note;
};
// nullopt and `error` (why) for anything else; an id for another hub is an error too.
std::optional<PlatformAck> ParsePlatformAck(const std::string& payload, const std::string& hub_id,
                                            std::string* error);
// A watch ack on the same topic: {"watch_id": "...", "status": "registered"}. nullopt when the
// payload is not one (no "watch_id"); nullopt and `error` when it is one but malformed.
std::optional<WatchAck> ParseWatchAck(const std::string& payload, std::string* error);
// A platform command {"action": "patrol_check_in", "officer", "note", "request_id"} as the panel
// command; nullopt and `error` when malformed.
std::optional<Command> ParsePatrolCheckIn(const nlohmann::json& json, std::string* error);

// A command on .../command: {"action": "status_request" | "silence_siren" | "patrol_check_in" |
// "note", ...}. nullopt and `error` (why, printable) for anything else.
struct PlatformCommand {
  enum class Kind { kStatusRequest, kSilenceSiren, kPatrolCheckIn, kNote };
  Kind kind = Kind::kStatusRequest;
  Command command;               // kSilenceSiren, kPatrolCheckIn: the panel command
  std::string text;              // kNote
  std::optional<WallTime> sent;  // the "time" the platform stamped it with, if any
};
std::optional<PlatformCommand> ParsePlatformCommand(const std::string& payload, std::string* error);

// The uplink topics for one hub.
struct UplinkTopics {
  std::string base;  // <prefix>/<district>/<hub>
  std::string Events() const { return base + "/events"; }
  std::string Ack() const { return base + "/ack"; }
  std::string Status() const { return base + "/status"; }
  std::string Heartbeat() const { return base + "/heartbeat"; }
  std::string Watch() const { return base + "/watch"; }
  std::string Command() const { return base + "/command"; }
};
UplinkTopics MakeUplinkTopics(const UplinkConfig& uplink, const HubConfig& hub);

struct UplinkHooks {
  std::function<void(bool connected)> on_link;  // transitions only
  // A later platform status (dispatched, on_scene, closed) for one of our events.
  std::function<void(const PlatformAck& ack)> on_dispatch;
  // A command from the platform (remote siren silence, patrol check-in).
  std::function<void(const Command& command)> on_command;
  // The platform acknowledged the vacant-house watch registration.
  std::function<void(const WatchAck& ack)> on_watch_ack;
  // Extra heartbeat fields (mode, ...).
  std::function<nlohmann::json()> heartbeat_fields;
};

class Uplink {
 public:
  // `request_ids_path`: where the request ids of the platform's commands are remembered across
  // restarts ("" = in memory only), so that a command redelivered or replayed acts once.
  Uplink(EventLoop& loop, Store& store, const UplinkConfig& uplink, const HubConfig& hub,
         const std::string& request_ids_path, UplinkHooks hooks);
  ~Uplink();

  void Start();
  // Publishes "offline" (retained) and disconnects cleanly.
  void Stop();
  // New events were committed to the outbox: send what the window allows.
  void Kick();
  // Events the store could not commit (full disk): sent from memory like outbox entries, in the
  // same order, until ForgetUncommitted() once the commit has succeeded (they are then in the
  // outbox) — so an alarm reaches the platform even while the disk refuses it.
  void SendUncommitted(std::vector<OutboxEntry> entries);
  void ForgetUncommitted();
  // The watch registration changed: publish it retained on .../watch (the final document and
  // then an empty retained message when `cleared`); republished after every reconnect.
  void SetWatch(const WatchChanged& watch);
  bool connected() const { return client_->connected(); }

  struct Counters {
    std::uint64_t published = 0;
    std::uint64_t resent = 0;
    std::uint64_t acks = 0;
    std::uint64_t unknown_acks = 0;
    std::uint64_t malformed_acks = 0;
  };
  const Counters& counters() const { return counters_; }

 private:
  void OnConnect();
  void OnDisconnect();
  void OnMessage(const MqttMessage& message);
  void HandleAck(const std::string& payload);
  void HandleCommand(const std::string& payload);
  void Pump();
  void PublishHeartbeat();
  void ScheduleHeartbeat();
  void ScheduleAckTimeout();
  Millis AckTimeout(std::uint64_t seq) const;
  void SetLink(bool connected);
  void PublishWatch();

  EventLoop& loop_;
  Store& store_;
  UplinkConfig config_;
  HubConfig hub_;
  UplinkTopics topics_;
  UplinkHooks hooks_;
  std::unique_ptr<MqttClient> client_;
  std::unique_ptr<ReplayGuard> replay_;  // the platform's commands
  // Published on this connection and not yet acknowledged by the platform: seq -> sent at.
  std::map<std::uint64_t, MonoTime> awaiting_ack_;
  std::map<std::uint64_t, int> attempts_;             // seq -> sends, to count resends
  std::map<std::uint64_t, OutboxEntry> uncommitted_;  // SendUncommitted, by seq
  // Uncommitted events the platform acknowledged: never taken again, dropped from the outbox
  // once committed (ForgetUncommitted).
  std::set<std::uint64_t> acked_uncommitted_;
  // Published since start and not yet acknowledged "received": the only seqs a "received" ack
  // may name.
  std::set<std::uint64_t> sent_;
  std::optional<bool> link_;           // last reported link state
  std::optional<WatchChanged> watch_;  // the retained .../watch, republished on connect
  bool watch_final_sent_ = false;      // watch_'s final document reached the broker
  EventLoop::TimerId heartbeat_timer_ = 0;
  EventLoop::TimerId ack_timer_ = 0;
  EventLoop::TimerId startup_timer_ = 0;
  MonoTime started_{};
  Counters counters_;
};

}  // namespace homesec
