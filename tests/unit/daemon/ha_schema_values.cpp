// Home Assistant's value types as the discovery check uses them. Each check names the function
// of homeassistant/helpers/config_validation.py (cv.*) or homeassistant/components/mqtt/util.py
// it mirrors; where this one is stricter the schema file says so (its source.types).
#include "tests/unit/daemon/ha_schema_values.hpp"

#include "daemon/config_reader.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <utility>

namespace homesec {
namespace {

using nlohmann::json;

std::string TypeName(const json& value) {
  return std::string(value.type_name()) + " " + Shown(value);
}

// One code point from UTF-8 at `at`; false on a malformed sequence.
bool DecodeUtf8(std::string_view text, std::size_t at, char32_t& code, std::size_t& length) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) {
    code = lead;
    length = 1;
    return true;
  }
  if ((lead & 0xE0) == 0xC0) {
    code = lead & 0x1F;
    length = 2;
  } else if ((lead & 0xF0) == 0xE0) {
    code = lead & 0x0F;
    length = 3;
  } else if ((lead & 0xF8) == 0xF0) {
    code = lead & 0x07;
    length = 4;
  } else {
    return false;
  }
  if (at + length > text.size()) return false;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return false;
    code = (code << 6) | (byte(at + i) & 0x3F);
  }
  return true;
}

// cv.template parses the text with Jinja; this only checks that each block is closed.
std::string TemplateProblem(const std::string& text) {
  static const std::array<std::pair<const char*, const char*>, 3> kBlocks{
      {{"{{", "}}"}, {"{%", "%}"}, {"{#", "#}"}}};
  for (const auto& [open, close] : kBlocks) {
    for (std::size_t at = text.find(open); at != std::string::npos; at = text.find(open, at)) {
      const std::size_t end = text.find(close, at + 2);
      if (end == std::string::npos) return std::string("'") + open + "' is never closed";
      at = end + 2;
    }
  }
  return "";
}

bool IsHttpUrl(const std::string& text) {
  for (const char* scheme : {"http://", "https://"}) {
    const std::string_view s(scheme);
    if (text.starts_with(s) && text.size() > s.size() && text[s.size()] != '/') return true;
  }
  return false;
}

bool IsString(const json& value) {
  return value.is_string();
}

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t at = text.find(separator); at != std::string::npos;
       at = text.find(separator, start)) {
    parts.push_back(text.substr(start, at - start));
    start = at + 1;
  }
  parts.push_back(text.substr(start));
  return parts;
}

}  // namespace

std::string TopicProblem(const std::string& topic, bool subscribe) {
  if (topic.empty()) return "an MQTT topic must not be empty";
  if (topic.size() > 65535) return "an MQTT topic must not be longer than 65535 bytes";
  for (std::size_t at = 0, length = 0; at < topic.size(); at += length) {
    char32_t code = 0;
    if (!DecodeUtf8(topic, at, code, length)) return "an MQTT topic must be valid UTF-8";
    if (code == 0) return "an MQTT topic must not contain a null character";
    if (code <= 0x1F || (code >= 0x7F && code <= 0x9F)) {
      return "an MQTT topic must not contain control characters";
    }
    if ((code >= 0xFDD0 && code <= 0xFDEF) || (code & 0xFFFF) == 0xFFFE ||
        (code & 0xFFFF) == 0xFFFF) {
      return "an MQTT topic must not contain non-characters";
    }
  }
  if (!subscribe) {
    if (topic.find_first_of("+#") != std::string::npos) {
      return "wildcards ('+', '#') cannot be used in a topic Home Assistant publishes to";
    }
    return "";
  }
  for (std::size_t at = topic.find('+'); at != std::string::npos; at = topic.find('+', at + 1)) {
    if ((at > 0 && topic[at - 1] != '/') || (at + 1 < topic.size() && topic[at + 1] != '/')) {
      return "single-level wildcard '+' must occupy an entire level of the filter";
    }
  }
  if (const std::size_t at = topic.find('#'); at != std::string::npos) {
    if (at != topic.size() - 1) return "multi-level wildcard '#' must be the last character";
    if (at > 0 && topic[at - 1] != '/') {
      return "multi-level wildcard '#' must follow a topic level separator";
    }
  }
  return "";
}

std::string ValueProblem(const std::string& type, const json& value) {
  const auto expected = [&](const std::string& what) {
    return "expected " + what + ", got " + TypeName(value);
  };
  if (type == "any" || type == "list") return "";  // cv.ensure_list takes anything
  if (type == "string") return IsString(value) ? "" : expected("a string");
  if (type == "string_or_null") {
    return IsString(value) || value.is_null() ? "" : expected("a string or null");
  }
  if (type == "bool") return value.is_boolean() ? "" : expected("true or false");
  if (type == "positive_int") {
    return value.is_number_integer() && value.get<std::int64_t>() >= 0
               ? ""
               : expected("an integer >= 0");
  }
  if (type == "qos") {
    return value.is_number_integer() && value.get<std::int64_t>() >= 0 &&
                   value.get<std::int64_t>() <= 2
               ? ""
               : expected("a QoS of 0, 1 or 2");
  }
  if (type == "expiry_interval") {
    return value.is_object() ? "" : ValueProblem("positive_int", value);
  }
  if (type == "string_list") {
    if (IsString(value)) return "";
    if (!value.is_array() || !std::all_of(value.begin(), value.end(), IsString)) {
      return expected("a string or a list of strings");
    }
    return "";
  }
  if (type == "connections") {
    const bool ok = value.is_array() && std::all_of(value.begin(), value.end(), [](const json& c) {
                      return c.is_array() && c.size() == 2 && c[0].is_string() && c[1].is_string();
                    });
    return ok ? ""
              : expected("a list of [type, id] pairs, e.g. [[\"mac\", \"02:5b:26:a8:dc:12\"]]");
  }
  if (!IsString(value)) return expected("a string");
  const std::string text = value.get<std::string>();
  if (type == "template") return TemplateProblem(text);
  if (type == "subscribe_topic") return TopicProblem(text, true);
  if (type == "publish_topic") return TopicProblem(text, false);
  if (type == "icon") {
    return text.find(':') != std::string::npos ? ""
                                               : "icons are written 'prefix:name', e.g. 'mdi:bell'";
  }
  if (type == "url") return IsHttpUrl(text) ? "" : "expected an http or https URL";
  if (type == "configuration_url") {
    return IsHttpUrl(text) || text.starts_with("homeassistant://")
               ? ""
               : "expected an http, https or homeassistant:// URL";
  }
  return "the schema file names an unknown type '" + type + "'";
}

DiscoveryTopic ParseDiscoveryTopic(const json& schema, std::string_view topic) {
  DiscoveryTopic parsed;
  const std::string prefix = schema.value("discovery_prefix", "homeassistant") + "/";
  const std::string text(topic);
  const std::string form = prefix + "<component>/[<node_id>/]<object_id>/config";
  if (!text.starts_with(prefix)) {
    parsed.problem = "a discovery topic starts with the discovery prefix, " + form;
    return parsed;
  }
  const std::vector<std::string> levels = Split(text.substr(prefix.size()), '/');
  if (levels.size() < 3 || levels.size() > 4 || levels.back() != "config") {
    parsed.problem = "not a discovery topic: " + form;
    return parsed;
  }
  parsed.component = levels[0];
  const bool word = !parsed.component.empty() &&
                    std::all_of(parsed.component.begin(), parsed.component.end(), [](char c) {
                      return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                    });
  const std::string id_chars = schema["topic"]["id_chars"];
  for (std::size_t i = 1; i + 1 < levels.size(); ++i) {
    if (levels[i].empty() || levels[i].find_first_not_of(id_chars) != std::string::npos) {
      parsed.problem = "'" + levels[i] +
                       "': node and object ids may hold only [a-zA-Z0-9_-] (Home Assistant "
                       "ignores the topic as illegal)";
    }
    parsed.discovery_id += (i > 1 ? "/" : "") + levels[i];
  }
  if (!word) parsed.problem = "'" + parsed.component + "' is not a component name";
  if (parsed.problem.empty() && parsed.component != "device" &&
      std::find(schema["topic"]["supported_components"].begin(),
                schema["topic"]["supported_components"].end(),
                parsed.component) == schema["topic"]["supported_components"].end()) {
    parsed.problem =
        "Home Assistant does not support the component '" + parsed.component + "'" +
        DidYouMean(parsed.component,
                   schema["topic"]["supported_components"].get<std::vector<std::string>>());
  }
  return parsed;
}

std::string Shown(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return text;
}

std::string DidYouMean(const std::string& word, const std::vector<std::string>& candidates,
                       bool list_all) {
  std::string best;
  std::size_t best_distance = std::string::npos;
  for (const std::string& candidate : candidates) {
    const std::size_t distance = EditDistance(word, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  if (!word.empty() && !best.empty() && (best_distance <= 2 || best_distance * 3 <= word.size())) {
    return " (did you mean '" + best + "'?)";
  }
  if (!list_all) return "";
  std::string all;
  for (const std::string& candidate : candidates) all += (all.empty() ? "" : ", ") + candidate;
  return " (one of " + all + ")";
}

std::string AsciiLower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  if (from.empty()) return text;
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
  return text;
}

}  // namespace homesec
