// homesecctl walk-test's output: the messages homesecd publishes on <prefix>/walk_test while a
// walk test runs (docs/installer-guide.md), as lines for the installer, and the final report.
#include <string>
#include <vector>

#include "rules/text.hpp"
#include "tools/homesecctl/format.hpp"

namespace homesec {
namespace {

using nlohmann::json;

struct Seen {
  std::string zone;
  bool opened = false;
  bool closed = false;
  bool tamper = false;
};

std::vector<Seen> ZonesOf(const json& message) {
  std::vector<Seen> zones;
  const auto it = message.find("zones");
  if (it == message.end() || !it->is_array()) return zones;
  for (const json& zone : *it) {
    if (!zone.is_object() || zones.size() >= 1000) continue;
    zones.push_back(Seen{MessageText(zone, "zone", 100),
                         OptionalBool(zone, "opened").value_or(false),
                         OptionalBool(zone, "closed").value_or(false),
                         OptionalBool(zone, "tamper").value_or(false)});
  }
  return zones;
}

std::string Join(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

// "13:04:05Z" of an RFC 3339 time, or the text as it came.
std::string Clock(const std::string& time) {
  return time.size() >= 19 ? time.substr(11, 8) + "Z" : time;
}

std::string Report(const json& message) {
  const std::string reason = MessageText(message, "reason", 32);
  std::string out = "walk test ended";
  if (reason == "timeout") out += ": its time ran out";
  if (reason == "stopped") out += ": stopped";
  out += "\n";
  const std::vector<Seen> zones = ZonesOf(message);
  std::vector<std::string> never;
  std::vector<std::string> one_way;
  std::vector<std::string> tamper;
  std::size_t both = 0;
  for (const Seen& zone : zones) {
    if (zone.tamper) tamper.push_back(zone.zone);
    if (zone.opened && zone.closed) {
      ++both;
    } else if (zone.opened) {
      one_way.push_back(zone.zone + " (opened, never closed)");
    } else if (zone.closed) {
      one_way.push_back(zone.zone + " (closed, never opened)");
    } else if (!zone.tamper) {
      never.push_back(zone.zone);
    } else {
      one_way.push_back(zone.zone + " (tamper only)");
    }
  }
  out += std::to_string(both) + " of " + std::to_string(zones.size()) +
         (zones.size() == 1 ? " zone" : " zones") + " seen both ways\n";
  if (!never.empty()) out += "never seen: " + Join(never) + "\n";
  if (!one_way.empty()) out += "seen one way only: " + Join(one_way) + "\n";
  if (!tamper.empty()) out += "tamper seen: " + Join(tamper) + "\n";
  out += WalkTestPassed(message) ? "PASS\n" : "FAIL\n";
  return out;
}

}  // namespace

bool WalkTestPassed(const json& message) {
  if (!message.is_object() || MessageText(message, "type", 16) != "ended") return false;
  const std::vector<Seen> zones = ZonesOf(message);
  if (zones.empty()) return false;
  for (const Seen& zone : zones) {
    if (!zone.opened || !zone.closed) return false;
  }
  return true;
}

std::string FormatWalkTestMessage(const json& message) {
  if (!message.is_object()) return {};
  const std::string type = MessageText(message, "type", 32);
  if (type == "started" || type == "resumed") {
    const std::vector<Seen> zones = ZonesOf(message);
    std::vector<std::string> ids;
    for (const Seen& zone : zones) ids.push_back(zone.zone);
    return std::string(type == "started" ? "walk test running" : "walk test resumed") + " until " +
           Clock(MessageText(message, "ends", 40)) + " on " + std::to_string(zones.size()) +
           (zones.size() == 1 ? " zone: " : " zones: ") + Join(ids) +
           "\nopen and close each zone (and open its cover for tamper); Ctrl-C ends the test\n";
  }
  if (type == "seen") {
    const std::string zone = MessageText(message, "zone", 100);
    const std::string direction = MessageText(message, "direction", 16);
    std::string line = zone + "  " + direction;
    for (const Seen& z : ZonesOf(message)) {
      if (z.zone != zone) continue;
      if (z.opened && z.closed) line += "  (seen both ways)";
    }
    return line + "\n";
  }
  if (type == "ended") return Report(message);
  return {};
}

}  // namespace homesec
