// The pairing relay (pairing_relay.hpp): permit_join out, bridge/event and
// bridge/response/permit_join in, JSON lines on <prefix>/pairing.
#include "daemon/pairing_relay.hpp"

#include <algorithm>
#include <cctype>

#include "rules/json_limits.hpp"

namespace homesec {
namespace {

using nlohmann::json;

bool SameAddress(const std::string& a, const std::string& b) {
  return !a.empty() && a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

PairingRelay::PairingRelay(std::string z2m_base, std::string pairing_topic,
                           const std::vector<DeviceConfig>& devices,
                           const std::vector<ZoneConfig>& zones)
    : base_(std::move(z2m_base)), topic_(std::move(pairing_topic)) {
  for (const DeviceConfig& device : devices) {
    if (const auto* zigbee = std::get_if<ZigbeeDeviceConfig>(&device.source)) {
      devices_.emplace_back(device.id, zigbee->friendly_name);
    }
  }
  for (const ZoneConfig& zone : zones) zones_.emplace_back(zone.id, zone.device);
}

void PairingRelay::SetKnownAddresses(std::map<std::string, std::string> ieee_by_device) {
  ieee_by_device_ = std::move(ieee_by_device);
}

std::vector<std::string> PairingRelay::ZonesUsing(const std::string& friendly_name,
                                                  const std::string& ieee) const {
  std::vector<std::string> ids;
  for (const auto& [id, name] : devices_) {
    const auto known = ieee_by_device_.find(id);
    const bool match = (!friendly_name.empty() && name == friendly_name) ||
                       SameAddress(name, ieee) ||
                       (known != ieee_by_device_.end() && SameAddress(known->second, ieee));
    if (match) ids.push_back(id);
  }
  std::vector<std::string> used;
  for (const auto& [zone, device] : zones_) {
    if (std::find(ids.begin(), ids.end(), device) != ids.end()) used.push_back(zone);
  }
  return used;
}

MqttOut PairingRelay::Message(json body, WallTime now) const {
  body["time"] = FormatRfc3339(now);
  return MqttOut{topic_, DumpJson(body), false};
}

json PairingRelay::DeviceJson(const Joined& device) const {
  json out{{"friendly_name", device.friendly_name},
           {"ieee_address", device.ieee_address},
           {"interview", device.interview},
           {"zones", ZonesUsing(device.friendly_name, device.ieee_address)}};
  if (!device.model.empty()) out["model"] = device.model;
  if (!device.vendor.empty()) out["vendor"] = device.vendor;
  if (!device.description.empty()) out["description"] = device.description;
  if (device.supported) out["supported"] = *device.supported;
  if (device.left) out["left"] = true;
  return out;
}

std::vector<MqttOut> PairingRelay::Apply(const PermitJoinRequest& action, WallTime now) {
  std::vector<MqttOut> out;
  const int transaction = next_transaction_++;
  pending_[std::to_string(transaction)] = action.time.count() > 0;
  // Only the latest few requests are awaited: an answer that never came is not kept forever.
  while (pending_.size() > 8) pending_.erase(pending_.begin());
  out.push_back(homesec::PermitJoin(base_, action.time, transaction));
  if (action.time.count() > 0) {
    if (!open_) joined_.clear();
    open_ = true;
    expected_ = action.device;
    json body{{"type", "opened"}, {"seconds", action.time.count()}, {"user", action.user}};
    if (!expected_.empty()) body["device"] = expected_;
    out.push_back(Message(std::move(body), now));
    return out;
  }
  if (!open_) return out;  // closing what the panel did not know open: nothing to sum up
  open_ = false;
  json devices = json::array();
  bool expected_joined = false;
  for (const Joined& device : joined_) {
    devices.push_back(DeviceJson(device));
    if (!expected_.empty() &&
        (device.friendly_name == expected_ || SameAddress(device.ieee_address, expected_))) {
      expected_joined = true;
    }
  }
  json body{{"type", "closed"}, {"reason", action.reason}, {"devices", std::move(devices)}};
  if (!action.user.empty()) body["user"] = action.user;
  if (!expected_.empty()) {
    body["device"] = expected_;
    body["device_joined"] = expected_joined;
  }
  out.push_back(Message(std::move(body), now));
  expected_.clear();
  return out;
}

PairingRelay::Joined* PairingRelay::Remember(const BridgeEvent& event) {
  for (Joined& device : joined_) {
    if ((!event.ieee_address.empty() && device.ieee_address == event.ieee_address) ||
        (event.ieee_address.empty() && device.friendly_name == event.friendly_name)) {
      if (!event.friendly_name.empty()) device.friendly_name = event.friendly_name;
      return &device;
    }
  }
  if (joined_.size() >= kMaxPairingDevices) return nullptr;
  joined_.push_back(Joined{event.friendly_name, event.ieee_address, "", "", "", "", {}, false});
  return &joined_.back();
}

std::vector<MqttOut> PairingRelay::OnEvent(const BridgeEvent& event, WallTime now) {
  if (!open_) return {};
  json body{{"type", event.type},
            {"friendly_name", event.friendly_name},
            {"ieee_address", event.ieee_address}};
  if (event.type == "device_leave") {
    // A device that leaves during the window is noted if it had joined in it.
    for (Joined& device : joined_) {
      if (device.ieee_address == event.ieee_address && !event.ieee_address.empty()) {
        device.left = true;
      }
    }
    return {Message(std::move(body), now)};
  }
  // device_announce: a device already paired rejoining; shown, not counted as joined.
  if (event.type == "device_joined" || event.type == "device_interview") {
    if (Joined* device = Remember(event)) {
      if (event.type == "device_interview") {
        device->interview = event.status;
        if (event.status == "successful") {
          device->model = event.model;
          device->vendor = event.vendor;
          device->description = event.description;
          device->supported = event.supported;
        }
      }
    }
  }
  if (event.type == "device_interview") {
    body["status"] = event.status;
    if (!event.model.empty()) body["model"] = event.model;
    if (!event.vendor.empty()) body["vendor"] = event.vendor;
    if (!event.description.empty()) body["description"] = event.description;
    if (event.supported) body["supported"] = *event.supported;
  }
  body["zones"] = ZonesUsing(event.friendly_name, event.ieee_address);
  return {Message(std::move(body), now)};
}

std::vector<MqttOut> PairingRelay::OnResponse(const BridgeResponse& response, WallTime now,
                                              std::optional<std::string>* refused) {
  if (response.request != "permit_join" || !response.transaction) return {};
  const auto pending = pending_.find(*response.transaction);
  if (pending == pending_.end()) return {};  // another client's request (the frontend's)
  const bool opening = pending->second;
  pending_.erase(pending);
  if (response.ok) {
    if (!opening || !open_) return {};
    json body{{"type", "confirmed"}};
    if (response.time) body["seconds"] = *response.time;
    return {Message(std::move(body), now)};
  }
  if (opening && refused != nullptr) *refused = response.error;
  return {Message(json{{"type", "error"}, {"error", response.error}}, now)};
}

}  // namespace homesec
