// homesecctl's side of the local MQTT interface (docs/protocol.md): the command request it
// publishes on <topic_prefix>/command, recognising its own reply on .../command/result, and
// assembling the panel status from the retained .../state, .../availability and .../zone/<id>.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/config.hpp"
#include "rules/types.hpp"
#include "tools/homesecctl/args.hpp"

namespace homesec {

// {"action": "ARM_AWAY", "code": "1234", "force": false, "request_id": "..."}; no "code" key
// when `code` is empty. homesecctl adds "time" when it sends it (ctl_daemon.cpp).
nlohmann::json MakeCommandRequest(CommandAction action, const std::optional<std::string>& code,
                                  bool force, const std::string& request_id);

// {"action": "BYPASS", "zone": "...", "until_disarm": false, "request_id": "...", "code": "..."}
// for `homesecctl bypass`, UNBYPASS (no "until_disarm") for `homesecctl unbypass`; no "code" key
// when `code` is empty.
nlohmann::json MakeBypassRequest(const CtlArgs& args, const std::optional<std::string>& code,
                                 const std::string& request_id);

// {"action": "PAIR", "seconds": N, "device"?: "...", "code": "...", "request_id": "..."} for
// `homesecctl pair`, or with `stop` {"action": "PAIR_STOP", "code", "request_id"} (Ctrl-C).
nlohmann::json MakePairRequest(const CtlArgs& args, const std::string& code, bool stop,
                               const std::string& request_id);

// {"action": "WALK_TEST", "seconds": N, "zones"?: [...], "code", "request_id"} for `homesecctl
// walk-test`, or with `stop` {"action": "WALK_TEST_STOP", "code", "request_id"} (--stop, Ctrl-C).
nlohmann::json MakeWalkTestRequest(const CtlArgs& args, const std::string& code, bool stop,
                                   const std::string& request_id);

// The alarm memory as the disarm result and the <prefix>/panel attributes carry it
// (daemon/local_command.hpp AlarmMemoryToJson); entries that are not readable are left out.
std::vector<AlarmMemoryEntry> AlarmMemoryFrom(const nlohmann::json& list);

// {"action": "TROUBLE_ACK", "code": "...", "trouble"?: "battery_low:front_door", "request_id"}
// for `homesecctl troubles --ack [--trouble ID]`.
nlohmann::json MakeTroubleAckRequest(const CtlArgs& args, const std::string& code,
                                     const std::string& request_id);

// WATCH_START / WATCH_EXTEND / WATCH_CANCEL with the resident's code and, for WATCH_START with a
// keyholder, the keyholder's PIN inside "watch" (docs/vacant-house-watch.md).
nlohmann::json MakeWatchRequest(const CtlArgs& args, const std::string& code,
                                const std::string& keyholder_pin, const std::string& request_id);

// The result for `request_id`, or nullopt when the payload is someone else's reply or not a
// result at all (other clients' replies share the topic).
std::optional<CommandResult> ParseCommandReply(std::string_view payload,
                                               const std::string& request_id);

struct ZoneView {
  std::string id;
  std::string name;          // from the config, may be empty
  std::string status;        // "closed", "open", "bypassed", "alarm", "trouble", "unknown"
  std::optional<bool> open;  // nullopt: homesecd has published nothing for the zone
  // From the config (empty for a zone only the broker knows): what the zone's state means.
  std::string type{};
  std::string property{};  // the zone's property, its type's usual one when the config names none
  std::string device{};
  // The zone topic's facts (docs/protocol.md §3.6).
  bool known = false;
  bool available = true;
  bool bypassed = false;
  bool alarm = false;
  bool trouble = false;
  bool battery_low = false;
  std::string lock_state{};
};

// A configured device and its diagnostics (<prefix>/device/<id>, Zigbee only).
struct DeviceView {
  std::string id;
  std::string source;  // "zigbee <friendly name>" or "gpio <chip> line <n>"
  std::string friendly_name;
  // What it is: Zigbee2MQTT's definition (vendor, model, description; empty until homesecd
  // published them) or, for a GPIO line, "GPIO line" with its chip and line.
  std::string vendor{};
  std::string model{};
  std::string description{};
  std::vector<std::string> zones;  // the zones it feeds
  bool published = false;          // homesecd published its diagnostics
  std::optional<bool> available;
  std::optional<double> battery;
  std::optional<bool> battery_low;
  std::optional<double> linkquality;
  std::string last_seen;  // RFC 3339, empty when never
};

// The hub's diagnostics (<prefix>/hub).
struct HubView {
  bool published = false;
  std::optional<bool> bridge_online;
  std::optional<bool> uplink_online;
  std::vector<ActiveTrouble> troubles;
};

struct PanelStatus {
  std::optional<std::string> state;  // Home Assistant state string; nullopt = never published
  std::string availability;          // "online", "offline" or "" (never published)
  std::vector<ZoneView> zones;       // config order, then zones only the broker knows
  std::vector<DeviceView> devices;   // config order
  HubView hub;
  // From the <prefix>/panel attributes: what alarmed since the panel was last armed.
  bool panel_published = false;
  std::vector<AlarmMemoryEntry> alarm_memory;
};

// A field of a message from the broker, only when it has the type asked for (nlohmann's value()
// throws on a wrong type; anything on the broker may have written it): "", nullopt otherwise.
std::string StringField(const nlohmann::json& json, const char* key);
std::optional<bool> OptionalBool(const nlohmann::json& json, const char* key);
std::optional<double> OptionalNumber(const nlohmann::json& json, const char* key);

// The status before any message: every configured zone, unknown, and every configured device.
PanelStatus InitialStatus(const AppConfig& config);
// Folds one retained message (state, availability, a zone, a device, the hub, the panel's
// attributes) into `status`;
// false when the topic is not a status topic.
bool ApplyStatusMessage(const std::string& topic_prefix, const std::string& topic,
                        std::string_view payload, PanelStatus& status);

}  // namespace homesec
