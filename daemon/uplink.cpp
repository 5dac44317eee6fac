// The district link: outbox sender, platform acks, status, heartbeat, link supervision.
#include "daemon/uplink.hpp"

#include <algorithm>
#include <charconv>

#include "daemon/input_boundary.hpp"
#include "daemon/log.hpp"
#include "rules/event_json.hpp"
#include "rules/json_limits.hpp"
#include "rules/text.hpp"

namespace homesec {
namespace {

constexpr const char* kTag = "uplink";
// A platform that took an event (PUBACK from the broker) but never acknowledged it gets it again
// after this long: the broker may have had no subscriber for it.
constexpr Millis kAckTimeout{30000};
// Alarms may pass a full window, but not without any bound.
constexpr std::size_t kUrgentWindowFactor = 4;
// Not connected this long after start = a communication trouble, as a lost link is.
constexpr Millis kStartupGrace{30000};

// Acks and commands are a few hundred bytes; nothing the platform sends nests deeper than 3.
constexpr JsonLimits kMessageLimits{16 * 1024, 8};
// A note longer than this is cut: the event log is not a document store.
constexpr std::size_t kMaxNote = 500;
// Resends of one unacknowledged event on one connection back off from kAckTimeout to this.
constexpr Millis kMaxAckTimeout{240000};

bool IsKnownStatus(const std::string& status) {
  return status == "received" || status == "dispatched" || status == "on_scene" ||
         status == "closed";
}

}  // namespace

std::optional<PlatformAck> ParsePlatformAck(const std::string& payload, const std::string& hub_id,
                                            std::string* error) {
  const std::optional<nlohmann::json> parsed = ParseJsonWithin(payload, kMessageLimits, error);
  if (!parsed) return std::nullopt;
  const nlohmann::json& json = *parsed;
  if (!json.is_object()) {
    *error = "not a JSON object";
    return std::nullopt;
  }
  const auto id = json.find("id");
  const auto status = json.find("status");
  if (id == json.end() || !id->is_string()) {
    *error = "\"id\" missing or not a string";
    return std::nullopt;
  }
  if (status == json.end() || !status->is_string()) {
    *error = "\"status\" missing or not a string";
    return std::nullopt;
  }
  PlatformAck ack;
  ack.id = id->get<std::string>();
  ack.status = status->get<std::string>();
  if (!IsKnownStatus(ack.status)) {
    *error = "unknown status '" + PrintableText(ack.status, 40) + "'";
    return std::nullopt;
  }
  const auto colon = ack.id.rfind(':');
  if (colon == std::string::npos || ack.id.substr(0, colon) != hub_id) {
    *error = "id '" + PrintableText(ack.id, 80) + "' is not '" + hub_id + ":<seq>'";
    return std::nullopt;
  }
  const char* first = ack.id.data() + colon + 1;
  const char* last = ack.id.data() + ack.id.size();
  const auto [end, ec] = std::from_chars(first, last, ack.seq);
  // Only the canonical decimal the hub writes: "hub:07" is no id the hub ever sent (the fuzzer
  // found it acknowledged seq 7).
  if (ec != std::errc() || end != last || first == last || (*first == '0' && last - first > 1)) {
    *error = "id '" + PrintableText(ack.id, 80) + "' has no canonical numeric sequence";
    return std::nullopt;
  }
  const auto note = json.find("note");
  if (note != json.end() && note->is_string())
    ack.note = CutUtf8(note->get<std::string>(), kMaxNote);
  return ack;
}

std::optional<WatchAck> ParseWatchAck(const std::string& payload, std::string* error) {
  std::string ignored;  // not JSON at all: not a watch ack (ParsePlatformAck says why)
  const std::optional<nlohmann::json> parsed = ParseJsonWithin(payload, kMessageLimits, &ignored);
  if (!parsed || !parsed->is_object() || !parsed->contains("watch_id")) return std::nullopt;
  const nlohmann::json& json = *parsed;
  const auto id = json.find("watch_id");
  const auto status = json.find("status");
  if (!id->is_string() || id->get<std::string>().empty() || id->get<std::string>().size() > 80) {
    *error = "\"watch_id\" must be a non-empty string of at most 80 bytes";
    return std::nullopt;
  }
  if (status == json.end() || !status->is_string()) {
    *error = "\"status\" missing or not a string";
    return std::nullopt;
  }
  const std::string text = status->get<std::string>();
  const bool token = !text.empty() && text.size() <= 32 &&
                     std::all_of(text.begin(), text.end(),
                                 [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
  if (!token) {
    *error = "\"status\" must be a short lower-case word such as \"registered\"";
    return std::nullopt;
  }
  return WatchAck{id->get<std::string>(), text};
}

std::optional<Command> ParsePatrolCheckIn(const nlohmann::json& json, std::string* error) {
  Command command;
  command.action = CommandAction::kPatrolCheckIn;
  command.source = "platform";
  for (const auto& [key, out] : {std::pair<const char*, std::string*>{"officer", &command.officer},
                                 {"note", &command.note}}) {
    const auto it = json.find(key);
    if (it == json.end() || it->is_null()) continue;
    if (!it->is_string()) {
      *error = std::string("\"") + key + "\" must be a string";
      return std::nullopt;
    }
    // Cut on a character boundary: half a character would make the event unprintable.
    *out = CutUtf8(it->get<std::string>(), kMaxNote);
  }
  return command;
}

// The "request_id" and "time" of a command that acts on the panel: the id is remembered (a
// command redelivered or replayed acts once), the time bounds how old it may be.
bool ReadRequestFields(const nlohmann::json& json, PlatformCommand& out, std::string* error) {
  if (const auto it = json.find("request_id"); it != json.end() && !it->is_null()) {
    if (!it->is_string() || !IsValidRequestId(it->get<std::string>())) {
      *error = "\"request_id\" must be printable text of at most " +
               std::to_string(kMaxRequestIdBytes) + " bytes";
      return false;
    }
    out.command.request_id = it->get<std::string>();
  }
  if (const auto it = json.find("time"); it != json.end() && !it->is_null()) {
    std::optional<WallTime> sent;
    if (it->is_string()) sent = ParseRfc3339(it->get<std::string>());
    if (!sent) {
      *error = "\"time\" must be an RFC 3339 time string";
      return false;
    }
    out.sent = sent;
  }
  return true;
}

std::optional<PlatformCommand> ParsePlatformCommand(const std::string& payload,
                                                    std::string* error) {
  const std::optional<nlohmann::json> json = ParseJsonWithin(payload, kMessageLimits, error);
  if (!json) return std::nullopt;
  if (!json->is_object()) {
    *error = "not a JSON object";
    return std::nullopt;
  }
  const auto action = json->find("action");
  if (action == json->end() || !action->is_string()) {
    *error = "\"action\" missing or not a string";
    return std::nullopt;
  }
  const std::string name = action->get<std::string>();
  PlatformCommand out;
  if (name == "status_request") {
    out.kind = PlatformCommand::Kind::kStatusRequest;
  } else if (name == "silence_siren") {
    out.kind = PlatformCommand::Kind::kSilenceSiren;
    out.command.action = CommandAction::kSilenceSiren;
    out.command.source = "platform";
    if (!ReadRequestFields(*json, out, error)) return std::nullopt;
  } else if (name == "patrol_check_in") {
    out.kind = PlatformCommand::Kind::kPatrolCheckIn;
    std::optional<Command> command = ParsePatrolCheckIn(*json, error);
    if (!command) return std::nullopt;
    out.command = std::move(*command);
    if (!ReadRequestFields(*json, out, error)) return std::nullopt;
  } else if (name == "note") {
    out.kind = PlatformCommand::Kind::kNote;
    if (const auto it = json->find("text"); it != json->end() && !it->is_null()) {
      if (!it->is_string()) {
        *error = "\"text\" must be a string";
        return std::nullopt;
      }
      out.text = CutUtf8(it->get<std::string>(), kMaxNote);
    }
  } else {
    *error = "unknown action '" + PrintableText(name, 40) + "'";
    return std::nullopt;
  }
  return out;
}

UplinkTopics MakeUplinkTopics(const UplinkConfig& uplink, const HubConfig& hub) {
  return UplinkTopics{uplink.prefix + "/" + hub.district + "/" + hub.id};
}

Uplink::Uplink(EventLoop& loop, Store& store, const UplinkConfig& uplink, const HubConfig& hub,
               const std::string& request_ids_path, UplinkHooks hooks)
    : loop_(loop),
      store_(store),
      config_(uplink),
      hub_(hub),
      topics_(MakeUplinkTopics(uplink, hub)),
      hooks_(std::move(hooks)),
      replay_(std::make_unique<ReplayGuard>(request_ids_path, ClockNow().wall)) {
  if (!replay_->error().empty()) {
    LogMessage(
        LogLevel::kWarning, kTag,
        "platform request ids: " + replay_->error() + " (replays are refused from memory only)");
  }
  MqttOptions options;
  options.name = kTag;
  options.client_id =
      uplink.broker.client_id.empty() ? "homesec-" + hub.id : uplink.broker.client_id;
  options.host = uplink.broker.host;
  options.port = uplink.broker.port;
  options.username = uplink.broker.username;
  options.password = uplink.broker.password;
  options.keepalive = uplink.broker.keepalive;
  options.mqtt_v5 = true;
  if (uplink.broker.tls) {
    options.tls = MqttTls{uplink.broker.tls->ca, uplink.broker.tls->cert, uplink.broker.tls->key};
  }
  options.will = MqttWill{topics_.Status(), "offline", 1, true};
  // Acks and commands are small; nothing else is subscribed.
  options.max_payload_bytes = [](const std::string&) { return kMessageLimits.max_bytes; };
  MqttCallbacks callbacks;
  callbacks.on_connect = [this] { OnConnect(); };
  callbacks.on_disconnect = [this](const std::string&) { OnDisconnect(); };
  callbacks.on_message = [this](const MqttMessage& m) { OnMessage(m); };
  callbacks.on_publish = [this](int) { Pump(); };
  client_ = std::make_unique<MqttClient>(loop_, std::move(options), std::move(callbacks));
}

Uplink::~Uplink() {
  loop_.Cancel(heartbeat_timer_);
  loop_.Cancel(ack_timer_);
  loop_.Cancel(startup_timer_);
}

void Uplink::Start() {
  started_ = ClockNow().mono;
  client_->Start();
  startup_timer_ = loop_.After(kStartupGrace, [this] {
    startup_timer_ = 0;
    if (!link_) SetLink(false);
  });
}

void Uplink::Stop() {
  // A deliberate stop (shutdown, reload) is not a communication fault: no trouble for it.
  hooks_.on_link = nullptr;
  if (client_->connected()) client_->Publish(topics_.Status(), "offline", 1, true);
  client_->Stop();
}

void Uplink::SetLink(bool connected) {
  if (link_ && *link_ == connected) return;
  link_ = connected;
  if (hooks_.on_link) hooks_.on_link(connected);
}

void Uplink::OnConnect() {
  loop_.Cancel(startup_timer_);
  startup_timer_ = 0;
  client_->Subscribe(topics_.Ack(), 1);
  client_->Subscribe(topics_.Command(), 1);
  client_->Publish(topics_.Status(), "online", 1, true);
  // A new session: whatever was in flight on the old one is sent again, in outbox order.
  awaiting_ack_.clear();
  SetLink(true);
  PublishWatch();
  Pump();
  PublishHeartbeat();
  ScheduleHeartbeat();
}

void Uplink::OnDisconnect() {
  loop_.Cancel(heartbeat_timer_);
  heartbeat_timer_ = 0;
  loop_.Cancel(ack_timer_);
  ack_timer_ = 0;
  awaiting_ack_.clear();
  if (link_ && *link_) SetLink(false);
}

void Uplink::Kick() {
  Pump();
}

void Uplink::SendUncommitted(std::vector<OutboxEntry> entries) {
  for (OutboxEntry& entry : entries) {
    // An event the platform already acknowledged from memory is never handed over again.
    if (acked_uncommitted_.count(entry.seq) != 0) continue;
    const std::uint64_t seq = entry.seq;
    uncommitted_.emplace(seq, std::move(entry));
  }
  Pump();
}

void Uplink::ForgetUncommitted() {
  uncommitted_.clear();
  // Committed now, so in the outbox: those the platform has already taken leave it at once
  // instead of going out again.
  for (const std::uint64_t seq : acked_uncommitted_) {
    std::string error;
    DispatchStatus received;
    received.seq = seq;
    received.status = "received";
    received.at = ClockNow().wall;
    if (!store_.RecordDispatch(received, &error) && !error.empty()) {
      LogMessage(LogLevel::kWarning, kTag,
                 "recording the ack of " + EventId(hub_.id, seq) + ": " + error);
    }
  }
  acked_uncommitted_.clear();
}

void Uplink::SetWatch(const WatchChanged& watch) {
  watch_ = watch;
  watch_final_sent_ = false;
  PublishWatch();
}

void Uplink::PublishWatch() {
  if (!watch_ || !client_->connected()) return;
  // The platform sees the final document (ended / cancelled) once, then the retained topic is
  // cleared; after a reconnect only the clearing is repeated. Never the keyholder's PIN: the
  // registration does not carry it.
  if (!watch_->registration.empty() && !(watch_->cleared && watch_final_sent_)) {
    client_->Publish(topics_.Watch(), watch_->registration, 1, true);
  }
  if (watch_->cleared) {
    client_->Publish(topics_.Watch(), "", 1, true);
    watch_final_sent_ = true;
  }
}

void Uplink::Pump() {
  if (!client_->connected()) return;
  const std::size_t window = static_cast<std::size_t>(std::max(1, config_.max_inflight));
  if (awaiting_ack_.size() >= window * kUrgentWindowFactor) return;
  std::string error;
  const std::size_t limit = awaiting_ack_.size() + window;
  std::vector<OutboxEntry> pending = store_.PendingOutbox(limit, &error);
  if (!error.empty()) {
    LogMessage(LogLevel::kError, kTag, "reading the outbox: " + error);
    if (uncommitted_.empty()) return;
  }
  // The store's order: urgent first, then by seq.
  const auto before = [](const OutboxEntry& a, const OutboxEntry& b) {
    const bool a_urgent = a.priority <= Priority::kHigh;
    const bool b_urgent = b.priority <= Priority::kHigh;
    return a_urgent != b_urgent ? a_urgent : a.seq < b.seq;
  };
  if (!uncommitted_.empty()) {
    // Events from memory take the place they would have in the outbox. When the outbox had more
    // rows than were read, an event from memory (newer than every committed one) may only join
    // if it sorts before the last row read: otherwise a committed event not read yet would go
    // after it (issue 10: in-memory seq 69 went out before committed seq 42).
    const bool truncated = error.empty() && pending.size() >= limit;
    const OutboxEntry last = truncated ? pending.back() : OutboxEntry{};
    for (const auto& [seq, entry] : uncommitted_) {
      if (!truncated || before(entry, last)) pending.push_back(entry);
    }
    std::sort(pending.begin(), pending.end(), before);
  }
  // Choose by urgency (an alarm never waits for the window to drain), then publish the chosen
  // ones in seq order: after an outage the platform receives the backlog in the order it
  // happened, and an alarm is at most one batch of publishes behind older events.
  std::vector<const OutboxEntry*> chosen;
  std::size_t in_flight = awaiting_ack_.size();
  for (const OutboxEntry& entry : pending) {
    if (awaiting_ack_.count(entry.seq) != 0) continue;
    const bool urgent = entry.priority <= Priority::kHigh;
    if (in_flight >= (urgent ? window * kUrgentWindowFactor : window)) continue;
    chosen.push_back(&entry);
    ++in_flight;
  }
  std::sort(chosen.begin(), chosen.end(),
            [](const OutboxEntry* a, const OutboxEntry* b) { return a->seq < b->seq; });
  const MonoTime now = ClockNow().mono;
  for (const OutboxEntry* chosen_entry : chosen) {
    const OutboxEntry& entry = *chosen_entry;
    if (!client_->Publish(topics_.Events(), entry.payload, 1, false)) break;
    awaiting_ack_[entry.seq] = now;
    sent_.insert(entry.seq);
    ++counters_.published;
    if (entry.attempts > 0 || attempts_[entry.seq]++ > 0) ++counters_.resent;
    if (uncommitted_.count(entry.seq) == 0 && !store_.MarkAttempt(entry.seq, &error)) {
      LogMessage(LogLevel::kWarning, kTag,
                 "marking attempt for seq " + std::to_string(entry.seq) + ": " + error);
    }
  }
  ScheduleAckTimeout();
}

Millis Uplink::AckTimeout(std::uint64_t seq) const {
  // 30 s, then twice as long for every copy that went unanswered on this hub's run, up to 4 min:
  // a platform that is slow or down is not flooded with copies.
  const auto it = attempts_.find(seq);
  const int sends = it == attempts_.end() ? 1 : std::max(1, it->second);
  Millis timeout = kAckTimeout;
  for (int i = 1; i < sends && timeout < kMaxAckTimeout; ++i) timeout *= 2;
  return std::min(timeout, kMaxAckTimeout);
}

void Uplink::ScheduleAckTimeout() {
  if (ack_timer_ != 0 || awaiting_ack_.empty()) return;
  MonoTime due = MonoTime::max();
  for (const auto& [seq, at] : awaiting_ack_) due = std::min(due, at + AckTimeout(seq));
  ack_timer_ = loop_.At(due, [this] {
    ack_timer_ = 0;
    const MonoTime now = ClockNow().mono;
    std::erase_if(awaiting_ack_, [&](const auto& item) {
      if (now - item.second < AckTimeout(item.first)) return false;
      LogMessage(LogLevel::kWarning, kTag,
                 "no ack for " + EventId(hub_.id, item.first) + ": sending it again");
      return true;
    });
    Pump();
    ScheduleAckTimeout();
  });
}

void Uplink::OnMessage(const MqttMessage& message) {
  // A retained ack or command is an old message the broker replays to every new session (or
  // one a stranger left there): never acted on. A retained command that crashed the hub would
  // otherwise crash it at every start.
  if (message.retained) {
    InputCounters::Get().Add("uplink.retained_ignored");
    LogMessage(LogLevel::kWarning, kTag,
               "retained message on " + message.topic +
                   " ignored (acks and commands are never "
                   "retained)");
    return;
  }
  if (message.topic == topics_.Ack()) {
    HandleAck(message.payload);
  } else if (message.topic == topics_.Command()) {
    HandleCommand(message.payload);
  }
}

void Uplink::HandleAck(const std::string& payload) {
  std::string error;
  // The watch's acknowledgement shares the topic; its "watch_id" tells it apart.
  if (const std::optional<WatchAck> watch_ack = ParseWatchAck(payload, &error)) {
    LogMessage(LogLevel::kInfo, kTag,
               "platform: watch " + watch_ack->watch_id + " " + watch_ack->status);
    if (hooks_.on_watch_ack) hooks_.on_watch_ack(*watch_ack);
    return;
  } else if (!error.empty()) {
    ++counters_.malformed_acks;
    LogMessage(LogLevel::kWarning, kTag, "malformed watch ack ignored: " + error);
    return;
  }
  const std::optional<PlatformAck> ack = ParsePlatformAck(payload, hub_.id, &error);
  if (!ack) {
    ++counters_.malformed_acks;
    InputCounters::Get().Add("uplink.ack.malformed");
    LogMessage(LogLevel::kWarning, kTag, "malformed ack ignored: " + error);
    return;
  }
  // Any status takes an event out of the outbox: only for one this run has actually published
  // (a second wall behind the broker's ACL: an ack for an event never sent is a forgery or a
  // stale message, and would make the hub drop an alarm no platform has seen). Later statuses
  // for events already acknowledged are only recorded, whenever they come.
  if (sent_.count(ack->seq) == 0 &&
      (uncommitted_.count(ack->seq) != 0 || store_.InOutbox(ack->seq))) {
    ++counters_.unknown_acks;
    InputCounters::Get().Add("uplink.ack.unsent");
    LogMessage(
        LogLevel::kWarning, kTag,
        "ack for " + ack->id + " ignored: this hub has not sent that event since it started");
    return;
  }
  DispatchStatus status;
  status.seq = ack->seq;
  status.status = ack->status;
  status.at = ClockNow().wall;
  status.note = ack->note;
  const bool recorded = store_.RecordDispatch(status, &error);
  // An uncommitted event acknowledged is not sent again from memory; once its commit succeeds
  // it is in the outbox and goes once more (a duplicate the platform acknowledges again).
  const bool was_uncommitted = uncommitted_.erase(ack->seq) > 0;
  if (was_uncommitted) acked_uncommitted_.insert(ack->seq);
  const bool known = recorded || was_uncommitted;
  if (!error.empty() && !was_uncommitted) {
    // The store refused the write (full disk): the event stays in the outbox. Left in flight, it
    // is resent only after the ack timeout, not at once, which would loop with the platform.
    LogMessage(LogLevel::kError, kTag, "recording ack " + ack->id + ": " + error);
    ++counters_.acks;
    if (ack->status != "received" && hooks_.on_dispatch) hooks_.on_dispatch(*ack);
    return;
  }
  // Any status implies the platform has the event.
  awaiting_ack_.erase(ack->seq);
  attempts_.erase(ack->seq);
  sent_.erase(ack->seq);
  if (!known) {
    ++counters_.unknown_acks;
    LogMessage(LogLevel::kDebug, kTag, "ack for unknown or already acknowledged " + ack->id);
  } else {
    ++counters_.acks;
    if (ack->status != "received" && hooks_.on_dispatch) hooks_.on_dispatch(*ack);
  }
  Pump();
}

void Uplink::HandleCommand(const std::string& payload) {
  std::string error;
  const std::optional<PlatformCommand> command = ParsePlatformCommand(payload, &error);
  if (!command) {
    InputCounters::Get().Add("uplink.command.refused");
    LogMessage(LogLevel::kWarning, kTag, "platform command ignored: " + error);
    return;
  }
  switch (command->kind) {
    case PlatformCommand::Kind::kStatusRequest:
      PublishHeartbeat();
      break;
    case PlatformCommand::Kind::kSilenceSiren:
    case PlatformCommand::Kind::kPatrolCheckIn: {
      // A QoS 1 redelivery after a reconnect, or a replay, carries the same id: it acts once.
      const std::string replay =
          replay_->Check(command->command.request_id, command->sent, ClockNow().wall);
      if (!replay.empty()) {
        InputCounters::Get().Add("uplink.command.replayed");
        LogMessage(LogLevel::kWarning, kTag, "platform command ignored: " + replay);
        break;
      }
      if (hooks_.on_command) hooks_.on_command(command->command);
      break;
    }
    case PlatformCommand::Kind::kNote:
      LogMessage(LogLevel::kInfo, kTag, "platform note: " + PrintableText(command->text, 500));
      break;
  }
}

void Uplink::PublishHeartbeat() {
  nlohmann::json beat = hooks_.heartbeat_fields ? hooks_.heartbeat_fields() : nlohmann::json{};
  if (!beat.is_object()) beat = nlohmann::json::object();
  beat["v"] = 1;
  beat["hub"] = hub_.id;
  beat["time"] = FormatRfc3339(ClockNow().wall);
  beat["outbox"] = store_.OutboxSize();
  beat["uptime_s"] = std::chrono::duration_cast<Seconds>(ClockNow().mono - started_).count();
  // What the hub refused or dropped since it started (bad input, forged acks ...), so the
  // platform sees a hub under attack or misconfigured without reading its log.
  const auto& refused = InputCounters::Get().All();
  if (!refused.empty()) beat["refused"] = refused;
  client_->Publish(topics_.Heartbeat(), DumpJson(beat), 0, false);
}

void Uplink::ScheduleHeartbeat() {
  loop_.Cancel(heartbeat_timer_);
  const Seconds every = std::max(config_.heartbeat, Seconds(1));
  heartbeat_timer_ = loop_.After(every, [this] {
    heartbeat_timer_ = 0;
    PublishHeartbeat();
    ScheduleHeartbeat();
  });
}

}  // namespace homesec
