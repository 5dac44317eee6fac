// Loading etc/homesec.json: reads every section (config_brokers.cpp, config_sources.cpp,
// config_zones.cpp, config_policy.cpp, config_watch.cpp), collects every mistake, and only when
// there are none hands back an AppConfig with its defaults filled in. Never throws.
#include "daemon/config.hpp"

#include <filesystem>
#include <fstream>

#include "daemon/config_sections.hpp"
#include "rules/json_limits.hpp"

namespace homesec {
namespace {

// A home with a few hundred devices and zones writes well under 1 MiB.
constexpr JsonLimits kConfigLimits{4 * 1024 * 1024, 64};

const std::vector<std::string> kLogLevels{"debug", "info", "notice", "warning", "error"};

// Whatever is not in a section of its own.
void ReadTopLevel(ObjectReader& reader, ConfigErrors& errors, AppConfig& config) {
  PanelConfig& panel = config.panel;
  reader.Bool("allow_long_entry_delay", panel.allow_long_entry_delay);
  reader.Duration("cross_zone_window_s", panel.cross_zone_window, 10, 3600);
  reader.Duration("recent_closing_window_s", panel.recent_closing_window, 0, 3600);
  reader.Int("uplink_zone_number", panel.uplink_zone_number, 0, 999);
  reader.Choice("log_level", config.log_level, kLogLevels);
  if (reader.String("sim_gpio_dir", config.sim_gpio_dir) && config.sim_gpio_dir.empty()) {
    errors.Add("sim_gpio_dir", "empty path", "default: /run/homesec/sim");
  }
  if (config.sim_gpio_dir.empty()) config.sim_gpio_dir = "/run/homesec/sim";
  if (reader.String("boot_id_file", config.boot_id_file) && config.boot_id_file.empty()) {
    errors.Add("boot_id_file", "empty path", "default: /proc/sys/kernel/random/boot_id");
  }
  if (config.boot_id_file.empty()) config.boot_id_file = "/proc/sys/kernel/random/boot_id";
}

// The panel supervises every device; its windows come from the device entries.
std::vector<DeviceSupervision> SupervisionOf(const std::vector<DeviceConfig>& devices) {
  std::vector<DeviceSupervision> out;
  for (const DeviceConfig& device : devices) {
    out.push_back(DeviceSupervision{device.id, device.checkin_window, device.unavailable_grace});
  }
  return out;
}

}  // namespace

std::string ToString(const ConfigError& error) {
  std::string out = error.path.empty() ? error.message : error.path + ": " + error.message;
  if (!error.hint.empty()) out += " (hint: " + error.hint + ")";
  return out;
}

ConfigResult ParseConfig(const nlohmann::json& json) {
  ConfigErrors errors;
  AppConfig config;
  // nlohmann throws only on programming errors here (every access is type-checked first); the
  // catch keeps that promise to the event loop all the same.
  try {
    ObjectReader root(
        json, "", errors,
        {"hub", "storage", "local_mqtt", "uplink", "devices", "zones", "modes",
         "allow_long_entry_delay", "codes", "cross_zone_window_s", "recent_closing_window_s",
         "uplink_zone_number", "outputs", "log_level", "sim_gpio_dir", "boot_id_file", "watch",
         "battery_low_percent", "unbound_grace_s"});
    if (!root.ok()) return ConfigResult{std::nullopt, errors.Take()};

    ReadHub(root.Get("hub"), errors, config.hub);
    ReadStorage(root.Get("storage"), errors, config.storage);
    ReadLocalMqtt(root.Get("local_mqtt"), config.hub, errors, config.local_mqtt);
    ReadUplink(root.Get("uplink"), config.hub, errors, config.uplink);
    ReadTopLevel(root, errors, config);
    root.Int("battery_low_percent", config.battery_low_percent, 1, 99);
    root.Duration("unbound_grace_s", config.unbound_grace, 5, 86400);

    GpioClaims gpio_claims;
    ReadDevices(root.Get("devices"), gpio_claims, errors, config.devices);
    ReadOutputs(root.Get("outputs"), gpio_claims, errors, config.outputs);

    PanelConfig& panel = config.panel;
    panel.hub_id = config.hub.id;
    ReadZones(root.Get("zones"), config.devices, errors, panel.zones, config.zigbee_bindings);
    ReadModes(root.Get("modes"), panel.allow_long_entry_delay, errors, panel.timing);
    ReadCodes(root.Get("codes"), errors, panel.codes);
    ReadWatch(root.Get("watch"), errors, panel.watch);
    panel.devices = SupervisionOf(config.devices);

    // The panel's own rules last: they assume the fields above are individually sane, and their
    // findings would only repeat ours when those are not.
    if (errors.empty()) {
      for (const std::string& message : Validate(panel)) {
        // Its messages read "zones[2].number: ..."; keep the path in the path field.
        const std::size_t colon = message.find(": ");
        if (colon == std::string::npos) {
          errors.Add("", message);
        } else {
          errors.Add(message.substr(0, colon), message.substr(colon + 2));
        }
      }
    }
  } catch (const std::exception& e) {
    errors.Add("", std::string("internal error while reading the config: ") + e.what());
  }
  if (!errors.empty()) return ConfigResult{std::nullopt, errors.Take()};
  return ConfigResult{std::move(config), {}};
}

ConfigResult ParseConfigText(std::string_view text) {
  std::string error;
  const std::optional<nlohmann::json> json = ParseJsonWithin(text, kConfigLimits, &error);
  if (!json) {
    return ConfigResult{std::nullopt,
                        {ConfigError{"", error,
                                     "check for a missing comma or quote, or a trailing comma, "
                                     "just before that point"}}};
  }
  return ParseConfig(*json);
}

std::string ConfigSummary(const AppConfig& config) {
  const auto broker = [](const BrokerConfig& b) {
    return b.host + ":" + std::to_string(b.port) + (b.tls ? " (TLS)" : "") +
           (b.username.empty() ? "" : " as " + b.username);
  };
  std::map<std::string, int> types;
  for (const ZoneConfig& zone : config.panel.zones) ++types[std::string(ToString(zone.type))];
  std::string zones;
  for (const auto& [type, count] : types) {
    zones += (zones.empty() ? "" : ", ") + std::to_string(count) + " " + type;
  }
  int zigbee = 0;
  int gpio = 0;
  for (const DeviceConfig& device : config.devices) {
    (std::holds_alternative<ZigbeeDeviceConfig>(device.source) ? zigbee : gpio) += 1;
  }
  std::string outputs;
  for (const OutputConfig& output : config.outputs) {
    outputs += (outputs.empty() ? "" : ", ") + output.id + " (" + output.kind + ")";
  }
  std::string out;
  out += "  hub:          " + config.hub.id +
         (config.hub.name.empty() ? "" : " \"" + config.hub.name + "\"") +
         (config.hub.district.empty() ? "" : ", district " + config.hub.district) + "\n";
  out += "  home broker:  " + broker(config.local_mqtt.broker) + ", topics " +
         config.local_mqtt.topic_prefix + "/..., Zigbee2MQTT at " +
         config.local_mqtt.zigbee2mqtt_base + ", Home Assistant discovery " +
         (config.local_mqtt.discovery ? "on" : "off") + "\n";
  out += "  uplink:       " +
         (config.uplink.enabled ? broker(config.uplink.broker) + ", heartbeat every " +
                                      std::to_string(config.uplink.heartbeat.count()) + " s"
                                : std::string("off (no district platform)")) +
         "\n";
  out += "  zones:        " + std::to_string(config.panel.zones.size()) +
         (zones.empty() ? "" : " (" + zones + ")") + "\n";
  out += "  devices:      " + std::to_string(config.devices.size()) + " (" +
         std::to_string(zigbee) + " Zigbee, " + std::to_string(gpio) + " GPIO)\n";
  out += "  outputs:      " + (outputs.empty() ? std::string("none") : outputs) + "\n";
  out += "  codes:        " +
         std::string(config.panel.codes.code_required_to_arm ? "a code to arm" : "no code to arm") +
         ", " +
         (config.panel.codes.code_required_to_bypass ? "a code to bypass" : "no code to bypass") +
         "\n";
  out += "  storage:      " + config.storage.path + "\n";
  return out;
}

ConfigResult LoadConfigFile(const std::string& path) {
  std::error_code ec;
  std::ifstream file(path);
  if (!std::filesystem::is_regular_file(path, ec) || !file) {
    return ConfigResult{std::nullopt,
                        {ConfigError{"", "cannot read config file " + path,
                                     "check the path and that the daemon's user can read it"}}};
  }
  // Read no more than the cap (and one byte to tell that it was passed).
  std::string text(kConfigLimits.max_bytes + 1, '\0');
  file.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(file.gcount()));
  return ParseConfigText(text);
}

}  // namespace homesec
