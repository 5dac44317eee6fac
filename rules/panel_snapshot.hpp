// What the store saves of the panel with every commit: the panel's state without its zones, and
// the zones as rows of their own, only those that changed since the last save. A home with
// hundreds of zones then writes one small row per tripped zone instead of every zone each time.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace homesec {

struct PanelSnapshot {
  // Declared, so not an aggregate: a braced JSON document passed to Store::Commit stays JSON.
  PanelSnapshot() = default;

  // The panel's state without its zones (StateToJson without "zones").
  nlohmann::json panel;
  // True: `zones` lists every zone, and the store keeps no other zone row (the first save after
  // a start or a new zone list). False: only the zones listed changed.
  bool replace_zones = false;
  // Zone id -> its state as serialised JSON (ZoneToJson).
  std::vector<std::pair<std::string, std::string>> zones;
  // For Panel::Stored: the listed zones' places in the panel's zone list.
  std::vector<std::size_t> zone_indices;
};

}  // namespace homesec
