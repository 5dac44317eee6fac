// Fuzz target body: Zigbee2MQTT messages from the local broker (Zigbee2MqttDecoder), handled
// as LocalInterface::HandleZigbee does. Input: "<topic>\n<payload>", several separated by NUL.
#include <string>

#include "sensors/zigbee2mqtt_commands.hpp"
#include "sensors/zigbee2mqtt_decoder.hpp"
#include "tests/fuzz/fuzz_hub.hpp"
#include "tests/fuzz/fuzz_targets.hpp"

namespace homesec::fuzz {
namespace {

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
    }
    if (end == std::string_view::npos) break;
    rest = rest.substr(end + 1);
  }
  hub.Advance(Millis(150000));  // entry delays, door-held limits, availability grace run out
}

}  // namespace homesec::fuzz
