// The local broker: Home Assistant interface and Zigbee2MQTT, both on one libmosquitto client.
#include "daemon/local_interface.hpp"

#include <mqtt_protocol.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
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
      watched_(WatchedZigbee(config)) {
  for (const OutputConfig& output : config.outputs) {
    if (output.driver == OutputDriver::kZigbeeKeypad) keypads_.insert(output.zigbee);
  }
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
  for (const std::string& topic : decoder_.Subscriptions()) client_->Subscribe(topic, 0);
  for (const MqttOut& out : DiscoveryMessages(config_)) Send(out, 1);
  Send(MqttOut{topics_.Availability(), "online", true}, 1);
  if (state_) Apply(*state_);
  for (const auto& [id, zone] : zones_) Apply(zone);
  if (watch_) PublishWatch(*watch_);
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
  }
  for (const BridgeNotice& notice : decoded.notices) {
    // A zone its device cannot feed is a configuration mistake the installer must see.
    const bool mistake = notice.kind == "not_exposed" || notice.kind == "not_paired";
    if (mistake) InputCounters::Get().Add("local.zigbee." + notice.kind);
    LogMessage(mistake ? LogLevel::kWarning : LogLevel::kInfo, kTag,
               "zigbee2mqtt " + notice.kind + " " + notice.friendly_name + " " + notice.text);
    // A restarted bridge (or keypad) has forgotten the panel's mode: tell the keypads again.
    if (notice.kind == "bridge_online") SyncKeypads();
  }
  NoteZigbeeState(decoded);
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
    Send(MqttOut{topics_.State(), std::string(ToString(state->mode)), true}, 1);
    SyncKeypads();
  } else if (const auto* zone = std::get_if<ZoneChanged>(&action)) {
    zones_[zone->zone] = *zone;
    const nlohmann::json payload{{"status", std::string(ToString(zone->status))},
                                 {"open", zone->open}};
    Send(MqttOut{topics_.Zone(zone->zone), DumpJson(payload), true}, 1);
  } else if (const auto* result = std::get_if<CommandResult>(&action)) {
    PublishResult(*result);
  } else if (const auto* record = std::get_if<RecordEvent>(&action)) {
    // Silent events (duress, silent panic) exist only for the platform: whoever forced the
    // resident to disarm may be watching Home Assistant. The local numbering leaves them out,
    // so the next event follows on from the last one shown.
    if (record->event.silent) return;
    Send(
        MqttOut{topics_.Event(), LocalEventPayload(record->event, config_.hub.id, Silent()), false},
        1);
  } else if (const auto* output = std::get_if<SetOutput>(&action)) {
    DriveSirens(*output);
  } else if (const auto* squawk = std::get_if<homesec::Squawk>(&action)) {
    Squawk(squawk->armed);
  } else if (const auto* watch = std::get_if<WatchChanged>(&action)) {
    watch_published_ = false;
    watch_ = *watch;
    PublishWatch(*watch);
    watch_published_ = true;
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
}

}  // namespace homesec
