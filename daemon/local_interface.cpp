// The local broker: Home Assistant interface and Zigbee2MQTT, both on one libmosquitto client.
#include "daemon/local_interface.hpp"

#include <mqtt_protocol.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <variant>

#include "daemon/input_boundary.hpp"
#include "daemon/local_command.hpp"
#include "daemon/log.hpp"
#include "rules/event_json.hpp"
#include "rules/json_limits.hpp"

namespace homesec {
namespace {

constexpr const char* kTag = "local";

std::vector<std::pair<std::string, std::string>> ZigbeeDevices(const AppConfig& config) {
  std::vector<std::pair<std::string, std::string>> devices;
  for (const DeviceConfig& device : config.devices) {
    if (const auto* zigbee = std::get_if<ZigbeeDeviceConfig>(&device.source)) {
      devices.emplace_back(device.id, zigbee->friendly_name);
    }
  }
  // A keypad declared only as an output is heard too (its requests arrive on its state topic).
  for (const OutputConfig& output : config.outputs) {
    if (output.driver != OutputDriver::kZigbeeKeypad) continue;
    const bool declared = std::any_of(devices.begin(), devices.end(),
                                      [&](const auto& d) { return d.second == output.zigbee; });
    if (!declared) devices.emplace_back(output.id, output.zigbee);
  }
  return devices;
}

// What the zones need of each Zigbee device: checked against every inventory's exposes.
std::vector<std::pair<std::string, std::string>> WatchedZigbee(const AppConfig& config) {
  std::vector<std::pair<std::string, std::string>> watched;
  for (const ZoneConfig& zone : config.panel.zones) {
    for (const DeviceConfig& device : config.devices) {
      if (device.id == zone.device && std::holds_alternative<ZigbeeDeviceConfig>(device.source)) {
        watched.emplace_back(zone.device, zone.property);
      }
    }
  }
  return watched;
}

Zigbee2MqttDecoder MakeZigbeeDecoder(const AppConfig& config) {
  Zigbee2MqttDecoder decoder(config.local_mqtt.zigbee2mqtt_base, ZigbeeDevices(config));
  decoder.SetWatched(WatchedZigbee(config));
  decoder.SetBindings(config.zigbee_bindings);
  decoder.SetBatteryLowPercent(config.battery_low_percent);
  return decoder;
}

// Saves the inventory for `homesecd --check-config` (written whole, then renamed into place).
void SaveInventory(const std::string& path, std::string_view payload) {
  const std::string temp = path + ".new";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return;
  const bool written =
      ::write(fd, payload.data(), payload.size()) == static_cast<ssize_t>(payload.size());
  ::close(fd);
  if (!written || std::rename(temp.c_str(), path.c_str()) != 0) std::remove(temp.c_str());
}

bool StartsWith(const std::string& text, const std::string& prefix) {
  return text.size() >= prefix.size() && text.compare(0, prefix.size(), prefix) == 0;
}

ArmNotification RefusalNotification(const CommandResult& result) {
  if (result.reason == "zones_open") return ArmNotification::kNotReady;
  if (result.reason == "already_disarmed") return ArmNotification::kAlreadyDisarmed;
  return ArmNotification::kInvalidCode;
}

nlohmann::json TextOrNull(const std::string& text) {
  return text.empty() ? nlohmann::json() : nlohmann::json(text);
}

// One message of <prefix>/walk_test (docs/installer-guide.md): the progress as the panel gave it.
nlohmann::json WalkTestToJson(const WalkTestChanged& walk, WallTime now) {
  nlohmann::json zones = nlohmann::json::array();
  for (const WalkTestZone& zone : walk.zones) {
    zones.push_back({{"zone", zone.zone},
                     {"opened", zone.opened},
                     {"closed", zone.closed},
                     {"tamper", zone.tamper}});
  }
  nlohmann::json body{{"type", walk.type},
                      {"user", walk.user},
                      {"zones", std::move(zones)},
                      {"time", FormatRfc3339(now)}};
  if (walk.type == "ended") {
    body["reason"] = walk.reason;
  } else {
    body["ends"] = FormatRfc3339(walk.ends);
  }
  if (!walk.zone.empty()) {
    body["zone"] = walk.zone;
    body["direction"] = walk.direction;
  }
  return body;
}

// "<hub>:<seq>" -> seq, for this hub's ids only.
std::optional<std::uint64_t> SeqOf(const std::string& id, const std::string& hub_id) {
  if (!id.starts_with(hub_id + ":")) return std::nullopt;
  const std::string digits = id.substr(hub_id.size() + 1);
  std::uint64_t seq = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) {
    return std::nullopt;
  }
  return seq;
}

}  // namespace

LocalInterface::LocalInterface(EventLoop& loop, const AppConfig& config, LocalHooks hooks)
    : loop_(loop),
      config_(config),
      topics_(MakeLocalTopics(config)),
      hooks_(std::move(hooks)),
      decoder_(MakeZigbeeDecoder(config)),
      watched_(WatchedZigbee(config)),
      pairing_(config.local_mqtt.zigbee2mqtt_base, topics_.Pairing(), config.devices,
               config.panel.zones) {
  for (const OutputConfig& output : config.outputs) {
    if (output.driver == OutputDriver::kZigbeeKeypad) keypads_.insert(output.zigbee);
  }
  for (const DeviceConfig& device : config.devices) {
    if (std::holds_alternative<ZigbeeDeviceConfig>(device.source)) diagnostics_[device.id];
  }
  // The inventory saved last time: the devices' exposes (a siren's form, a battery) are known
  // from the start, so discovery makes every entity at once, and a stale one of homesecd's own
  // is told from a current one as soon as the broker replays it. The bridge's own comes on top.
  if (const std::optional<std::string> saved = ReadSavedInventory(config)) {
    const Z2mDecoded primed =
        decoder_.Decode(config.local_mqtt.zigbee2mqtt_base + "/bridge/devices", *saved, true);
    if (primed.devices) facts_ = FactsOf(*primed.devices);
  }
  NoteAddresses();
  // The shared command topic, and one per configured account: the broker vouches for who
  // published on an account's topic, so each is its own lockout source (rules/codes.hpp).
  command_sources_[topics_.Command()] = "mqtt";
  for (const std::string& account : config.local_mqtt.command_accounts) {
    command_sources_[topics_.AccountCommand(account)] = "mqtt:" + account;
  }
  replay_ = std::make_unique<ReplayGuard>(config.storage.path + "-requests", ClockNow().wall);
  if (!replay_->error().empty()) {
    LogMessage(LogLevel::kWarning, kTag,
               "request ids: " + replay_->error() + " (replays are refused from memory only)");
  }
  const BrokerConfig& broker = config.local_mqtt.broker;
  MqttOptions options;
  options.name = kTag;
  options.client_id = broker.client_id.empty() ? "homesecd-" + config.hub.id : broker.client_id;
  options.host = broker.host;
  options.port = broker.port;
  options.username = broker.username;
  options.password = broker.password;
  options.keepalive = broker.keepalive;
  if (broker.tls) options.tls = MqttTls{broker.tls->ca, broker.tls->cert, broker.tls->key};
  options.mqtt_v5 = true;
  options.will = MqttWill{topics_.Availability(), "offline", 1, true};
  // Dropped before they are even copied: payloads over the decoder's caps (the inventory is the
  // one large payload; zigbee2mqtt_decoder.hpp).
  options.max_payload_bytes = [inventory = config.local_mqtt.zigbee2mqtt_base +
                                           "/bridge/devices"](const std::string& topic) {
    return topic == inventory ? kMaxInventoryPayloadBytes : kMaxPayloadBytes;
  };
  MqttCallbacks callbacks;
  callbacks.on_connect = [this] { OnConnect(); };
  callbacks.on_message = [this](const MqttMessage& m) { OnMessage(m); };
  client_ = std::make_unique<MqttClient>(loop_, std::move(options), std::move(callbacks));
}

LocalInterface::~LocalInterface() {
  // Timers hold `this`: none may fire after a reload replaced this interface.
  for (const auto& [id, timer] : siren_off_timers_) loop_.Cancel(timer);
  loop_.Cancel(unbound_timer_);
  loop_.Cancel(device_flush_timer_);
  loop_.Cancel(views_timer_);
}

void LocalInterface::Start() {
  client_->Start();
  if (!watched_.empty()) {
    unbound_timer_ = loop_.After(UnboundCheckEvery(), [this] {
      unbound_timer_ = 0;
      CheckUnbound();
    });
  }
}

void LocalInterface::Stop() {
  for (const auto& [id, timer] : siren_off_timers_) loop_.Cancel(timer);
  siren_off_timers_.clear();
  loop_.Cancel(unbound_timer_);
  unbound_timer_ = 0;
  loop_.Cancel(device_flush_timer_);
  device_flush_timer_ = 0;
  loop_.Cancel(views_timer_);
  views_timer_ = 0;
  if (client_->connected()) client_->Publish(topics_.Availability(), "offline", 1, true);
  client_->Stop();
}

void LocalInterface::Send(const MqttOut& out, int qos) {
  client_->Publish(out.topic, out.payload, qos, out.retain);
}

void LocalInterface::OnConnect() {
  // Retain-as-published: a command published with retain is recognised (and refused) even when
  // it arrives live, not only when the broker replays it at subscribe time.
  for (const auto& [topic, source] : command_sources_) {
    client_->Subscribe(topic, 1, MQTT_SUB_OPT_RETAIN_AS_PUBLISHED);
  }
  // homesecd's own retained topics from before (an earlier config, a run with discovery on):
  // the broker replays them now, and those the current config does not make are cleared.
  // Subscribed before Zigbee2MQTT's topics, so that they come before its inventory.
  client_->Subscribe(DiscoverySubscription(config_), 1);
  client_->Subscribe(topics_.Zone("+"), 1);
  client_->Subscribe(topics_.Device("+"), 1);
  for (const std::string& topic : decoder_.Subscriptions()) client_->Subscribe(topic, 0);
  discovery_sent_.clear();
  PublishDiscovery();
  Send(MqttOut{topics_.Availability(), "online", true}, 1);
  panel_sent_.clear();
  hub_sent_.clear();
  if (state_) {
    Send(MqttOut{topics_.State(), std::string(ToString(state_->mode)), true}, 1);
    SyncKeypads();
  }
  for (const auto& [id, zone] : zones_) Apply(zone);
  if (watch_) PublishWatch(*watch_);
  PublishPanel();
  PublishHub();
  for (const auto& [id, diagnostics] : diagnostics_) PublishDevice(id);
}

void LocalInterface::ClearIfStale(const MqttMessage& message) {
  const std::string& topic = message.topic;
  const std::string discovery_base = config_.local_mqtt.discovery_prefix + "/";
  const bool discovery =
      StartsWith(topic, discovery_base) && topic.ends_with("/config") &&
      std::count(topic.begin() + static_cast<std::ptrdiff_t>(discovery_base.size()), topic.end(),
                 '/') == 2;
  const std::optional<std::string> zone = ChildLevel(topics_.Zone(""), topic);
  const std::optional<std::string> device = ChildLevel(topics_.Device(""), topic);
  if ((!discovery && !zone && !device) || message.payload.empty()) return;
  if (discovery) {
    if (!discovery_sent_.count(topic) && IsOwnDiscovery(config_, topic, message.payload)) {
      ClearRetained(topic);
    }
    return;
  }
  bool configured = false;
  if (zone) {
    configured = std::any_of(config_.panel.zones.begin(), config_.panel.zones.end(),
                             [&](const ZoneConfig& z) { return z.id == *zone; });
  } else {
    configured = diagnostics_.count(*device) > 0;
  }
  if (!configured) ClearRetained(topic);
}

void LocalInterface::ClearRetained(const std::string& topic) {
  InputCounters::Get().Add("local.retained.cleared");
  LogMessage(LogLevel::kInfo, kTag, "cleared " + topic + ": the configuration no longer makes it");
  Send(MqttOut{topic, "", true}, 1);
}

void LocalInterface::PublishDiscovery() {
  std::map<std::string, std::string> made;
  for (const MqttOut& out : DiscoveryMessages(config_, facts_)) {
    const auto sent = discovery_sent_.find(out.topic);
    if (sent == discovery_sent_.end() || sent->second != out.payload) Send(out, 1);
    made[out.topic] = out.payload;
  }
  // One this connection made that the inventory no longer backs (a device without a battery).
  for (const auto& [topic, payload] : discovery_sent_) {
    if (!made.count(topic)) Send(MqttOut{topic, "", true}, 1);
  }
  discovery_sent_ = std::move(made);
}

void LocalInterface::PublishPanel() {
  nlohmann::json open = nlohmann::json::array();
  nlohmann::json bypassed = nlohmann::json::array();
  nlohmann::json alarm = nlohmann::json::array();
  nlohmann::json unknown = nlohmann::json::array();
  for (const auto& [id, zone] : zones_) {
    if (zone.open) open.push_back(id);
    if (zone.bypassed) bypassed.push_back(id);
    if (zone.alarm) alarm.push_back(id);
    if (!zone.known) unknown.push_back(id);
  }
  nlohmann::json doc{{"open_zones", open},
                     {"bypassed_zones", bypassed},
                     {"alarm_zones", alarm},
                     {"unknown_zones", unknown},
                     {"changed_by", TextOrNull(changed_by_)},
                     {"triggered_by", TextOrNull(triggered_by_)},
                     {"last_dispatch", last_dispatch_ ? *last_dispatch_ : nlohmann::json()},
                     {"alarm_memory", AlarmMemoryToJson(alarm_memory_)},
                     {"watch", nullptr}};
  if (state_) {
    doc["mode"] = std::string(ToString(state_->mode));
    doc["target_mode"] = state_->armed_mode == Mode::kDisarmed
                             ? nlohmann::json()
                             : nlohmann::json(std::string(ToString(state_->armed_mode)));
    const bool delay = state_->delay_remaining.count() > 0;
    doc["delay"] = !delay                           ? nlohmann::json()
                   : state_->mode == Mode::kArming  ? nlohmann::json("exit")
                   : state_->mode == Mode::kPending ? nlohmann::json("entry")
                                                    : nlohmann::json();
    doc["delay_ends"] =
        delay_ends_ ? nlohmann::json(FormatRfc3339(*delay_ends_)) : nlohmann::json();
  }
  if (watch_ && !watch_->cleared && !watch_->registration.empty()) {
    std::string error;
    if (auto registration = ParseJsonWithin(watch_->registration, kOwnDocumentLimits, &error);
        registration && registration->is_object()) {
      nlohmann::json watch = nlohmann::json::object();
      for (const char* key : {"watch_id", "state", "departure", "expected_return", "overdue"}) {
        if (registration->contains(key)) watch[key] = (*registration)[key];
      }
      doc["watch"] = watch;
    }
  }
  const std::string payload = DumpJson(doc);
  if (payload == panel_sent_) return;
  panel_sent_ = payload;
  Send(MqttOut{topics_.Panel(), payload, true}, 1);
}

void LocalInterface::PublishHub() {
  nlohmann::json troubles = nlohmann::json::array();
  if (hooks_.troubles) {
    for (const ActiveTrouble& trouble : hooks_.troubles()) {
      nlohmann::json entry{{"type", trouble.type}};
      if (!trouble.zone.empty()) entry["zone"] = trouble.zone;
      if (!trouble.device.empty()) entry["device"] = trouble.device;
      entry["id"] = TroubleId(trouble);
      entry["since"] = FormatRfc3339(trouble.since);
      entry["acknowledged"] = trouble.acknowledged;
      troubles.push_back(entry);
    }
  }
  const auto optional = [](const std::optional<bool>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json();
  };
  const nlohmann::json doc{{"bridge_online", optional(bridge_online_)},
                           {"uplink_online", optional(uplink_online_)},
                           {"troubles", troubles}};
  const std::string payload = DumpJson(doc);
  if (payload == hub_sent_) return;
  hub_sent_ = payload;
  Send(MqttOut{topics_.Hub(), payload, true}, 1);
}

void LocalInterface::ViewsChanged() {
  // Once per decision (an alarm changes state, zones and events at once) or per burst.
  if (views_timer_ != 0) return;
  views_timer_ = loop_.After(Millis{0}, [this] {
    views_timer_ = 0;
    PublishPanel();
    PublishHub();
  });
}

void LocalInterface::SetUplinkOnline(bool online) {
  uplink_online_ = online;
  ViewsChanged();
}

void LocalInterface::PublishDevice(const std::string& device_id) {
  auto it = diagnostics_.find(device_id);
  if (it == diagnostics_.end()) return;
  DeviceDiagnostics& d = it->second;
  d.dirty = false;
  const auto optional = [](const auto& value) {
    return value ? nlohmann::json(*value) : nlohmann::json();
  };
  const auto number = [](const std::optional<double>& value) {
    if (!value) return nlohmann::json();
    // 97, as Zigbee2MQTT sends it, not 97.0.
    if (*value == std::floor(*value) && std::abs(*value) < 1e15) {
      return nlohmann::json(static_cast<std::int64_t>(*value));
    }
    return nlohmann::json(*value);
  };
  nlohmann::json doc{
      {"available", optional(d.available)},
      {"battery", number(d.battery)},
      {"battery_low", optional(d.battery_low)},
      {"linkquality", number(d.linkquality)},
      {"last_seen", d.last_seen ? nlohmann::json(FormatRfc3339(*d.last_seen)) : nlohmann::json()}};
  // What it is, from Zigbee2MQTT's bridge/devices definition (absent until the bridge listed it;
  // null for a device Zigbee2MQTT does not support).
  if (const auto facts = facts_.find(device_id); facts != facts_.end()) {
    const auto text = [](const std::string& value) {
      return value.empty() ? nlohmann::json() : nlohmann::json(value);
    };
    doc["vendor"] = text(facts->second.vendor);
    doc["model"] = text(facts->second.model);
    doc["description"] = text(facts->second.description);
  }
  Send(MqttOut{topics_.Device(device_id), DumpJson(doc), true}, 1);
}

void LocalInterface::FlushDevices() {
  for (const auto& [id, d] : diagnostics_) {
    if (d.dirty) PublishDevice(id);
  }
}

void LocalInterface::NoteDevice(const Z2mDecoded& decoded, bool retained) {
  std::set<std::string> now;  // what changed enough to say at once
  for (const Reading& reading : decoded.readings) {
    const auto it = diagnostics_.find(reading.device);
    if (it == diagnostics_.end()) continue;
    DeviceDiagnostics& d = it->second;
    if (reading.property == "available") {
      const bool* available = std::get_if<bool>(&reading.value);
      d.available = available ? std::optional<bool>(*available) : std::nullopt;
    } else if (reading.property == "battery") {
      if (const double* percent = std::get_if<double>(&reading.value)) d.battery = *percent;
    } else if (reading.property == "battery_low") {
      if (const bool* low = std::get_if<bool>(&reading.value)) d.battery_low = *low;
    } else {
      continue;
    }
    now.insert(reading.device);
  }
  const auto spoke = diagnostics_.find(decoded.device);
  if (spoke != diagnostics_.end()) {
    DeviceDiagnostics& d = spoke->second;
    if (decoded.linkquality) d.linkquality = decoded.linkquality;
    if (!retained) {
      d.last_seen = ClockNow().wall;
      // A device that speaks is there, whatever its availability said before.
      if (d.available != true) now.insert(decoded.device);
      d.available = true;
    }
    d.dirty = true;
  }
  for (const std::string& id : now) PublishDevice(id);
  // Link quality and last seen change with every message: said at most every kDeviceFlush.
  if (spoke != diagnostics_.end() && device_flush_timer_ == 0) {
    device_flush_timer_ = loop_.After(kDeviceFlush, [this] {
      device_flush_timer_ = 0;
      FlushDevices();
    });
  }
}

void LocalInterface::NoteInventory(const std::vector<PairedDevice>& devices) {
  std::map<std::string, DeviceFacts> facts = FactsOf(devices);
  if (facts == facts_) return;
  facts_ = std::move(facts);
  NoteAddresses();
  PublishDiscovery();
  for (const auto& [id, diagnostics] : diagnostics_) PublishDevice(id);
}

void LocalInterface::NoteAddresses() {
  std::map<std::string, std::string> ieee;
  for (const auto& [device, facts] : facts_) {
    if (!facts.ieee.empty()) ieee[device] = facts.ieee;
  }
  pairing_.SetKnownAddresses(std::move(ieee));
}

void LocalInterface::RelayPairing(const Z2mDecoded& decoded, bool retained) {
  // Neither bridge/event nor a response is retained by Zigbee2MQTT: a retained one is someone's
  // replay and never closes (or fills) a pairing window.
  if (retained) return;
  const WallTime now = ClockNow().wall;
  for (const BridgeEvent& event : decoded.events) {
    for (const MqttOut& out : pairing_.OnEvent(event, now)) Send(out, 1);
  }
  if (!decoded.response) return;
  std::optional<std::string> refused;
  for (const MqttOut& out : pairing_.OnResponse(*decoded.response, now, &refused)) Send(out, 1);
  if (refused) {
    LogMessage(LogLevel::kWarning, kTag, "zigbee2mqtt refused permit_join: " + *refused);
    if (hooks_.on_pairing_refused) hooks_.on_pairing_refused(PairingRefused{*refused});
  }
}

std::map<std::string, DeviceFacts> LocalInterface::FactsOf(
    const std::vector<PairedDevice>& devices) const {
  std::map<std::string, DeviceFacts> facts;
  for (const DeviceConfig& device : config_.devices) {
    const auto* zigbee = std::get_if<ZigbeeDeviceConfig>(&device.source);
    if (zigbee == nullptr) continue;
    for (const PairedDevice& paired : devices) {
      if (paired.friendly_name != zigbee->friendly_name) continue;
      DeviceFacts& f = facts[device.id];
      f.model = paired.model;
      f.vendor = paired.vendor;
      f.description = paired.description;
      f.ieee = paired.ieee_address;
      if (const DeviceCapabilities* caps = decoder_.CapabilitiesNamed(zigbee->friendly_name)) {
        f.battery = caps->has_battery_low || caps->keys.count("battery") > 0;
      }
    }
  }
  return facts;
}

void LocalInterface::Notify(const std::optional<nlohmann::json>& notice) {
  if (notice) Send(MqttOut{topics_.Notice(), DumpJson(*notice), false}, 1);
}

void LocalInterface::PublishWatch(const WatchChanged& watch) {
  // Retained: an app or `homesecctl watch show` reads the current watch whenever it connects.
  // A watch that is over gets its final document, then the retained message is cleared.
  const std::string topic = topics_.prefix + "/watch";
  if (!watch.registration.empty() && !(watch.cleared && watch_published_)) {
    Send(MqttOut{topic, watch.registration, true}, 1);
  }
  if (watch.cleared) Send(MqttOut{topic, "", true}, 1);
}

void LocalInterface::OnMessage(const MqttMessage& message) {
  if (const auto command = command_sources_.find(message.topic);
      command != command_sources_.end()) {
    // A command always gets an answer, even one that failed inside homesecd.
    const std::string& source = command->second;
    RunGuarded(
        "local command", [&] { HandleCommand(message, source); },
        [&](const std::string& why) {
          CommandResult result;
          result.source = source;
          result.accepted = false;
          result.reason = "internal_error";
          result.message = why;
          PublishResult(result);
        });
  } else if (StartsWith(message.topic, config_.local_mqtt.zigbee2mqtt_base + "/")) {
    HandleZigbee(message);
  } else {
    ClearIfStale(message);
  }
}

void LocalInterface::HandleCommand(const MqttMessage& message, const std::string& source) {
  LocalCommandParse parsed = ParseLocalCommand(message.payload, message.retained);
  if (parsed.command) parsed.command->source = source;
  if (parsed.refusal) {
    parsed.refusal->source = source;
    InputCounters::Get().Add("local.command.refused");
    LogMessage(LogLevel::kWarning, kTag, "command refused: " + parsed.refusal->message);
    PublishResult(*parsed.refusal);
    return;
  }
  const Command& command = *parsed.command;
  const std::string replay = replay_->Check(command.request_id, parsed.sent, ClockNow().wall);
  if (!replay.empty()) {
    InputCounters::Get().Add("local.command.replayed");
    LogMessage(LogLevel::kWarning, kTag, "command refused: " + replay);
    CommandResult result;
    result.request_id = command.request_id;
    result.source = command.source;
    result.action = command.action;
    result.accepted = false;
    result.reason = "invalid_request";
    result.message = replay;
    PublishResult(result);
    return;
  }
  if (hooks_.on_command) hooks_.on_command(command);
}

void LocalInterface::HandleZigbee(const MqttMessage& message) {
  const Z2mDecoded decoded = decoder_.Decode(message.topic, message.payload, message.retained);
  if (!decoded.error.empty()) {
    InputCounters::Get().Add("local.zigbee.refused");
    LogMessage(LogLevel::kWarning, kTag, message.topic + ": " + decoded.error);
    return;
  }
  for (const std::string& warning : decoded.warnings)
    LogMessage(LogLevel::kWarning, kTag, message.topic + ": " + warning);
  if (decoded.devices && message.topic == config_.local_mqtt.zigbee2mqtt_base + "/bridge/devices") {
    SaveInventory(InventoryPath(config_), message.payload);
    NoteInventory(*decoded.devices);
  }
  for (const BridgeNotice& notice : decoded.notices) {
    // A zone its device cannot feed is a configuration mistake the installer must see.
    const bool mistake = notice.kind == "not_exposed" || notice.kind == "not_paired";
    if (mistake) InputCounters::Get().Add("local.zigbee." + notice.kind);
    LogMessage(mistake ? LogLevel::kWarning : LogLevel::kInfo, kTag,
               "zigbee2mqtt " + notice.kind + " " + notice.friendly_name + " " + notice.text);
    // A restarted bridge (or keypad) has forgotten the panel's mode: tell the keypads again.
    if (notice.kind == "bridge_online") SyncKeypads();
    if (notice.kind == "bridge_online" || notice.kind == "bridge_offline") {
      bridge_online_ = notice.kind == "bridge_online";
      ViewsChanged();
    }
  }
  RelayPairing(decoded, message.retained);
  NoteZigbeeState(decoded);
  NoteDevice(decoded, message.retained);
  if (hooks_.on_reading) {
    for (const Reading& reading : decoded.readings) hooks_.on_reading(reading);
  }
  for (const KeypadAction& keypad : decoded.keypad) {
    if (message.retained) continue;  // a replayed keypad press must never arm or disarm
    // A panic button bound to a panic zone is that zone's: a silent zone stays silent (the
    // keypad's own emergency request would be an audible panel panic).
    if (keypad.action == CommandAction::kPanic && PanicZoneOf(keypad.device)) {
      if (hooks_.on_reading) {
        hooks_.on_reading(Reading{keypad.device, "panic", true, false});
        hooks_.on_reading(Reading{keypad.device, "panic", false, false});
      }
      continue;
    }
    Command command;
    command.action = keypad.action;
    command.code = keypad.code;
    command.source = "keypad:" + keypad.device;
    command.request_id = "keypad-" + std::to_string(next_request_++);
    const std::string name = FriendlyName(keypad.device);
    keypads_.insert(name);
    keypad_requests_[command.request_id] = KeypadRequest{name, keypad.transaction};
    if (hooks_.on_command) hooks_.on_command(command);
  }
}

bool LocalInterface::PanicZoneOf(const std::string& device_id) const {
  return std::any_of(config_.panel.zones.begin(), config_.panel.zones.end(),
                     [&](const ZoneConfig& zone) {
                       return zone.device == device_id && zone.type == ZoneType::kPanic24h &&
                              zone.property == "panic";
                     });
}

std::string InventoryPath(const AppConfig& config) {
  return config.storage.path + "-zigbee-devices.json";
}

std::optional<std::string> ReadSavedInventory(const AppConfig& config) {
  std::ifstream in(InventoryPath(config), std::ios::binary);
  if (!in) return std::nullopt;
  std::string text(kMaxInventoryPayloadBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxInventoryPayloadBytes) return std::nullopt;  // not one the bridge sent
  return text;
}

std::vector<std::string> CheckInventory(const AppConfig& config, std::string_view inventory) {
  Zigbee2MqttDecoder decoder = MakeZigbeeDecoder(config);
  const Z2mDecoded decoded =
      decoder.Decode(config.local_mqtt.zigbee2mqtt_base + "/bridge/devices", inventory, true);
  std::vector<std::string> findings;
  if (!decoded.error.empty()) findings.push_back("the saved inventory: " + decoded.error);
  for (const BridgeNotice& notice : decoded.notices) {
    if (notice.kind == "not_exposed" || notice.kind == "not_paired") {
      findings.push_back(notice.friendly_name + ": " + notice.text);
    }
  }
  return findings;
}

std::string LocalInterface::FriendlyName(const std::string& device_id) const {
  for (const DeviceConfig& device : config_.devices) {
    if (device.id != device_id) continue;
    if (const auto* zigbee = std::get_if<ZigbeeDeviceConfig>(&device.source)) {
      return zigbee->friendly_name;
    }
  }
  return device_id;
}

void LocalInterface::PublishResult(const CommandResult& result) {
  // A refusal is told to Home Assistant whoever sent the command (a keypad's too).
  Notify(NoticeForResult(result));
  if (StartsWith(result.source, "keypad:")) {
    ReplyToKeypad(result);
    return;
  }
  Send(MqttOut{topics_.CommandResult(), DumpJson(CommandResultToJson(result)), false}, 1);
}

void LocalInterface::ReplyToKeypad(const CommandResult& result) {
  const auto it = keypad_requests_.find(result.request_id);
  if (it == keypad_requests_.end()) return;
  const KeypadRequest request = it->second;
  keypad_requests_.erase(it);
  std::optional<ArmNotification> notification;
  if (result.accepted) {
    notification = AcceptedNotification(result.action);
  } else {
    notification = RefusalNotification(result);
  }
  if (!notification) return;  // panic / fire buttons get no arm_mode reply
  Send(KeypadArmModeReply(config_.local_mqtt.zigbee2mqtt_base, request.friendly_name,
                          request.transaction, *notification));
}

Millis LocalInterface::UnboundCheckEvery() const {
  // Often enough to say it within a tenth of the grace of when it is due.
  return std::clamp<Millis>(std::chrono::duration_cast<Millis>(config_.unbound_grace) / 10,
                            Millis{500}, Millis{60000});
}

void LocalInterface::NoteZigbeeState(const Z2mDecoded& decoded) {
  for (const Reading& reading : decoded.readings) fed_.insert({reading.device, reading.property});
  if (decoded.device.empty()) return;
  auto [it, first] = zigbee_seen_.try_emplace(decoded.device);
  if (first) it->second.first = ClockNow().mono;
  for (const std::string& key : decoded.keys) {
    if (it->second.keys.size() >= kMaxReportedKeys) break;
    it->second.keys.insert(key);
  }
}

void LocalInterface::CheckUnbound() {
  const MonoTime now = ClockNow().mono;
  for (const auto& pair : watched_) {
    const auto& [device, property] = pair;
    // Properties that come only as events (a panic press, a vibration action) may rightly stay
    // silent for months.
    if (property == "panic" || property == "vibration" || property == "available" ||
        property == "battery_low" || property == "test") {
      continue;
    }
    if (fed_.count(pair) || said_unbound_.count(pair)) continue;
    const auto seen = zigbee_seen_.find(device);
    if (seen == zigbee_seen_.end() || now - seen->second.first < config_.unbound_grace) continue;
    said_unbound_.insert(pair);
    std::string keys;
    for (const std::string& key : seen->second.keys) keys += (keys.empty() ? "" : ", ") + key;
    InputCounters::Get().Add("local.zigbee.unbound");
    LogMessage(LogLevel::kWarning, kTag,
               "device '" + device + "' has reported for " +
                   std::to_string(config_.unbound_grace.count()) +
                   " s but never its zone's property '" + property + "'; it sends: " + keys +
                   " (bind the right key with \"zigbee_property\", docs/devices.md)");
    if (hooks_.on_reading) hooks_.on_reading(Reading{device, "unbound", property, false});
  }
  unbound_timer_ = loop_.After(UnboundCheckEvery(), [this] {
    unbound_timer_ = 0;
    CheckUnbound();
  });
}

void LocalInterface::SyncKeypads() {
  if (!state_) return;
  for (const std::string& name : keypads_) {
    Send(KeypadSetMode(config_.local_mqtt.zigbee2mqtt_base, name, state_->mode,
                       state_->delay_remaining));
  }
}

void LocalInterface::DriveSirens(const SetOutput& output) {
  for (const OutputConfig& out : config_.outputs) {
    if (out.kind != ToString(output.kind)) continue;
    if (out.driver != OutputDriver::kZigbeeSiren && out.driver != OutputDriver::kZigbeeTuyaSiren) {
      continue;
    }
    DriveSiren(out, output);
  }
}

void LocalInterface::DriveSiren(const OutputConfig& out, const SetOutput& output) {
  const std::string& base = config_.local_mqtt.zigbee2mqtt_base;
  const bool on = output.pattern != OutputPattern::kOff;
  // A Zigbee siren used as a chime sounds quietly and without flash for the chime's time.
  const bool chime = output.kind == OutputKind::kChime;
  const SirenRequest request{on, output.reason, chime ? "low" : out.level,
                             chime ? false : out.strobe, output.duration};
  // Whatever the form, a sound with a duration ends then: a one-key switch has no duration of
  // its own and would sound until told (a 2 s door chime would not stop).
  if (auto timer = siren_off_timers_.find(out.id); timer != siren_off_timers_.end()) {
    loop_.Cancel(timer->second);
    siren_off_timers_.erase(timer);
  }
  if (on && output.duration.count() > 0) {
    SetOutput off = output;
    off.pattern = OutputPattern::kOff;
    siren_off_timers_[out.id] =
        loop_.After(std::chrono::duration_cast<Millis>(output.duration), [this, id = out.id, off] {
          siren_off_timers_.erase(id);
          for (const OutputConfig& o : config_.outputs) {
            if (o.id == id) DriveSiren(o, off);
          }
        });
  }
  // Its own exposes first: the form its converter accepts (docs/devices.md, "Outputs").
  if (const DeviceCapabilities* caps = decoder_.CapabilitiesNamed(out.zigbee);
      caps != nullptr && caps->siren.any()) {
    if (auto message = SirenFromExposes(caps->siren, base, out.zigbee, request)) {
      Send(*message, 1);
      return;
    }
  }
  // Before the inventory names it: the configured driver's form.
  if (out.driver == OutputDriver::kZigbeeSiren) {
    const Seconds duration = output.duration.count() > 0 ? output.duration : kSirenUntilStopped;
    Send(on ? SirenWarning(base, out.zigbee, output.reason, request.level, request.strobe, duration)
            : SirenStop(base, out.zigbee),
         1);
  } else {
    Send(TuyaSiren(base, out.zigbee, on), 1);
  }
}

void LocalInterface::Squawk(bool armed) {
  const std::string& base = config_.local_mqtt.zigbee2mqtt_base;
  for (const OutputConfig& out : config_.outputs) {
    if (!out.squawk || out.zigbee.empty()) continue;
    if (const DeviceCapabilities* caps = decoder_.CapabilitiesNamed(out.zigbee)) {
      if (auto message = SquawkFromExposes(caps->siren, base, out.zigbee, armed, out.level)) {
        Send(*message, 1);
      } else {
        LogMessage(LogLevel::kWarning, kTag,
                   "output '" + out.id + "': " + caps->vendor + " " + caps->model +
                       " exposes neither squawk nor warning: no arm/disarm chirp");
      }
    } else if (out.driver == OutputDriver::kZigbeeSiren) {
      Send(SirenSquawk(base, out.zigbee, armed, out.level, false), 1);
    }
  }
}

void LocalInterface::Apply(const Action& action) {
  if (const auto* state = std::get_if<StateChanged>(&action)) {
    state_ = *state;
    delay_ends_.reset();
    if (state->delay_remaining.count() > 0) delay_ends_ = ClockNow().wall + state->delay_remaining;
    Send(MqttOut{topics_.State(), std::string(ToString(state->mode)), true}, 1);
    SyncKeypads();
    ViewsChanged();
  } else if (const auto* zone = std::get_if<ZoneChanged>(&action)) {
    zones_[zone->zone] = *zone;
    Send(MqttOut{topics_.Zone(zone->zone), DumpJson(ZonePayload(*zone)), true}, 1);
    ViewsChanged();
  } else if (const auto* result = std::get_if<CommandResult>(&action)) {
    PublishResult(*result);
  } else if (const auto* record = std::get_if<RecordEvent>(&action)) {
    // Silent events (duress, silent panic) exist only for the platform: whoever forced the
    // resident to disarm may be watching Home Assistant. The local numbering leaves them out,
    // so the next event follows on from the last one shown.
    if (record->event.silent) return;
    const Event& event = record->event;
    Send(MqttOut{topics_.Event(), LocalEventPayload(event, config_.hub.id, Silent()), false}, 1);
    Notify(NoticeForEvent(event));
    if (event.type == "armed" || event.category == EventCategory::kDisarming) {
      changed_by_ = event.user;
    }
    if (event.category == EventCategory::kDisarming) triggered_by_.clear();
    if (event.category == EventCategory::kAlarm && triggered_by_.empty()) {
      triggered_by_ = event.zone;
    }
    // The troubles list (hub) and the attributes (panel) follow.
    ViewsChanged();
  } else if (const auto* output = std::get_if<SetOutput>(&action)) {
    DriveSirens(*output);
  } else if (const auto* squawk = std::get_if<homesec::Squawk>(&action)) {
    Squawk(squawk->armed);
  } else if (const auto* join = std::get_if<PermitJoinRequest>(&action)) {
    // homesecd is the only client the broker lets write bridge/request/# (hub-local.acl).
    for (const MqttOut& out : pairing_.Apply(*join, ClockNow().wall)) Send(out, 1);
  } else if (const auto* walk = std::get_if<WalkTestChanged>(&action)) {
    Send(MqttOut{topics_.WalkTest(), DumpJson(WalkTestToJson(*walk, ClockNow().wall)), false}, 1);
  } else if (const auto* memory = std::get_if<AlarmMemoryChanged>(&action)) {
    alarm_memory_ = memory->entries;
    ViewsChanged();
  } else if (const auto* watch = std::get_if<WatchChanged>(&action)) {
    watch_published_ = false;
    watch_ = *watch;
    PublishWatch(*watch);
    watch_published_ = true;
    ViewsChanged();
  }
}

const SilentHistory& LocalInterface::Silent() const {
  static const SilentHistory kNone;
  return hooks_.silent_history ? hooks_.silent_history() : kNone;
}

void LocalInterface::PublishDispatch(const PlatformAck& ack) {
  // A patrol sent for a silent alarm is the platform's business only; any other event is named
  // by its local id.
  std::string id = ack.id;
  if (const auto seq = SeqOf(ack.id, config_.hub.id)) {
    if (Silent().Contains(*seq)) return;
    id = EventId(config_.hub.id, Silent().LocalSeq(*seq));
  }
  const nlohmann::json payload{{"type", "dispatch"},
                               {"id", id},
                               {"status", ack.status},
                               {"note", ack.note},
                               {"time", FormatRfc3339(ClockNow().wall)}};
  Send(MqttOut{topics_.Event(), DumpJson(payload), false}, 1);
  Send(MqttOut{topics_.Dispatch(), DumpJson(payload), true}, 1);
  nlohmann::json notice = payload;
  notice.erase("type");
  notice["event_type"] = "dispatch";
  Notify(notice);
  last_dispatch_ = payload;
  ViewsChanged();
}

}  // namespace homesec
