// Fuzz target body: the retained topics homesecd reads back on the local broker at every connect
// (every discovery config on the broker, anyone's, and its own zone and device topics), judged
// as LocalInterface::ClearIfStale does. Input: "<topic>\n<payload>".
#include <string>

#include "daemon/ha_discovery.hpp"
#include "tests/fuzz/fuzz_hub.hpp"
#include "tests/fuzz/fuzz_targets.hpp"

namespace homesec::fuzz {

void FuzzLocalRetained(const std::uint8_t* data, std::size_t size) {
  AppConfig config;
  config.hub.id = "fuzz-hub";
  ZoneConfig zone;
  zone.id = "front_door";
  zone.device = "front_door";
  zone.type = ZoneType::kEntryExit;
  zone.property = "contact";
  config.panel.zones = {zone};
  const auto [topic, payload] = SplitAtNewline(AsText(data, size));
  const bool own = IsOwnDiscovery(config, topic, payload);
  // What it publishes itself is its own, and what is empty never is.
  for (const MqttOut& out : DiscoveryMessages(config)) {
    Require(IsOwnDiscovery(config, out.topic, out.payload), "its own discovery is its own");
  }
  Require(!own || !payload.empty(), "an empty payload is nobody's config");
  Consume(own ? "own" : "other");
}

}  // namespace homesec::fuzz
