// Fuzz target body: the config file (ParseConfigText), and what the daemon builds from a config
// it accepted: the panel (new, and reloaded into a running one), the Zigbee2MQTT decoder, the
// local topics, Home Assistant discovery and homesecctl's status view.
#include <string>
#include <variant>

#include "daemon/config.hpp"
#include "daemon/ha_discovery.hpp"
#include "sensors/zigbee2mqtt_decoder.hpp"
#include "tests/fuzz/fuzz_hub.hpp"
#include "tests/fuzz/fuzz_targets.hpp"
#include "tools/homesecctl/format.hpp"
#include "tools/homesecctl/protocol.hpp"

namespace homesec::fuzz {

void FuzzConfig(const std::uint8_t* data, std::size_t size) {
  const ConfigResult result = ParseConfigText(AsText(data, size));
  Require(result.config.has_value() != !result.errors.empty(),
          "a config either loads or lists its errors");
  for (const ConfigError& error : result.errors) Consume(ToString(error));  // --check-config
  if (!result.config) return;
  const AppConfig& config = *result.config;

  // App::BuildPanelConfig: the config's panel with the hub id and the store's users.
  PanelConfig panel = config.panel;
  panel.hub_id = config.hub.id;
  panel.users = FuzzPanelConfig().users;
  for (const std::string& problem : Validate(panel)) Consume(problem);
  FuzzHub fresh{Panel(panel)};
  fresh.Advance(Millis(1000));
  FuzzHub running;
  running.Reconfigure(panel);

  std::vector<std::pair<std::string, std::string>> zigbee;
  for (const DeviceConfig& device : config.devices) {
    if (const auto* source = std::get_if<ZigbeeDeviceConfig>(&device.source)) {
      zigbee.emplace_back(device.id, source->friendly_name);
    }
  }
  Zigbee2MqttDecoder decoder(config.local_mqtt.zigbee2mqtt_base, zigbee);
  for (const std::string& subscription : decoder.Subscriptions()) Consume(subscription);

  const LocalTopics topics = MakeLocalTopics(config);
  Consume(topics.Command());
  for (const MqttOut& message : DiscoveryMessages(config)) {
    Consume(message.topic);
    Consume(message.payload);
  }
  const PanelStatus status = InitialStatus(config);
  Consume(FormatStatus(status));
  Consume(StatusToJson(status).dump());
}

}  // namespace homesec::fuzz
