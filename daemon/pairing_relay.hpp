// Zigbee pairing in the shell: carries out the panel's PermitJoinRequest (Zigbee2MQTT's
// bridge/request/permit_join with a transaction), matches bridge/response/permit_join to it,
// and while the network is open relays what Zigbee2MQTT says on bridge/event to the local
// <prefix>/pairing topic (not retained) for homesecctl pair and Home Assistant, ending with a
// summary of what joined and which zones use it. Pure: it returns the messages to send, the
// caller (LocalInterface) sends them. See docs/protocol.md §3.2 and docs/devices.md, "Pairing".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "rules/panel_config.hpp"
#include "rules/time.hpp"
#include "rules/types.hpp"
#include "sensors/source_config.hpp"
#include "sensors/zigbee2mqtt_commands.hpp"
#include "sensors/zigbee2mqtt_decoder.hpp"

namespace homesec {

// At most this many devices are remembered per window (a flood of joins must not grow memory).
inline constexpr std::size_t kMaxPairingDevices = 64;

class PairingRelay {
 public:
  PairingRelay(std::string z2m_base, std::string pairing_topic,
               const std::vector<DeviceConfig>& devices, const std::vector<ZoneConfig>& zones);

  // The panel opened (time > 0) or closed the window: the permit_join request, then the
  // pairing topic's "opened" or "closed" (the summary) message.
  std::vector<MqttOut> Apply(const PermitJoinRequest& action, WallTime now);
  // A device event: its line on the pairing topic while the window is open; nothing otherwise
  // (a device announcing itself at another time is no pairing).
  std::vector<MqttOut> OnEvent(const BridgeEvent& event, WallTime now);
  // A bridge/response/permit_join. Only the answer to a request of ours (by its transaction)
  // counts; `refused` is set when Zigbee2MQTT refused to open the window (the panel must close
  // it: PairingRefused).
  std::vector<MqttOut> OnResponse(const BridgeResponse& response, WallTime now,
                                  std::optional<std::string>* refused);
  // IEEE addresses of configured devices from the inventory (DeviceId -> ieee): a device whose
  // friendly name was changed in Zigbee2MQTT is still recognised by its address.
  void SetKnownAddresses(std::map<std::string, std::string> ieee_by_device);

  bool open() const { return open_; }

 private:
  struct Joined {
    std::string friendly_name;
    std::string ieee_address;
    std::string interview;  // "", "started", "successful", "failed"
    std::string model;
    std::string vendor;
    std::string description;
    std::optional<bool> supported;
    bool left = false;
  };
  // The zones whose device is this one (by friendly name or IEEE address), in config order.
  std::vector<std::string> ZonesUsing(const std::string& friendly_name,
                                      const std::string& ieee) const;
  Joined* Remember(const BridgeEvent& event);
  nlohmann::json DeviceJson(const Joined& device) const;
  MqttOut Message(nlohmann::json body, WallTime now) const;

  std::string base_;
  std::string topic_;
  std::vector<std::pair<std::string, std::string>> devices_;  // (DeviceId, friendly name)
  std::vector<std::pair<std::string, std::string>> zones_;    // (ZoneId, DeviceId)
  std::map<std::string, std::string> ieee_by_device_;
  bool open_ = false;
  std::string expected_;
  std::vector<Joined> joined_;
  int next_transaction_ = 1;
  std::map<std::string, bool> pending_;  // transaction -> it opened (true) or closed
};

}  // namespace homesec
