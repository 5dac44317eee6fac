// Checks a Home Assistant MQTT discovery message against Home Assistant's own schemas, as
// written down in tests/data/ha/mqtt_discovery_schema.json. Home Assistant drops an unknown key
// without a word and refuses a wrong value with one log line, so a misspelt key or a device
// class it does not know goes unseen until someone looks for the entity; this check makes
// those mistakes a test failure instead.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace homesec {

// One readable message per violation, each naming the component, the object id and the key
// ("binary_sensor h1_front_door: device_class: 'dor' is not a binary_sensor_device_class
// (did you mean 'door'?)"); empty when Home Assistant takes the config as it is.
//
// The component comes from the topic, <prefix>/<component>/[<node_id>/]<object_id>/config,
// whose form is checked too (discovery.py TOPIC_MATCHER); "device" is device-based discovery.
// Abbreviated keys are expanded and a "~" topic base applied first, as discovery.py does. A
// component Home Assistant supports but the schema file does not describe is reported, not
// skipped.
std::vector<std::string> CheckDiscovery(const nlohmann::json& schema, std::string_view topic,
                                        const nlohmann::json& payload);

}  // namespace homesec
