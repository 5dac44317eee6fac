// Fuzz target body: Zigbee2MQTT messages from the local broker (Zigbee2MqttDecoder), handled
// as LocalInterface::HandleZigbee does. Input: "<topic>\n<payload>", several separated by NUL.
#include <string>

#include "daemon/pairing_relay.hpp"
#include "rules/json_limits.hpp"
#include "sensors/zigbee2mqtt_commands.hpp"
#include "sensors/zigbee2mqtt_decoder.hpp"
#include "tests/fuzz/fuzz_hub.hpp"
#include "tests/fuzz/fuzz_targets.hpp"
#include "tools/homesecctl/format.hpp"

namespace homesec::fuzz {
namespace {

// A pairing topic message as homesecctl pair reads it: valid JSON, and lines it can print.
void ConsumePairing(const std::vector<MqttOut>& out) {
  for (const MqttOut& message : out) {
    std::string error;
    const auto parsed = ParseJsonWithin(message.payload, JsonLimits{64 * 1024, 8}, &error);
    Require(parsed.has_value() && parsed->is_object(), "a pairing message is a JSON object");
    Require(!message.retain, "pairing messages are never retained");
    Consume(FormatPairingMessage(*parsed));
  }
}

// The pairing window open while the messages come (LocalInterface::RelayPairing): bridge/event
// lines and the permit_join response; a refusal closes the panel's window.
void Relay(const Z2mDecoded& decoded, bool retained, PairingRelay& relay, FuzzHub& hub) {
  if (retained) return;
  for (const BridgeEvent& event : decoded.events) {
    Require(event.ieee_address.empty() || event.ieee_address.size() == 18,
            "an IEEE address is 0x and 16 hex digits");
    ConsumePairing(relay.OnEvent(event, FuzzNow().wall));
  }
  if (!decoded.response) return;
  std::optional<std::string> refused;
  ConsumePairing(relay.OnResponse(*decoded.response, FuzzNow().wall, &refused));
  if (refused) hub.Handle(PairingRefused{*refused});
}

// What the shell does with one decoded message: readings to the panel, keypad requests as
// commands (never from a retained replay), the inventory comparison, the log's text.
void Handle(const Z2mDecoded& decoded, bool retained, const Zigbee2MqttDecoder& decoder,
            FuzzHub& hub) {
  Consume(decoded.error);
  for (const std::string& warning : decoded.warnings) Consume(warning);
  for (const BridgeNotice& notice : decoded.notices) {
    Consume(notice.kind + " " + notice.friendly_name + " " + notice.text);
  }
  for (const Reading& reading : decoded.readings) {
    Require(!reading.device.empty(), "a reading names its device");
    hub.Handle(reading);
  }
  int request = 0;
  for (const KeypadAction& keypad : decoded.keypad) {
    if (retained) continue;
    Command command;
    command.action = keypad.action;
    command.code = keypad.code;
    command.source = "keypad:" + keypad.device;
    command.request_id = "keypad-" + std::to_string(++request);
    hub.Handle(command);
  }
  if (decoded.devices) {
    for (const PairedDevice& device : *decoded.devices) {
      Consume(device.friendly_name);
      // What the shell would send a siren or keypad the inventory describes.
      const DeviceCapabilities* caps = decoder.CapabilitiesNamed(device.friendly_name);
      if (caps == nullptr) continue;
      for (const std::string& key : caps->Feeds()) Consume(key);
      for (const bool on : {true, false}) {
        const SirenRequest request{on, SirenReason::kFire, "very_high", on, Seconds{180}};
        if (auto out = SirenFromExposes(caps->siren, "z", device.friendly_name, request)) {
          Consume(out->payload);
        }
        if (auto out = SquawkFromExposes(caps->siren, "z", device.friendly_name, on, "low")) {
          Consume(out->payload);
        }
      }
    }
  }
  for (const std::string& name : decoder.unconfigured_paired()) Consume(name);
  for (const std::string& name : decoder.configured_unpaired()) Consume(name);
}

}  // namespace

void FuzzZigbeeDecoder(const std::uint8_t* data, std::size_t size) {
  Zigbee2MqttDecoder decoder(std::string(kZigbeeBase), ZigbeeDevices());
  // As the shell sets it up: the zones' needs, an explicit binding, the battery threshold.
  decoder.SetWatched({{"front_door", "contact"},
                      {"leak_sensor", "water_leak"},
                      {"panic_button", "panic"},
                      {"hall_pir", "occupancy"}});
  decoder.SetBindings({{"leak_sensor", "water_leak_alarm_2", "water_leak", {true, "alarm"}}});
  decoder.SetBatteryLowPercent(10);
  for (const std::string& subscription : decoder.Subscriptions()) Consume(subscription);
  FuzzHub hub;
  // Pairing open (anna, master) while the messages come, so bridge/event and permit_join
  // responses go the whole way: decoder, relay, homesecctl's lines, the panel's refusal.
  std::vector<DeviceConfig> devices;
  for (const auto& [id, name] : ZigbeeDevices()) {
    DeviceConfig device;
    device.id = id;
    device.source = ZigbeeDeviceConfig{name};
    devices.push_back(std::move(device));
  }
  PairingRelay relay(std::string(kZigbeeBase), "homesec/fuzz/pairing", devices,
                     FuzzPanelConfig().zones);
  Command pair;
  pair.action = CommandAction::kPair;
  pair.code = "1234";
  pair.pair_time = Seconds(120);
  pair.source = "homesecctl";
  pair.request_id = "pair-1";
  hub.Handle(pair);
  ConsumePairing(
      relay.Apply(PermitJoinRequest{Seconds(120), "hall door", "anna", "opened"}, FuzzNow().wall));
  // Up to kMaxMessages messages separated by NUL bytes (never part of a JSON payload), so that
  // the decoder's state is fuzzed too: an inventory, then states, availability, bridge events.
  constexpr int kMaxMessages = 8;
  std::string_view rest = AsText(data, size);
  for (int message = 0; message < kMaxMessages; ++message) {
    const std::size_t end = rest.find('\0');
    const auto [topic, payload] = SplitAtNewline(rest.substr(0, end));
    // Live first, then the same message as the broker replays it retained at subscribe time
    // (repeat suppression, initial readings, keypad requests dropped).
    for (const bool retained : {false, true}) {
      const Z2mDecoded decoded = decoder.Decode(topic, payload, retained);
      Handle(decoded, retained, decoder, hub);
      Relay(decoded, retained, relay, hub);
    }
    if (end == std::string_view::npos) break;
    rest = rest.substr(end + 1);
  }
  hub.Advance(Millis(150000));  // entry delays, door-held limits, availability grace run out
  ConsumePairing(relay.Apply(PermitJoinRequest{Seconds(0), "", "", "timeout"}, FuzzNow().wall));
}

}  // namespace homesec::fuzz
