// How a device is attached: a GPIO line (real chip through libgpiod, or the simulated chip), or a
// Zigbee2MQTT friendly name; and the outputs (sirens, strobes, deterrents, keypads) the panel
// drives. Plain data, filled by daemon/config from etc/homesec.json.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "rules/time.hpp"

namespace homesec {

enum class Bias { kAsIs, kDisabled, kPullUp, kPullDown };
std::string_view ToString(Bias bias);
std::optional<Bias> ParseBias(std::string_view text);

// What an input line means; decides the Reading property it produces.
enum class LineRole {
  kContact,    // "contact": active = open
  kLatch,      // "latch": active = open (anti-pull latch switch)
  kTamper,     // "tamper": active = tamper
  kPanic,      // "panic": active = pressed (Reading property "panic", bool)
  kKeyswitch,  // "keyswitch": active = arm (Reading property "keyswitch", bool)
};
std::string_view ToString(LineRole role);
std::optional<LineRole> ParseLineRole(std::string_view text);

// A line on a chip. `chip` is a name ("gpiochip0", "sim0") or a path ("/dev/gpiochip0"); chips
// whose name starts with "sim" are the simulated chip. `line` is an offset or a line name.
struct GpioLineConfig {
  std::string chip;
  std::variant<int, std::string> line;
  bool active_low = false;
  Bias bias = Bias::kAsIs;
  Millis debounce{50};
  LineRole role = LineRole::kContact;
};

struct ZigbeeDeviceConfig {
  std::string friendly_name;
};

struct DeviceConfig {
  std::string id;
  std::string name;  // human-readable
  std::variant<GpioLineConfig, ZigbeeDeviceConfig> source;
  Seconds checkin_window{0};      // supervision: silent longer than this = trouble (0 = off)
  Seconds unavailable_grace{60};  // availability blips shorter than this are ignored
};

// Outputs the panel's SetOutput actions drive.
enum class OutputDriver { kGpio, kZigbeeSiren, kZigbeeTuyaSiren, kZigbeeKeypad };
struct OutputConfig {
  std::string id;
  std::string kind;  // "siren" | "strobe" | "deterrent" | "chime" | "keypad"
  OutputDriver driver = OutputDriver::kGpio;
  std::optional<GpioLineConfig> gpio;  // kGpio
  std::string zigbee;                  // friendly name for Zigbee outputs
  std::string level = "high";          // Zigbee siren level: low | medium | high | very_high
  bool strobe = true;
  // Chirps on the panel's Squawk actions (arm / disarm confirmation); siren and chime kinds only.
  bool squawk = false;
};

}  // namespace homesec
