// Zigbee2MQTT (z2m) in: turns `<base>/...` MQTT messages from the local broker into the panel's
// normalised Readings (rules/types.hpp), keypad requests, bridge notices for the log and the
// paired-device inventory. Stateful only to drop values z2m repeats from its state cache.
// Never throws: bad input comes back as `error` (whole message rejected) or `warnings` (one
// property rejected, the rest of the message still decoded) plus a counter.
// See docs/devices.md for the property mapping and tests/data/zigbee2mqtt-corpus.md for the
// device behaviour it is built on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "rules/types.hpp"
#include "sensors/zigbee2mqtt_exposes.hpp"

namespace homesec {

struct MappedValue;  // zigbee2mqtt_properties.hpp

inline constexpr std::size_t kMaxReportedKeys = 32;

// Larger payloads are rejected unparsed. A device state message is a few hundred bytes; only
// the retained bridge/devices inventory gets the larger cap: 2-5 KiB per device with its exposes
// (tests/data), so about 1 MiB for the 300 devices of a very large home network; 4 MiB leaves
// room while bounding what parsing it can cost.
inline constexpr std::size_t kMaxPayloadBytes = 64 * 1024;
inline constexpr std::size_t kMaxInventoryPayloadBytes = 4 * 1024 * 1024;

// A keypad request (IAS ACE): arm/disarm with a code, or a panic/emergency/fire button.
struct KeypadAction {
  std::string device;  // DeviceId
  CommandAction action = CommandAction::kDisarm;
  std::optional<std::string> code;  // action_code as typed (a string: leading zeros count)
  std::optional<int> transaction;   // action_transaction: echo it in the arm_mode reply
  std::string raw_action;           // "arm_all_zones", "emergency", ...
};

// Something the bridge said that belongs in the log (never a zone state).
struct BridgeNotice {
  // "bridge_online", "bridge_offline", "device_joined", "device_announce", "device_left",
  // "interview" (text: started | failed | successful), "pairing" (other legacy 1.x pairing
  // messages), "devices" (inventory received), "not_paired" (a configured friendly name the
  // inventory lacks), "not_exposed" (a zone watches a property its device's definition does
  // not expose; text names what it does expose), "response" (bridge/response/<request>:
  // "<request>: ok" or "<request>: error: ...")
  std::string kind;
  std::string friendly_name;  // empty for bridge-wide notices
  std::string text;
};

// A device event on bridge/event, structured for the pairing relay (daemon/pairing_relay.hpp).
// Zigbee2MQTT (lib/extension/bridge.ts) publishes {"type", "data": {"friendly_name",
// "ieee_address"}} for device_joined, device_announce and device_leave, and device_interview
// with data.status started | successful | failed; a successful one adds data.supported and
// data.definition {model, vendor, description, exposes, ...} (null for an unsupported device).
// Text from outside is cut and made printable here; nothing is echoed raw.
struct BridgeEvent {
  std::string type;  // "device_joined" | "device_announce" | "device_leave" | "device_interview"
  std::string friendly_name;
  std::string ieee_address;  // "0x" and 16 hex digits, or empty when the bridge sent other
  std::string status;        // device_interview: "started" | "successful" | "failed"
  std::string model;         // successful interviews of supported devices
  std::string vendor;
  std::string description;
  std::optional<bool> supported;  // successful interviews
};

// bridge/response/<request>: {"data": {...}, "status": "ok" | "error", "error"?, "transaction"?}.
struct BridgeResponse {
  std::string request;  // "permit_join", "device/rename", ...
  bool ok = false;
  std::string error;  // status "error": Zigbee2MQTT's message (printable, cut)
  // The request's transaction echoed back (a number or a string: the frontend uses strings),
  // as text; nullopt when the response carries none.
  std::optional<std::string> transaction;
  std::optional<int> time;  // permit_join: data.time (2.x, and 1.x with a time)
};

// One entry of bridge/devices (or the legacy bridge/log "devices" list).
struct PairedDevice {
  std::string friendly_name;
  std::string ieee_address;
  std::string model;  // definition.model; empty for the coordinator / unsupported devices
  std::string vendor;
  std::string description;
  std::string type;  // Coordinator | Router | EndDevice
  bool supported = false;
  bool interview_completed = false;
};

struct Z2mDecoded {
  std::vector<Reading> readings;  // normalised, only values that changed (or events)
  std::vector<KeypadAction> keypad;
  std::vector<BridgeNotice> notices;
  std::vector<BridgeEvent> events;                   // bridge/event device events
  std::optional<BridgeResponse> response;            // a bridge/response/<request>
  std::optional<std::vector<PairedDevice>> devices;  // set when an inventory arrived
  std::string error;                                 // non-empty: the whole message was rejected
  // A configured device's state message: its DeviceId and the keys it carried (at most
  // kMaxReportedKeys), for "it sends ..." messages.
  std::string device;
  std::vector<std::string> keys;
  std::vector<std::string> warnings;  // properties rejected (wrong type / unknown value)
  std::optional<double> linkquality;  // a state message's link quality (LQI), when it has one
};

class Zigbee2MqttDecoder {
 public:
  // `devices`: (DeviceId, friendly name) for every configured Zigbee device.
  Zigbee2MqttDecoder(std::string base_topic,
                     std::vector<std::pair<std::string, std::string>> devices);

  // What to subscribe to on the local broker: "<base>/#".
  std::vector<std::string> Subscriptions() const;

  // The (DeviceId, panel property) pairs zones watch, checked against each inventory.
  void SetWatched(std::vector<std::pair<std::string, std::string>> watched);
  // Zones' explicit key bindings (zones[].zigbee_property).
  void SetBindings(const std::vector<KeyBinding>& bindings);
  // A device without battery_low reports low battery when its battery percentage is at most
  // this, and OK again from 5 points above it (no flapping around the threshold).
  void SetBatteryLowPercent(double percent) { battery_low_percent_ = percent; }
  static constexpr double kBatteryRestoreMargin = 5;
  // A configured device's exposes from the last inventory; nullptr before one named it.
  const DeviceCapabilities* CapabilitiesOf(const std::string& device) const;
  // Any paired device's (a siren's, a keypad's) by its friendly name.
  const DeviceCapabilities* CapabilitiesNamed(const std::string& friendly_name) const;

  // Decodes one message. `retained`: the broker's retain flag (a replay at subscribe time);
  // readings from it carry Reading::initial = true.
  Z2mDecoded Decode(std::string_view topic, std::string_view payload, bool retained);

  struct Counters {
    std::uint64_t messages = 0;        // every Decode call
    std::uint64_t readings = 0;        // readings emitted
    std::uint64_t keypad_actions = 0;  // keypad requests emitted
    std::uint64_t malformed = 0;       // not JSON / not an object where one is required
    std::uint64_t bad_values = 0;      // a property with a wrong type or unknown value
    std::uint64_t unknown_device = 0;  // friendly name not in the config (error on the first)
    std::uint64_t oversized = 0;       // payload over the cap
    std::uint64_t ignored = 0;         // our own /set traffic, cleared retained topics, ...
  };
  const Counters& counters() const { return counters_; }

  // The friendly names from the last inventory that no configured device uses, and the
  // configured names the inventory lacks (for the installer; empty before an inventory).
  const std::vector<std::string>& unconfigured_paired() const { return unconfigured_paired_; }
  const std::vector<std::string>& configured_unpaired() const { return configured_unpaired_; }

 private:
  struct Target;  // what a topic addresses
  Target Route(std::string_view rest) const;
  void DecodeState(const std::string& device, std::string_view payload, bool retained,
                   Z2mDecoded* out);
  void DecodeObject(const std::string& device, const nlohmann::json& object, bool retained,
                    Z2mDecoded* out);
  void DecodeAttribute(const std::string& device, const std::string& attribute,
                       std::string_view payload, bool retained, Z2mDecoded* out);
  void DecodeAvailability(const std::string& device, std::string_view payload, bool retained,
                          Z2mDecoded* out);
  void DecodeBridge(const std::string& subtopic, std::string_view payload, bool retained,
                    Z2mDecoded* out);
  void SetBridgeOnline(bool online, bool retained, Z2mDecoded* out);
  void CompareInventory(const std::vector<PairedDevice>& paired, Z2mDecoded* out);
  void CheckExposes(Z2mDecoded* out);
  // The value `property` of `device` has now: the most severe of `changed` and the latest values
  // of the other family keys that feed it.
  Value MostSevereState(const std::string& device, const std::string& property,
                        const Value& changed) const;
  bool IsBound(const std::string& device, const std::string& key) const;
  // A battery_low reading from the battery percentage, for devices without battery_low.
  void DeriveBatteryLow(const std::string& device, std::vector<MappedValue>& values);
  // Appends a reading unless it repeats the last value (events always pass).
  void Emit(const std::string& device, const std::string& property, const Value& value,
            bool retained, bool event, Z2mDecoded* out);

  std::string base_;
  std::map<std::string, std::string> id_by_name_;  // friendly name -> DeviceId
  // (device, property) and (device, "property@z2m key") -> last value
  std::map<std::pair<std::string, std::string>, Value> last_;
  std::map<std::string, bool> device_available_;              // from <name>/availability
  std::map<std::string, DeviceCapabilities> capabilities_;    // friendly name -> exposes
  std::map<std::string, std::string> name_by_id_;             // DeviceId -> friendly name
  std::map<std::string, std::vector<KeyBinding>> bindings_;   // DeviceId -> bindings
  std::vector<std::pair<std::string, std::string>> watched_;  // (DeviceId, property)
  double battery_low_percent_ = 10;
  std::set<std::string> reports_battery_low_;        // devices that sent battery_low themselves
  std::map<std::string, bool> battery_low_derived_;  // DeviceId -> derived low
  static constexpr std::size_t kMaxRememberedUnknown = 1024;
  std::set<std::string> unknown_names_;  // unknown friendly names already reported
  bool bridge_known_ = false;            // a bridge/state has been seen
  bool bridge_offline_ = false;
  std::vector<std::string> unconfigured_paired_;
  std::vector<std::string> configured_unpaired_;
  Counters counters_;
};

}  // namespace homesec
