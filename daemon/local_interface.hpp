// The hub's own broker: the Home Assistant-compatible interface (retained state and zones,
// commands and their results, events, discovery, availability) and Zigbee2MQTT (readings and
// keypad requests in; siren warnings and keypad arm_mode replies/sync out). It executes the
// panel actions that face the local broker; silent events (duress, silent panic) are never
// published here, leave no gap in the local numbering, and their platform statuses stay
// unpublished. Commands are checked against replays (request ids, times) before the panel
// sees them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "daemon/config.hpp"
#include "daemon/event_loop.hpp"
#include "daemon/ha_discovery.hpp"
#include "daemon/local_command.hpp"
#include "daemon/mqtt_client.hpp"
#include "daemon/pairing_relay.hpp"
#include "daemon/uplink.hpp"
#include "rules/event_json.hpp"
#include "rules/types.hpp"
#include "sensors/zigbee2mqtt_decoder.hpp"

namespace homesec {

struct LocalHooks {
  std::function<void(const Reading& reading)> on_reading;
  std::function<void(const Command& command)> on_command;
  // The panel's silent events (rules/event_json.hpp): the local stream numbers around them.
  std::function<const SilentHistory&()> silent_history;
  // The troubles active now (Panel::troubles), for the hub's diagnostics.
  std::function<std::vector<ActiveTrouble>()> troubles;
  // Zigbee2MQTT refused the panel's permit_join (the panel closes its pairing window).
  std::function<void(const PairingRefused& refused)> on_pairing_refused;
};

// Where the last bridge/devices inventory is kept (next to the database), for --check-config.
std::string InventoryPath(const AppConfig& config);
// Its text; nullopt when there is none, or it is larger than any the bridge may send.
std::optional<std::string> ReadSavedInventory(const AppConfig& config);
// What a config gets wrong against an inventory: zones watching a property their device does not
// expose, configured devices not paired (one line each, "<friendly name>: ...").
std::vector<std::string> CheckInventory(const AppConfig& config, std::string_view inventory);

class LocalInterface {
 public:
  LocalInterface(EventLoop& loop, const AppConfig& config, LocalHooks hooks);
  ~LocalInterface();

  void Start();
  // Publishes availability "offline" and disconnects cleanly.
  void Stop();
  bool connected() const { return client_->connected(); }

  // The panel's actions that concern the local broker (others are ignored).
  void Apply(const Action& action);
  // A platform status for an event: shown to residents on .../event and retained .../dispatch.
  void PublishDispatch(const PlatformAck& ack);
  // The district platform link, for the hub's diagnostics.
  void SetUplinkOnline(bool online);

  const Zigbee2MqttDecoder::Counters& z2m_counters() const { return decoder_.counters(); }

 private:
  const SilentHistory& Silent() const;
  struct KeypadRequest {
    std::string friendly_name;
    std::optional<int> transaction;
  };

  void OnConnect();
  void OnMessage(const MqttMessage& message);
  // A retained topic of homesecd's own that the current config no longer makes (a removed
  // zone or device, discovery turned off): cleared.
  void ClearIfStale(const MqttMessage& message);
  void ClearRetained(const std::string& topic);
  // Sends the discovery configs that differ from what this connection sent.
  void PublishDiscovery();
  // The Home Assistant views: panel attributes, hub diagnostics, one device's diagnostics.
  void PublishPanel();
  void PublishHub();
  // The panel or hub document may have changed: both are published once the current decision
  // is through (PublishPanel/PublishHub send only what differs from what they sent).
  void ViewsChanged();
  void PublishDevice(const std::string& device_id);
  void FlushDevices();
  void NoteDevice(const Z2mDecoded& decoded, bool retained);
  void NoteInventory(const std::vector<PairedDevice>& devices);
  // The configured devices' IEEE addresses from the inventory, for the pairing relay.
  void NoteAddresses();
  std::map<std::string, DeviceFacts> FactsOf(const std::vector<PairedDevice>& devices) const;
  void Notify(const std::optional<nlohmann::json>& notice);
  void HandleCommand(const MqttMessage& message, const std::string& source);
  // The arm/disarm chirp on the Zigbee sirens configured with "squawk": true.
  void Squawk(bool armed);
  void HandleZigbee(const MqttMessage& message);
  // A zone whose device has reported for unbound_grace_s without ever sending the zone's
  // property: logged with the keys it does send, and a sensor trouble (rules: "unbound").
  void NoteZigbeeState(const Z2mDecoded& decoded);
  void CheckUnbound();
  Millis UnboundCheckEvery() const;
  void PublishResult(const CommandResult& result);
  void ReplyToKeypad(const CommandResult& result);
  void SyncKeypads();
  void DriveSirens(const SetOutput& output);
  void DriveSiren(const OutputConfig& out, const SetOutput& output);
  void Send(const MqttOut& out, int qos = 0);
  void PublishWatch(const WatchChanged& watch);
  // Zigbee pairing: bridge/event and bridge/response/permit_join for the pairing relay.
  void RelayPairing(const Z2mDecoded& decoded, bool retained);
  std::string FriendlyName(const std::string& device_id) const;
  // Whether a panic_24h zone watches the device's "panic".
  bool PanicZoneOf(const std::string& device_id) const;

  EventLoop& loop_;
  AppConfig config_;
  LocalTopics topics_;
  LocalHooks hooks_;
  Zigbee2MqttDecoder decoder_;
  std::vector<std::pair<std::string, std::string>> watched_;  // (DeviceId, property) of zones
  PairingRelay pairing_;
  std::unique_ptr<MqttClient> client_;
  // What is retained, republished after a reconnect (a broker restart loses it).
  std::optional<StateChanged> state_;
  std::map<std::string, ZoneChanged> zones_;
  std::optional<WatchChanged> watch_;  // the retained <prefix>/watch
  bool watch_published_ = false;       // watch_'s final document went out already
  std::map<std::string, KeypadRequest> keypad_requests_;  // request_id -> where to reply
  std::set<std::string> keypads_;                         // friendly names kept in sync
  std::map<std::string, std::string> command_sources_;    // command topic -> command source
  std::uint64_t next_request_ = 1;
  struct ZigbeeSeen {
    MonoTime first{};
    std::set<std::string> keys;  // at most kMaxReportedKeys
  };
  std::map<std::string, ZigbeeSeen> zigbee_seen_;      // DeviceId -> first state, keys
  std::set<std::pair<std::string, std::string>> fed_;  // watched pairs a reading came for
  std::set<std::pair<std::string, std::string>> said_unbound_;
  EventLoop::TimerId unbound_timer_ = 0;
  // Home Assistant's views (ha_discovery.hpp).
  std::map<std::string, std::string> discovery_sent_;  // topic -> payload, this connection
  std::map<std::string, DeviceFacts> facts_;           // DeviceId -> from the inventory
  struct DeviceDiagnostics {
    std::optional<bool> available;
    std::optional<double> battery;
    std::optional<bool> battery_low;
    std::optional<double> linkquality;
    std::optional<WallTime> last_seen;
    bool dirty = false;  // changed since published (link quality and last seen wait a while)
  };
  std::map<std::string, DeviceDiagnostics> diagnostics_;  // DeviceId (Zigbee) ->
  EventLoop::TimerId device_flush_timer_ = 0;
  EventLoop::TimerId views_timer_ = 0;
  std::optional<bool> bridge_online_;
  std::optional<bool> uplink_online_;
  std::string changed_by_;    // who armed or disarmed last
  std::string triggered_by_;  // the zone whose alarm came first, until disarm
  std::optional<nlohmann::json> last_dispatch_;
  std::vector<AlarmMemoryEntry> alarm_memory_;  // the panel's, for its attributes
  std::optional<WallTime> delay_ends_;          // when the exit or entry delay running now ends
  std::string panel_sent_;                      // the last panel and hub documents sent
  std::string hub_sent_;
  static constexpr Millis kDeviceFlush{30000};
  std::map<std::string, EventLoop::TimerId> siren_off_timers_;  // output id -> its stop
  // Request ids already used on the command topic (kept next to the database).
  std::unique_ptr<ReplayGuard> replay_;
  // The silent events so far: the local event stream is numbered without them, and platform
  // statuses for them are never shown here (rules/event_json.hpp).
};

}  // namespace homesec
