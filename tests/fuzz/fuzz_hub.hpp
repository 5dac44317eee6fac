// What the fuzz targets share: a realistic installation (every zone type, Zigbee devices whose
// friendly names come from the real corpus, users with PINs), a hub that runs the pure panel and
// serialises every action exactly as the shell publishes or stores it, and small input helpers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rules/panel.hpp"
#include "rules/time.hpp"
#include "rules/types.hpp"

namespace homesec::fuzz {

inline constexpr std::string_view kHubId = "fuzz-hub-0001";
inline constexpr std::string_view kZigbeeBase = "zigbee2mqtt";

// A fixed "now" (late 2026) so that every run of an input does the same thing.
Now FuzzNow();

// Zones of every type over the devices of ZigbeeDevices(); users anna 1234 (master), ben 2345
// (user), cleaner 3456 (arm_only), keyholder 5555, anna-duress 9999 (hashed with few iterations:
// the targets check parsing, not the work factor).
const PanelConfig& FuzzPanelConfig();
// (DeviceId, friendly name) of the configured Zigbee devices, as the daemon passes them to the
// decoder. The names include '/', spaces and IEEE addresses, as real installations have.
const std::vector<std::pair<std::string, std::string>>& ZigbeeDevices();
// The friendly name of a configured device id (the id itself when unknown).
std::string FriendlyName(const std::string& device_id);

// The input as text (any bytes), and split at the first '\n' (no '\n': all of it is `first`).
std::string_view AsText(const std::uint8_t* data, std::size_t size);
std::pair<std::string_view, std::string_view> SplitAtNewline(std::string_view text);

// Keeps a serialised result alive so the work is not optimised away.
void Consume(std::string_view text);
// An invariant of a parser's result; prints `what` and aborts (a crash for libFuzzer) when false.
void Require(bool condition, const char* what);

// The panel with the shell's output side: every action is serialised the way LocalInterface,
// the uplink and the store do (command/result, event, zone, watch and keypad payloads, the
// store's snapshot), so text that cannot be published crashes here as it would in the daemon.
class FuzzHub {
 public:
  FuzzHub();                      // a new installation, started
  explicit FuzzHub(Panel panel);  // a restored one, started
  void Handle(const Input& input);
  // A config reload (SIGHUP): the new installation, keeping mode, zones and history.
  void Reconfigure(PanelConfig config);
  // Moves the clock on by `step` and delivers a tick, as the daemon's timer would.
  void Advance(Millis step);
  // Serialises `actions` as the shell does, then stores the snapshot.
  void Publish(const std::vector<Action>& actions);
  Panel& panel() { return panel_; }

 private:
  Panel panel_;
  Now now_;
};

}  // namespace homesec::fuzz
