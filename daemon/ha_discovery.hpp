// Home Assistant: the retained discovery configs that make the hub appear in Home Assistant, and
// the payloads of the local topics they read. Everything Home Assistant shows is derived here
// from homesec's own views (zone meaning -> device class, zone view -> state), so that no other
// place can say it differently (docs/home-assistant.md):
// - the hub: one alarm_control_panel (which passes the typed code through to homesecd: code
//   REMOTE_CODE) with the panel's attributes, an event entity for refusals and notable events,
//   the vacant-house watch, and diagnostics (Zigbee bridge, district platform, troubles);
// - one Home Assistant device per physical device (via_device the hub): its zones' binary
//   sensors (and a lock zone's lock state), and for Zigbee devices online, battery and link
//   quality diagnostics.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/config.hpp"
#include "rules/json_limits.hpp"
#include "rules/types.hpp"
#include "sensors/zigbee2mqtt_commands.hpp"

namespace homesec {

// The local topics every part of the local interface agrees on.
struct LocalTopics {
  std::string prefix;  // homesec/<hub>
  std::string State() const { return prefix + "/state"; }
  std::string Command() const { return prefix + "/command"; }  // the shared one
  // The command topic only `account` may write (local_mqtt.command_accounts).
  std::string AccountCommand(const std::string& account) const {
    return prefix + "/command/" + account;
  }
  std::string CommandResult() const { return prefix + "/command/result"; }
  std::string Event() const { return prefix + "/event"; }
  std::string Zone(const std::string& zone_id) const { return prefix + "/zone/" + zone_id; }
  // One physical device's diagnostics (retained): available, battery, link quality, last seen.
  std::string Device(const std::string& device_id) const { return prefix + "/device/" + device_id; }
  std::string Availability() const { return prefix + "/availability"; }
  std::string Dispatch() const { return prefix + "/dispatch"; }
  // The panel's attributes (retained): delays, open/bypassed zones, who changed it ...
  std::string Panel() const { return prefix + "/panel"; }
  // The hub's diagnostics (retained): Zigbee bridge, district platform, active troubles.
  std::string Hub() const { return prefix + "/hub"; }
  // Refusals and notable events for Home Assistant's event entity (not retained).
  std::string Notice() const { return prefix + "/notice"; }
  std::string Watch() const { return prefix + "/watch"; }
  // Zigbee pairing progress while the network is open to joins (not retained).
  std::string Pairing() const { return prefix + "/pairing"; }
  // Walk test progress while one runs (not retained): docs/installer-guide.md.
  std::string WalkTest() const { return prefix + "/walk_test"; }
};
LocalTopics MakeLocalTopics(const AppConfig& config);
// The one topic level right below `parent` (which ends in '/'): the zone of
// "<prefix>/zone/<zone>"; nullopt for the parent itself or anything deeper.
std::optional<std::string> ChildLevel(std::string_view parent, std::string_view topic);

// The alarm panel's command_template: JSON with the action, the typed code, a request id and
// the time, so that a captured command cannot be replayed.
extern const char* const kCommandTemplate;

// Home Assistant's binary_sensor device_class for a zone ("door", "window", "smoke" ...).
std::string DeviceClassFor(const ZoneConfig& zone);

// What the Zigbee2MQTT inventory adds to a configured device (by DeviceId).
struct DeviceFacts {
  std::string model;
  std::string vendor;
  std::string ieee;           // its IEEE address: the device also joins Zigbee2MQTT's own HA device
  bool battery = false;       // it exposes battery or battery_low
  std::string description{};  // definition.description ("Aqara door & window contact sensor")
  bool operator==(const DeviceFacts&) const = default;
};

// How much of a retained document homesecd reads back (its own discovery, zone and watch
// documents are a few KiB and shallow).
inline constexpr JsonLimits kOwnDocumentLimits{16 * 1024, 8, 2048};

// Every discovery message (retained). Empty when discovery is off.
std::vector<MqttOut> DiscoveryMessages(const AppConfig& config,
                                       const std::map<std::string, DeviceFacts>& facts = {});
// The filter that finds every retained discovery config on the broker, homesecd's among them.
std::string DiscoverySubscription(const AppConfig& config);
// Whether a retained discovery config is one homesecd published for this hub (its unique_id
// says so): one the current config no longer makes is cleared (a removed zone, discovery off).
bool IsOwnDiscovery(const AppConfig& config, std::string_view topic, std::string_view payload);

// The event entity's event types, and the notices for a command result or a local event
// (nullopt: not one Home Assistant is told of). Each notice is {"event_type": ..., details}.
const std::vector<std::string>& NoticeTypes();
std::optional<nlohmann::json> NoticeForResult(const CommandResult& result);
std::optional<nlohmann::json> NoticeForEvent(const Event& event);

// The retained zone topic's document.
nlohmann::json ZonePayload(const ZoneChanged& zone);

}  // namespace homesec
