// The value checks behind the discovery check (ha_schema.hpp): Home Assistant's value types
// (config_validation.py, mqtt/util.py), the discovery topic's form (mqtt/discovery.py), and
// the small text helpers the messages use.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace homesec {

// What is wrong with `value` as a value of the schema file's `type` ("string", "bool",
// "subscribe_topic", "template" ...); empty when nothing is. Enums and objects are the
// caller's: they need the schema.
std::string ValueProblem(const std::string& type, const nlohmann::json& value);

// valid_topic plus valid_subscribe_topic or valid_publish_topic (mqtt/util.py); empty if valid.
std::string TopicProblem(const std::string& topic, bool subscribe);

// A discovery topic split as discovery.py's TOPIC_MATCHER does.
struct DiscoveryTopic {
  std::string component;
  std::string discovery_id;  // "<node_id>/<object_id>" or "<object_id>"
  std::string problem;       // empty when the topic has the form and a supported component
};
DiscoveryTopic ParseDiscoveryTopic(const nlohmann::json& schema, std::string_view topic);

// The value as JSON, cut to a readable length.
std::string Shown(const nlohmann::json& value);
// " (did you mean 'x'?)" for the nearest candidate within a few edits; else, with
// `list_all`, " (one of a, b, c)"; else "".
std::string DidYouMean(const std::string& word, const std::vector<std::string>& candidates,
                       bool list_all = false);
std::string AsciiLower(std::string text);
std::string ReplaceAll(std::string text, const std::string& from, const std::string& to);

}  // namespace homesec
