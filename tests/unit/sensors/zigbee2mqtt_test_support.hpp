// Test support for the Zigbee2MQTT tests: loads the real payload corpus
// (tests/data/zigbee2mqtt.jsonl, one message per line) and renders decoder output as short
// text so that a failing CHECK shows what was decoded.
#pragma once

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rules/types.hpp"
#include "sensors/zigbee2mqtt_decoder.hpp"

namespace homesec::test {

struct CorpusLine {
  int number = 0;  // 1-based line number in zigbee2mqtt.jsonl
  nlohmann::json record;

  std::string Topic() const { return record.at("topic").get<std::string>(); }
  bool ToDaemon() const { return record.at("direction") == "z2m_to_daemon"; }
  bool Retained() const {
    return record.at("retain").is_boolean() && record.at("retain").get<bool>();
  }
  // The exact bytes on the wire: JSON payloads re-serialised, plain text and empty as stored.
  std::string Payload() const {
    const auto& payload = record.at("payload");
    if (record.at("payload_format") == "json") return payload.dump();
    return payload.get<std::string>();
  }
};

inline const std::map<int, CorpusLine>& Corpus() {
  static const std::map<int, CorpusLine> corpus = [] {
    std::map<int, CorpusLine> lines;
    std::ifstream in(std::string(HOMESEC_TEST_DATA_DIR) + "/zigbee2mqtt.jsonl");
    std::string text;
    int number = 0;
    while (std::getline(in, text)) {
      ++number;
      if (text.empty()) continue;
      lines[number] = CorpusLine{number, nlohmann::json::parse(text)};
    }
    return lines;
  }();
  return corpus;
}

inline std::string ToText(const Value& value) {
  if (std::holds_alternative<std::monostate>(value)) return "unknown";
  if (const bool* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  if (const double* d = std::get_if<double>(&value)) {
    std::ostringstream out;
    out << *d;
    return out.str();
  }
  return "\"" + std::get<std::string>(value) + "\"";
}

// "battery=100 contact=\"open\"" sorted by property (one device) or "dev.battery=100" (many).
inline std::string ReadingsText(const std::vector<Reading>& readings, bool with_device = false) {
  std::vector<std::string> parts;
  for (const Reading& r : readings) {
    parts.push_back((with_device ? r.device + "." : "") + r.property + "=" + ToText(r.value));
  }
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : " ") + part;
  return out;
}

// Compares JSON texts by value (key order and spacing do not matter).
inline bool SameJson(const std::string& a, const nlohmann::json& b) {
  return nlohmann::json::parse(a, nullptr, false) == b;
}

}  // namespace homesec::test
