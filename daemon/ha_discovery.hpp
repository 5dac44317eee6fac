// Home Assistant MQTT discovery: the retained config messages that make the hub appear in Home
// Assistant as one alarm_control_panel (which passes the typed code through to homesecd:
// code REMOTE_CODE) and one binary_sensor per zone, all tied to <topic_prefix>/availability.
#pragma once

#include <string>
#include <vector>

#include "daemon/config.hpp"
#include "sensors/zigbee2mqtt_commands.hpp"

namespace homesec {

// The local topics every part of the local interface agrees on.
struct LocalTopics {
  std::string prefix;  // homesec/<hub>
  std::string State() const { return prefix + "/state"; }
  std::string Command() const { return prefix + "/command"; }  // the shared one
  // The command topic only `account` may write (local_mqtt.command_accounts).
  std::string AccountCommand(const std::string& account) const {
    return prefix + "/command/" + account;
  }
  std::string CommandResult() const { return prefix + "/command/result"; }
  std::string Event() const { return prefix + "/event"; }
  std::string Zone(const std::string& zone_id) const { return prefix + "/zone/" + zone_id; }
  std::string Availability() const { return prefix + "/availability"; }
  std::string Dispatch() const { return prefix + "/dispatch"; }
};
LocalTopics MakeLocalTopics(const AppConfig& config);

// The alarm panel's command_template: JSON with the action, the typed code, a request id and
// the time, so that a captured command cannot be replayed.
extern const char* const kCommandTemplate;

// Home Assistant's binary_sensor device_class for a zone type ("door", "window", "smoke" ...).
std::string DeviceClassFor(const ZoneConfig& zone);

// Every discovery message (retained). Empty when discovery is off.
std::vector<MqttOut> DiscoveryMessages(const AppConfig& config);

}  // namespace homesec
