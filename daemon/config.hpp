// The installation config: one JSON file (default /etc/homesec/homesec.json). Loading either
// succeeds or lists every error at once, each with its JSON path and a hint a person can act on
// ("zones[3].device: no device named 'kitchn_window' (did you mean 'kitchen_window'?)").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rules/panel_config.hpp"
#include "sensors/source_config.hpp"
#include "sensors/zigbee2mqtt_exposes.hpp"

namespace homesec {

struct HubConfig {
  std::string id;        // "shinan-xianyou-0042"; [A-Za-z0-9_-]+, used in topics and event ids
  std::string district;  // "qd-shinan"
  std::string name;      // "3-201 Xianyou Rd"
};

struct TlsConfig {
  std::string ca;    // CA file (PEM)
  std::string cert;  // client certificate (PEM)
  std::string key;   // client key (PEM)
};

struct BrokerConfig {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string username;
  std::string password;
  std::optional<TlsConfig> tls;  // absent = plain TCP (loopback tests and the demo only)
  Seconds keepalive{30};
  std::string client_id;  // default derived from the hub id
};

// Bound on local_mqtt.command_accounts (each is a lockout source; rules/codes.hpp).
inline constexpr std::size_t kMaxCommandAccounts = 16;

struct LocalMqttConfig {
  BrokerConfig broker;
  std::string zigbee2mqtt_base = "zigbee2mqtt";
  std::string topic_prefix;  // default "homesec/<hub id>"
  std::string discovery_prefix = "homeassistant";
  bool discovery = true;
  // Broker accounts with a command topic of their own, <topic_prefix>/command/<account>, which
  // the broker's ACL lets only that account write (packaging/mosquitto/hub-local.acl): each is
  // its own wrong-code lockout source. homesecd subscribes to these and to the shared
  // <topic_prefix>/command, nothing else, so a publisher cannot invent sources.
  std::vector<std::string> command_accounts{"homeassistant", "homesecctl"};
  // The account Home Assistant's alarm panel publishes as (its discovery's command_topic);
  // empty = the shared command topic.
  std::string home_assistant_account = "homeassistant";
};

struct UplinkConfig {
  BrokerConfig broker;
  bool enabled = true;
  std::string prefix = "homesec/v1";  // topics: <prefix>/<district>/<hub>/...
  Seconds heartbeat{60};
  int max_inflight = 20;  // bounded in-flight window of unacknowledged publishes
};

struct StorageConfig {
  std::string path = "/var/lib/homesec/homesec.db";
  // How long the input journal (homesecctl explain / dry-run) keeps what the panel saw.
  int journal_days = 30;
};

struct AppConfig {
  HubConfig hub;
  StorageConfig storage;
  LocalMqttConfig local_mqtt;
  UplinkConfig uplink;
  std::vector<DeviceConfig> devices;
  // Zones' explicit Zigbee2MQTT key bindings (zones[].zigbee_property), for the decoder.
  std::vector<KeyBinding> zigbee_bindings;
  // A Zigbee device without battery_low is low at or under this battery percentage.
  int battery_low_percent = 10;
  // A zone whose Zigbee device has reported this long without ever sending the zone's property
  // is a sensor trouble ("zone_unbound").
  Seconds unbound_grace{600};
  std::vector<OutputConfig> outputs;
  PanelConfig panel;  // zones, modes' timings, code policy (users come from the store)
  std::string log_level = "info";
  std::string sim_gpio_dir;  // where simulated chips live; default /run/homesec/sim
  // This boot's id (a different one = the machine rebooted, Store::BeginRun); default
  // /proc/sys/kernel/random/boot_id. Tests point it at a file of their own to play a reboot.
  std::string boot_id_file;
};

struct ConfigError {
  std::string path;  // JSON path, e.g. "zones[3].device"
  std::string message;
  std::string hint;  // may be empty
};
// "zones[3].device: no device named 'kitchn_window' (hint: did you mean 'kitchen_window'?)"
std::string ToString(const ConfigError& error);

struct ConfigResult {
  std::optional<AppConfig> config;
  std::vector<ConfigError> errors;  // empty when config is set
};

ConfigResult ParseConfig(const nlohmann::json& json);
// Parses config text (size and depth limited); invalid JSON is an error with path "" (the
// caller names the file).
ConfigResult ParseConfigText(std::string_view text);
// What a config sets up, one screen: hub, brokers, zones by type, devices, outputs, users' code
// policy ("config OK" from --check-config).
std::string ConfigSummary(const AppConfig& config);
// Reads and parses a file; unreadable file or invalid JSON is an error with path "".
ConfigResult LoadConfigFile(const std::string& path);

}  // namespace homesec
