// homesecctl pair's output: the messages homesecd relays on <prefix>/pairing while the Zigbee
// network is open (daemon/pairing_relay.hpp), as lines for the installer.
#include <algorithm>
#include <string>
#include <string_view>

#include "rules/text.hpp"
#include "tools/homesecctl/format.hpp"

namespace homesec {
namespace {

using nlohmann::json;

bool Flag(const json& message, const char* key, bool otherwise) {
  return OptionalBool(message, key).value_or(otherwise);
}

// "0x00158d0001a2b3c4" or "0x00158d0001a2b3c4 (front_door)" when Zigbee2MQTT already has a
// friendly name other than the address.
std::string Who(const json& device) {
  const std::string ieee = MessageText(device, "ieee_address");
  const std::string name = MessageText(device, "friendly_name");
  if (ieee.empty()) return name.empty() ? "a device" : name;
  return name.empty() || name == ieee ? ieee : ieee + " (" + name + ")";
}

// "Aqara MCCGQ11LM (Door and window sensor)".
std::string Model(const json& device) {
  std::string out;
  const auto add = [&out](std::string_view before, const std::string& part,
                          std::string_view after) {
    if (part.empty()) return;
    if (!out.empty()) out += ' ';
    out.append(before).append(part).append(after);
  };
  add("", MessageText(device, "vendor"), "");
  add("", MessageText(device, "model"), "");
  add("(", MessageText(device, "description"), ")");
  return out.empty() ? "unknown model" : out;
}

std::string Zones(const json& device) {
  const auto it = device.find("zones");
  std::string list;
  if (it != device.end() && it->is_array()) {
    for (const json& zone : *it) {
      if (zone.is_string())
        list += (list.empty() ? "" : ", ") + PrintableText(zone.get<std::string>(), 64);
    }
  }
  return list.empty() ? "not used by any zone" : "used by zone " + list;
}

std::string Summary(const json& message) {
  const std::string reason = MessageText(message, "reason", 32);
  std::string out = "pairing closed";
  if (reason == "timeout") out += ": the window ended";
  if (reason == "stopped") out += ": stopped";
  if (reason == "armed") out += ": the panel is arming";
  if (reason == "refused") out += ": Zigbee2MQTT refused it";
  out += "\n";
  const auto devices = message.find("devices");
  if (devices == message.end() || !devices->is_array() || devices->empty()) {
    out += "no device joined\n";
  } else {
    out += std::to_string(devices->size()) + (devices->size() == 1 ? " device" : " devices") +
           " joined:\n";
    for (const json& device : *devices) {
      if (!device.is_object()) continue;
      const std::string interview = MessageText(device, "interview", 16);
      std::string line = "  " + Who(device) + "  ";
      if (interview == "successful") {
        line += Model(device);
        if (!Flag(device, "supported", true)) line += " [not supported]";
      } else if (interview == "failed") {
        line += "interview failed: reset the device and pair it again";
      } else {
        line += "interview not finished";
      }
      if (Flag(device, "left", false)) line += " [left again]";
      out += line + "  " + Zones(device) + "\n";
    }
  }
  const std::string expected = MessageText(message, "device");
  if (!expected.empty()) {
    out += Flag(message, "device_joined", false)
               ? "expected device " + expected + " joined\n"
               : "expected device " + expected + " did not join\n";
  }
  return out;
}

}  // namespace

std::string FormatPairingMessage(const json& message) {
  if (!message.is_object()) return {};
  const std::string type = MessageText(message, "type", 32);
  if (type == "opened") {
    const double seconds = std::clamp(OptionalNumber(message, "seconds").value_or(0), 0.0, 1e6);
    std::string out = "Zigbee network open to joins for " +
                      std::to_string(static_cast<long long>(seconds)) +
                      " s: put the device in pairing mode";
    const std::string expected = MessageText(message, "device");
    if (!expected.empty()) out += " (expecting " + expected + ")";
    return out + "\n";
  }
  if (type == "confirmed") return "Zigbee2MQTT permits joining\n";
  if (type == "error") return "Zigbee2MQTT refused: " + MessageText(message, "error", 200) + "\n";
  if (type == "device_joined") return "joined " + Who(message) + "\n";
  if (type == "device_announce") return "announced " + Who(message) + "\n";
  if (type == "device_leave") return "left " + Who(message) + "\n";
  if (type == "device_interview") {
    const std::string status = MessageText(message, "status", 16);
    if (status == "started") return "interviewing " + Who(message) + "\n";
    if (status == "failed") {
      return "interview failed: " + Who(message) + ": reset the device and pair it again\n";
    }
    if (status == "successful") {
      std::string out = "interview successful: " + Model(message);
      if (!Flag(message, "supported", true)) out += " [not supported by Zigbee2MQTT]";
      return out + "\n" + Zones(message) + "\n";
    }
    return {};
  }
  if (type == "closed") return Summary(message);
  return {};
}

}  // namespace homesec
