// Shared pieces of the config loader tests: a small valid installation to start from, and a
// lookup for one expected error by its exact JSON path.
#pragma once

#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "daemon/config.hpp"

namespace homesec::test {

// A valid config: one Zigbee door, one GPIO latch, plain-TCP uplink.
inline nlohmann::json MinimalConfig() {
  return nlohmann::json::parse(R"({
    "hub": {"id": "shinan-xianyou-0042", "district": "qd-shinan", "name": "3-201 Xianyou Rd"},
    "local_mqtt": {"host": "127.0.0.1", "port": 1883},
    "uplink": {"host": "127.0.0.1", "port": 1884},
    "devices": [
      {"id": "front_door", "zigbee": "front_door"},
      {"id": "kitchen_latch", "gpio": {"chip": "sim0", "line": 3, "active_low": true}}
    ],
    "zones": [
      {"id": "front_door", "type": "entry_exit", "device": "front_door", "property": "contact"},
      {"id": "kitchen_window", "type": "perimeter", "device": "kitchen_latch"}
    ]
  })");
}

// The error reported at exactly `path`, or nullptr.
inline const ConfigError* FindError(const ConfigResult& result, const std::string& path) {
  for (const ConfigError& error : result.errors) {
    if (error.path == path) return &error;
  }
  return nullptr;
}

inline std::string AllErrors(const ConfigResult& result) {
  std::string out;
  for (const ConfigError& error : result.errors) out += ToString(error) + "\n";
  return out;
}

// Checks that there is an error at `path` whose message and hint contain the given texts.
inline void RequireError(const ConfigResult& result, const std::string& path,
                         const std::string& message_part, const std::string& hint_part = {}) {
  INFO("errors:\n" << AllErrors(result));
  CHECK_FALSE(result.config.has_value());
  const ConfigError* error = FindError(result, path);
  REQUIRE_MESSAGE(error != nullptr, "no error at " << path);
  CHECK_MESSAGE(error->message.find(message_part) != std::string::npos, error->message);
  CHECK_MESSAGE(error->hint.find(hint_part) != std::string::npos, error->hint);
}

}  // namespace homesec::test
