// Config sections for what the hub is wired to: "devices" (GPIO input lines and Zigbee2MQTT
// devices, with their supervision) and "outputs" (sirens, strobes, deterrents, chimes, keypads).
#include <algorithm>
#include <set>

#include "daemon/config_sections.hpp"

namespace homesec {
namespace {

// EN 50131-1 requires a detector input to register a 400 ms pulse; a debounce longer than
// 300 ms risks swallowing it.
constexpr int kMaxDebounceMs = 300;

const std::vector<std::string> kBiasNames{"pull_up", "pull_down", "disabled", "as_is"};
const std::vector<std::string> kRoleNames{"contact", "latch", "tamper", "panic", "keyswitch"};
const std::vector<std::string> kOutputKinds{"siren", "strobe", "deterrent", "chime", "keypad"};
const std::vector<std::string> kDriverNames{"gpio", "zigbee_siren", "tuya_siren", "keypad"};
const std::vector<std::string> kSirenLevels{"low", "medium", "high", "very_high"};

// The kinds each driver can really drive (docs/devices.md, "Outputs and their patterns"): a GPIO
// line switches any wired output; a Zigbee siren sounds the siren and a chime (a short warning or
// squawk) but has no separate strobe or deterrent; a keypad is only a keypad.
const std::vector<std::string>& KindsDrivenBy(OutputDriver driver) {
  static const std::vector<std::string> kGpioKinds{"siren", "strobe", "deterrent", "chime"};
  static const std::vector<std::string> kSirenKinds{"siren", "chime"};
  static const std::vector<std::string> kKeypadKinds{"keypad"};
  switch (driver) {
    case OutputDriver::kGpio:
      return kGpioKinds;
    case OutputDriver::kZigbeeKeypad:
      return kKeypadKinds;
    default:
      return kSirenKinds;
  }
}

std::string DriverName(OutputDriver driver) {
  switch (driver) {
    case OutputDriver::kGpio:
      return "gpio";
    case OutputDriver::kZigbeeSiren:
      return "zigbee_siren";
    case OutputDriver::kZigbeeTuyaSiren:
      return "tuya_siren";
    case OutputDriver::kZigbeeKeypad:
      return "keypad";
  }
  return "gpio";
}

std::string JoinQuoted(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "\"" : ", \"") + name + "\"";
  return out;
}

OutputDriver DriverFromName(const std::string& name) {
  if (name == "zigbee_siren") return OutputDriver::kZigbeeSiren;
  if (name == "tuya_siren") return OutputDriver::kZigbeeTuyaSiren;
  if (name == "keypad") return OutputDriver::kZigbeeKeypad;
  return OutputDriver::kGpio;
}

// Reads the "id" of a list element and reports duplicates within the list.
void ReadListId(ObjectReader& reader, std::set<std::string>& seen, const std::string& what,
                std::string& out) {
  if (!reader.String("id", out, /*required=*/true)) return;
  CheckId(out, reader.PathOf("id"), reader.errors());
  if (!out.empty() && !seen.insert(out).second) {
    reader.errors().Add(reader.PathOf("id"), "duplicate " + what + " id '" + out + "'",
                        "every " + what + " needs its own id");
  }
}

// A device or output has exactly one source: a GPIO line or a Zigbee2MQTT friendly name.
bool CheckOneSource(ObjectReader& reader) {
  const bool gpio = reader.Has("gpio");
  const bool zigbee = reader.Has("zigbee");
  if (gpio && zigbee) {
    reader.errors().Add(reader.path(), "both \"gpio\" and \"zigbee\" given",
                        "a device is attached one way: keep only one of them");
    return false;
  }
  if (!gpio && !zigbee) {
    reader.errors().Add(reader.path(), "no source: needs \"gpio\" or \"zigbee\"",
                        R"(e.g. "zigbee": "front_door" (the Zigbee2MQTT friendly name) or )"
                        R"("gpio": {"chip": "gpiochip0", "line": 17})");
    return false;
  }
  return true;
}

bool ReadZigbeeName(ObjectReader& reader, std::set<std::string>& seen, std::string& out) {
  if (!reader.String("zigbee", out)) return false;
  if (out.empty()) {
    reader.errors().Add(reader.PathOf("zigbee"), "empty friendly name");
    return false;
  }
  if (!seen.insert(out).second) {
    reader.errors().Add(reader.PathOf("zigbee"),
                        "Zigbee2MQTT device '" + out + "' is already used by another entry",
                        "each Zigbee device is declared once; zones can share a device");
  }
  return true;
}

}  // namespace

void ReadGpioLine(const nlohmann::json& value, const std::string& path, bool for_output,
                  GpioClaims& claims, ConfigErrors& errors, GpioLineConfig& out) {
  ObjectReader reader =
      for_output ? ObjectReader(value, path, errors, {"chip", "line", "active_low"})
                 : ObjectReader(value, path, errors,
                                {"chip", "line", "active_low", "bias", "debounce_ms", "role"});
  if (!reader.ok()) return;
  if (reader.String("chip", out.chip, /*required=*/true) && out.chip.empty()) {
    errors.Add(reader.PathOf("chip"), "empty chip name",
               "e.g. \"gpiochip0\", \"/dev/gpiochip0\" or \"sim0\" for the simulated chip");
  }
  std::string line_key;
  if (const nlohmann::json* line = reader.Require("line", "a line offset or a line name")) {
    if (line->is_number_integer() && line->get<std::int64_t>() >= 0 &&
        line->get<std::int64_t>() <= 1023) {
      out.line = line->get<int>();
      line_key = std::to_string(line->get<int>());
    } else if (line->is_string() && !line->get<std::string>().empty()) {
      out.line = line->get<std::string>();
      line_key = line->get<std::string>();
    } else {
      errors.Add(reader.PathOf("line"),
                 "expected a line offset (0..1023) or a line name, got " +
                     (line->is_number() ? line->dump() : JsonTypeName(*line)));
    }
  }
  reader.Bool("active_low", out.active_low);
  if (!for_output) {
    std::string text;
    if (reader.Choice("bias", text, kBiasNames)) out.bias = *ParseBias(text);
    if (reader.Choice("role", text, kRoleNames)) out.role = *ParseLineRole(text);
    int debounce_ms = 0;
    if (reader.Int("debounce_ms", debounce_ms, 0, 60000)) {
      if (debounce_ms > kMaxDebounceMs) {
        errors.Add(reader.PathOf("debounce_ms"),
                   "debounce of " + std::to_string(debounce_ms) + " ms is too long",
                   "at most 300 ms: EN 50131-1 requires a 400 ms pulse to be detected");
      } else {
        out.debounce = Millis{debounce_ms};
      }
    }
  }
  if (!out.chip.empty() && !line_key.empty()) {
    const std::string key = out.chip + ":" + line_key;
    const auto [it, inserted] = claims.emplace(key, reader.PathOf("line"));
    if (!inserted) {
      errors.Add(
          reader.PathOf("line"),
          "line " + line_key + " of chip '" + out.chip + "' is already used by " + it->second,
          "a GPIO line can be requested only once");
    }
  }
}

void ReadDevices(const nlohmann::json* devices, GpioClaims& claims, ConfigErrors& errors,
                 std::vector<DeviceConfig>& out) {
  if (devices == nullptr) return;
  if (!devices->is_array()) {
    errors.Add("devices", "expected an array, got " + JsonTypeName(*devices));
    return;
  }
  std::set<std::string> ids;
  std::set<std::string> zigbee_names;
  for (std::size_t i = 0; i < devices->size(); ++i) {
    const std::string path = IndexPath("devices", i);
    ObjectReader reader((*devices)[i], path, errors,
                        {"id", "name", "zigbee", "gpio", "supervision"});
    if (!reader.ok()) continue;
    DeviceConfig device;
    ReadListId(reader, ids, "device", device.id);
    reader.String("name", device.name);
    if (CheckOneSource(reader)) {
      if (const nlohmann::json* gpio = reader.Get("gpio")) {
        GpioLineConfig line;
        ReadGpioLine(*gpio, reader.PathOf("gpio"), /*for_output=*/false, claims, errors, line);
        device.source = line;
      } else {
        ZigbeeDeviceConfig zigbee;
        ReadZigbeeName(reader, zigbee_names, zigbee.friendly_name);
        device.source = zigbee;
      }
    }
    if (const nlohmann::json* supervision = reader.Get("supervision")) {
      ObjectReader sup(*supervision, reader.PathOf("supervision"), errors,
                       {"checkin_s", "unavailable_grace_s"});
      // Zigbee sensors check in about hourly; a window under a minute would only make noise.
      if (sup.Has("checkin_s")) {
        int checkin_s = 0;
        if (sup.Int("checkin_s", checkin_s, 0, 7 * 86400)) {
          if (checkin_s != 0 && checkin_s < 60) {
            errors.Add(sup.PathOf("checkin_s"),
                       "check-in window of " + std::to_string(checkin_s) + " s is too short",
                       "0 (off) or at least 60 s; battery sensors report about once an hour");
          } else {
            device.checkin_window = Seconds{checkin_s};
          }
        }
      }
      sup.Duration("unavailable_grace_s", device.unavailable_grace, 0, 86400);
    }
    out.push_back(std::move(device));
  }
}

void ReadOutputs(const nlohmann::json* outputs, GpioClaims& claims, ConfigErrors& errors,
                 std::vector<OutputConfig>& out) {
  if (outputs == nullptr) return;
  if (!outputs->is_array()) {
    errors.Add("outputs", "expected an array, got " + JsonTypeName(*outputs));
    return;
  }
  std::set<std::string> ids;
  std::set<std::string> zigbee_names;
  for (std::size_t i = 0; i < outputs->size(); ++i) {
    const std::string path = IndexPath("outputs", i);
    ObjectReader reader(
        (*outputs)[i], path, errors,
        {"id", "name", "kind", "gpio", "zigbee", "driver", "level", "strobe", "squawk"});
    if (!reader.ok()) continue;
    OutputConfig output;
    ReadListId(reader, ids, "output", output.id);
    reader.Choice("kind", output.kind, kOutputKinds, /*required=*/true);
    const bool has_source = CheckOneSource(reader);
    if (has_source && reader.Has("gpio")) {
      GpioLineConfig line;
      ReadGpioLine(*reader.Get("gpio"), reader.PathOf("gpio"), /*for_output=*/true, claims, errors,
                   line);
      output.gpio = line;
      output.driver = OutputDriver::kGpio;
      if (output.kind == "keypad") {
        errors.Add(reader.PathOf("gpio"), "a keypad output cannot be a GPIO line",
                   "keypads are Zigbee devices: use \"zigbee\": \"<friendly name>\"");
      }
    } else if (has_source) {
      ReadZigbeeName(reader, zigbee_names, output.zigbee);
      output.driver =
          output.kind == "keypad" ? OutputDriver::kZigbeeKeypad : OutputDriver::kZigbeeSiren;
    }
    std::string driver;
    bool driver_fits = true;
    if (reader.Choice("driver", driver, kDriverNames) && has_source) {
      const bool gpio_driver = driver == "gpio";
      if (gpio_driver != reader.Has("gpio")) {
        errors.Add(reader.PathOf("driver"),
                   "driver '" + driver + "' does not fit a " +
                       (reader.Has("gpio") ? "GPIO line" : "Zigbee device"),
                   reader.Has("gpio") ? "GPIO outputs use driver \"gpio\" (or leave it out)"
                                      : "Zigbee outputs use zigbee_siren, tuya_siren or keypad");
        driver_fits = false;
      } else if ((driver == "keypad") != (output.kind == "keypad")) {
        errors.Add(reader.PathOf("driver"),
                   "driver '" + driver + "' does not fit kind '" + output.kind + "'",
                   "driver \"keypad\" goes with kind \"keypad\", and only with it");
        driver_fits = false;
      } else {
        output.driver = DriverFromName(driver);
      }
    }
    if (reader.Has("level") && !reader.Has("zigbee")) {
      errors.Add(reader.PathOf("level"), "only Zigbee sirens have a level",
                 "remove it from GPIO outputs");
    } else {
      reader.Choice("level", output.level, kSirenLevels);
    }
    // Every accepted output must be driven by something: a kind its driver cannot drive would
    // be configured and then stay dark in an alarm. (A keypad on a GPIO line or a mismatched
    // driver was reported above already.)
    const std::vector<std::string>& drivable = KindsDrivenBy(output.driver);
    if (has_source && driver_fits && !output.kind.empty() && output.kind != "keypad" &&
        std::find(drivable.begin(), drivable.end(), output.kind) == drivable.end()) {
      errors.Add(reader.PathOf("kind"),
                 "kind '" + output.kind + "' cannot be driven by a " + DriverName(output.driver) +
                     " output",
                 "a Zigbee siren drives kinds " + JoinQuoted(drivable) +
                     " (its own strobe flashes with \"strobe\": true); wire a separate " +
                     output.kind + " to a GPIO line");
    }
    reader.Bool("strobe", output.strobe);
    if (reader.Bool("squawk", output.squawk) && output.squawk && output.kind != "siren" &&
        output.kind != "chime") {
      errors.Add(reader.PathOf("squawk"),
                 "only siren and chime outputs squawk, not kind '" + output.kind + "'",
                 "remove \"squawk\" here and set \"squawk\": true on a siren or chime output");
    }
    out.push_back(std::move(output));
  }
}

}  // namespace homesec
