// The config's sections, each read by its own file (internal to daemon/config*.cpp):
// config_brokers.cpp (hub, storage, local_mqtt, uplink), config_sources.cpp (devices, outputs,
// GPIO lines), config_zones.cpp (zones), config_policy.cpp (modes, codes) and config_watch.cpp
// (watch).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/config.hpp"
#include "daemon/config_reader.hpp"

namespace homesec {

// "armed_home", "armed_night", "armed_away", "armed_vacation".
const std::vector<std::string>& ArmedModeNames();

// Ids end up in MQTT topics and event ids: letters, digits, '_' and '-' only.
bool IsValidId(std::string_view id);
// Reports a bad id at `path` (empty, or a character MQTT topics cannot carry).
void CheckId(const std::string& id, const std::string& path, ConfigErrors& errors);

void ReadHub(const nlohmann::json* hub, ConfigErrors& errors, HubConfig& out);
void ReadStorage(const nlohmann::json* storage, ConfigErrors& errors, StorageConfig& out);
void ReadLocalMqtt(const nlohmann::json* local_mqtt, const HubConfig& hub, ConfigErrors& errors,
                   LocalMqttConfig& out);
void ReadUplink(const nlohmann::json* uplink, const HubConfig& hub, ConfigErrors& errors,
                UplinkConfig& out);

// GPIO lines already claimed ("<chip>:<line>" -> JSON path of the claim), so a line used by two
// inputs, two outputs or one of each is reported.
using GpioClaims = std::map<std::string, std::string>;

// `for_output` = an output line (no bias, debounce or role).
void ReadGpioLine(const nlohmann::json& value, const std::string& path, bool for_output,
                  GpioClaims& claims, ConfigErrors& errors, GpioLineConfig& out);
void ReadDevices(const nlohmann::json* devices, GpioClaims& claims, ConfigErrors& errors,
                 std::vector<DeviceConfig>& out);
void ReadOutputs(const nlohmann::json* outputs, GpioClaims& claims, ConfigErrors& errors,
                 std::vector<OutputConfig>& out);

// Zones, checked against the devices (unknown device, property that device cannot report or the
// zone type cannot use, a device property watched by two zones, duplicate ids and numbers).
// `bindings`: the zones' explicit Zigbee2MQTT keys (zigbee_property, active).
void ReadZones(const nlohmann::json* zones, const std::vector<DeviceConfig>& devices,
               ConfigErrors& errors, std::vector<ZoneConfig>& out,
               std::vector<KeyBinding>& bindings);

// "modes", "allow_long_entry_delay", "codes", "cross_zone_window_s" ... into `panel`.
void ReadModes(const nlohmann::json* modes, bool allow_long_entry_delay, ConfigErrors& errors,
               std::map<Mode, ModeTiming>& out);
void ReadCodes(const nlohmann::json* codes, ConfigErrors& errors, CodePolicy& out);

// "watch": the vacant-house watch's report time, time zone and arm retry (config_watch.cpp).
void ReadWatch(const nlohmann::json* watch, ConfigErrors& errors, WatchConfig& out);

}  // namespace homesec
