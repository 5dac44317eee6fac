// libmosquitto driven from the EventLoop: socket readiness -> loop_read/loop_write, a timer ->
// loop_misc (keepalive), a prepare hook -> want_write / socket (re-)registration.
#include "daemon/mqtt_client.hpp"

#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <sys/epoll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>

#include "daemon/input_boundary.hpp"
#include "daemon/log.hpp"
#include "rules/text.hpp"

namespace homesec {
namespace {

constexpr Millis kConnectTimeout{10000};
constexpr std::size_t kDefaultMaxPayload = 64 * 1024;

void InitLibraryOnce() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

// `handshake`: a TLS connection not established yet.
std::string MosqError(int rc, bool tls, bool handshake = false) {
  if (rc == MOSQ_ERR_ERRNO) {
    // libmosquitto sets EPROTO for every failed SSL_read/SSL_write, a refused handshake included.
    if (tls && errno == EPROTO) return "TLS error (the connection failed in OpenSSL)";
    // When the broker refuses the certificate, libmosquitto may meet the connection it has
    // already closed on its next call instead (EBADF), or a peer that hung up: still the
    // handshake that failed, which is what an installer must be told.
    if (handshake && (errno == EBADF || errno == EPIPE || errno == ECONNRESET)) {
      return std::string("TLS error (the connection was closed during the TLS handshake: ") +
             std::strerror(errno) + ")";
    }
    return std::string("system error: ") + std::strerror(errno);
  }
  return mosquitto_strerror(rc);
}

// What libmosquitto said through its log callback while one of its calls ran: the only place it
// gives OpenSSL's reason for a failed handshake ("certificate verify failed", "tlsv1 alert unknown
// ca") or names a certificate file it could not load; the call itself returns no more than "A TLS
// error occurred." or EPROTO. The daemon drives its clients from one thread, so one note per
// thread, tagged with the client it belongs to, is enough.
struct LibraryNote {
  const void* client = nullptr;
  std::string text;
};
thread_local LibraryNote library_note;

void NoteLibraryError(const void* client, const char* text) {
  constexpr std::size_t kMaxNote = 400;
  if (library_note.client != client) library_note = LibraryNote{client, ""};
  if (library_note.text.find(text) != std::string::npos) return;  // printed twice by the library
  if (library_note.text.size() > kMaxNote) return;
  if (!library_note.text.empty()) library_note.text += "; ";
  library_note.text += text;
}

std::string TakeLibraryNote(const void* client) {
  std::string text = library_note.client == client ? std::move(library_note.text) : "";
  library_note = LibraryNote{};
  return text;
}

}  // namespace

// The C callbacks run inside libmosquitto (loop_read, loop_write, and mosquitto_publish itself,
// with the library's mutexes held): they record what happened and Defer() the caller's callback
// to the loop. They never call back into the library and never destroy the handle.
struct MqttTrampolines {
  static void Connect(struct mosquitto*, void* obj, int rc) {
    static_cast<MqttClient*>(obj)->Connected(rc);
  }
  static void Disconnect(struct mosquitto*, void* obj, int rc) {
    auto* self = static_cast<MqttClient*>(obj);
    // Forget the socket before anything else runs: libmosquitto closes it itself and the number
    // may be reused by the next open().
    if (self->registered_fd_ >= 0) self->loop_.Unwatch(self->registered_fd_);
    self->registered_fd_ = -1;
    self->Lost(rc == 0 ? "disconnected"
                       : MosqError(rc, self->options_.tls.has_value(), self->Handshaking()));
  }
  static void Message(struct mosquitto*, void* obj, const struct mosquitto_message* m) {
    auto* self = static_cast<MqttClient*>(obj);
    if (!self->callbacks_.on_message) return;
    MqttMessage message;
    message.topic = m->topic != nullptr ? m->topic : "";
    const std::size_t size =
        m->payload != nullptr && m->payloadlen > 0 ? static_cast<std::size_t>(m->payloadlen) : 0;
    const std::size_t limit = self->options_.max_payload_bytes
                                  ? self->options_.max_payload_bytes(message.topic)
                                  : kDefaultMaxPayload;
    if (size > limit) {
      InputCounters::Get().Add(self->options_.name + ".oversize");
      LogMessage(LogLevel::kWarning, self->options_.name,
                 "dropped a " + std::to_string(size) + "-byte message on " +
                     PrintableText(message.topic, 200) + " (limit " + std::to_string(limit) +
                     " bytes)");
      return;
    }
    if (size > 0) message.payload.assign(static_cast<const char*>(m->payload), size);
    message.qos = m->qos;
    message.retained = m->retain;
    self->Defer([self, message = std::move(message)] { self->callbacks_.on_message(message); });
  }
  static void Publish(struct mosquitto*, void* obj, int mid) {
    auto* self = static_cast<MqttClient*>(obj);
    if (self->callbacks_.on_publish) {
      self->Defer([self, mid] { self->callbacks_.on_publish(mid); });
    }
  }
  static void Log(struct mosquitto*, void* obj, int level, const char* text) {
    if (level & (MOSQ_LOG_ERR | MOSQ_LOG_WARNING)) {
      LogMessage(LogLevel::kDebug, static_cast<MqttClient*>(obj)->options_.name, text);
    }
    if ((level & MOSQ_LOG_ERR) && text != nullptr) NoteLibraryError(obj, text);
  }
  // loop_read/loop_write report most failures through on_disconnect, but not all: a TLS
  // handshake that fails inside them (libmosquitto's want_connect state) closes the socket and
  // only returns MOSQ_ERR_TLS. Without this the client would wait for the connect timeout.
  static void LoopResult(MqttClient* self, int rc) {
    if (rc == MOSQ_ERR_SUCCESS || self->mosq_ == nullptr) return;
    if (!self->running_ || self->reconnect_timer_ != 0) return;  // on_disconnect already ran
    if (mosquitto_socket(self->mosq_) >= 0) {
      LogMessage(LogLevel::kDebug, self->options_.name,
                 "loop: " + MosqError(rc, self->options_.tls.has_value()));
      return;
    }
    self->Lost(MosqError(rc, self->options_.tls.has_value(), self->Handshaking()));
  }
};

MqttClient::MqttClient(EventLoop& loop, MqttOptions options, MqttCallbacks callbacks)
    : loop_(loop),
      options_(std::move(options)),
      callbacks_(std::move(callbacks)),
      backoff_(options_.backoff_initial),
      rng_(std::random_device{}()) {
  InitLibraryOnce();
  prepare_hook_ = loop_.AddPrepareHook([this] { SyncRegistration(); });
}

MqttClient::~MqttClient() {
  loop_.RemovePrepareHook(prepare_hook_);
  running_ = false;
  loop_.Cancel(reconnect_timer_);
  loop_.Cancel(misc_timer_);
  Teardown();
}

void MqttClient::Start() {
  if (running_) return;
  running_ = true;
  Attempt();
}

void MqttClient::Stop() {
  running_ = false;
  loop_.Cancel(reconnect_timer_);
  loop_.Cancel(misc_timer_);
  if (mosq_ != nullptr && connected_) {
    mosquitto_disconnect(mosq_);  // written at once: not inside a callback
    mosquitto_loop_write(mosq_, 1);
  }
  connected_ = false;
  Teardown();
}

void MqttClient::Teardown() {
  ++session_;  // whatever was announced or pending belonged to the handle destroyed here
  if (registered_fd_ >= 0) loop_.Unwatch(registered_fd_);
  registered_fd_ = -1;
  registered_for_write_ = false;
  if (mosq_ != nullptr) mosquitto_destroy(mosq_);
  mosq_ = nullptr;
}

void MqttClient::Attempt() {
  reconnect_timer_ = 0;
  Teardown();
  if (!running_) return;
  mosq_ =
      mosquitto_new(options_.client_id.empty() ? nullptr : options_.client_id.c_str(), true, this);
  if (mosq_ == nullptr) {
    Lost("mosquitto_new failed");
    return;
  }
  mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION,
                       options_.mqtt_v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311);
  // Nagle + delayed ACK would add ~40 ms to every PUBACK/publish pair (see docs/performance.md).
  mosquitto_int_option(mosq_, MOSQ_OPT_TCP_NODELAY, 1);
  mosquitto_connect_callback_set(mosq_, &MqttTrampolines::Connect);
  mosquitto_disconnect_callback_set(mosq_, &MqttTrampolines::Disconnect);
  mosquitto_message_callback_set(mosq_, &MqttTrampolines::Message);
  mosquitto_publish_callback_set(mosq_, &MqttTrampolines::Publish);
  mosquitto_log_callback_set(mosq_, &MqttTrampolines::Log);
  if (!options_.username.empty()) {
    mosquitto_username_pw_set(mosq_, options_.username.c_str(),
                              options_.password.empty() ? nullptr : options_.password.c_str());
  }
  TakeLibraryNote(this);  // a fresh attempt: nothing from the last one
  int rc = MOSQ_ERR_SUCCESS;
  if (options_.will) {
    const MqttWill& will = *options_.will;
    rc = mosquitto_will_set_v5(mosq_, will.topic.c_str(), static_cast<int>(will.payload.size()),
                               will.payload.data(), will.qos, will.retain, nullptr);
  }
  if (rc == MOSQ_ERR_SUCCESS && options_.tls) {
    const MqttTls& tls = *options_.tls;
    rc = mosquitto_tls_set(mosq_, tls.ca.empty() ? nullptr : tls.ca.c_str(), nullptr,
                           tls.cert.empty() ? nullptr : tls.cert.c_str(),
                           tls.key.empty() ? nullptr : tls.key.c_str(), nullptr);
    if (rc != MOSQ_ERR_SUCCESS) {
      // libmosquitto checks that each file opens; "Invalid arguments" alone would not say which.
      Lost("TLS files (ca " + tls.ca + ", cert " + tls.cert + ", key " + tls.key +
           "): " + MosqError(rc, false) + " - is each one there and readable?");
      return;
    }
  }
  if (rc == MOSQ_ERR_SUCCESS) {
    attempt_started_ = ClockNow().mono;
    rc = mosquitto_connect_async(mosq_, options_.host.c_str(), options_.port,
                                 static_cast<int>(options_.keepalive.count()));
  }
  if (rc != MOSQ_ERR_SUCCESS) {
    Lost(MosqError(rc, options_.tls.has_value()));
    return;
  }
  SyncRegistration();
  ScheduleMisc();
}

void MqttClient::Connected(int rc) {
  if (rc != 0) {
    Lost("connection refused: " + std::string(mosquitto_connack_string(rc)));
    return;
  }
  ++connects_;
  TakeLibraryNote(this);
  backoff_ = options_.backoff_initial;
  LogMessage(LogLevel::kInfo, options_.name,
             "connected to " + options_.host + ":" + std::to_string(options_.port));
  // connected() turns true when the caller hears of it, so that nothing is published on the new
  // session before on_connect has subscribed and announced itself; a session lost before that
  // (Lost() counts sessions) is never announced.
  Defer([this, session = ++session_] {
    if (session != session_ || mosq_ == nullptr) return;
    connected_ = true;
    if (callbacks_.on_connect) callbacks_.on_connect();
  });
}

void MqttClient::Lost(const std::string& reason) {
  const bool was_connected = connected_;
  connected_ = false;
  ++session_;
  std::string why = reason;
  if (const std::string note = TakeLibraryNote(this); !note.empty()) {
    why += " (" + note + ")";
  }
  if (!running_) {
    // Our own Stop(): libmosquitto may report the closed socket more than once; none of it is a
    // failure to connect.
    if (was_connected) LogMessage(LogLevel::kInfo, options_.name, "disconnected");
  } else if (was_connected) {
    LogMessage(LogLevel::kWarning, options_.name, "connection lost: " + why);
  } else if (backoff_ == options_.backoff_initial) {
    // The first failure since start or since the last connection says why (a wrong CA, a
    // certificate the broker refuses, a broker that is down); the retries every few seconds
    // after it would only repeat it.
    LogMessage(LogLevel::kWarning, options_.name,
               "cannot connect to " + options_.host + ":" + std::to_string(options_.port) + ": " +
                   why + "; retrying (repeated failures are logged at debug level)");
  } else {
    LogMessage(
        LogLevel::kDebug, options_.name,
        "connect to " + options_.host + ":" + std::to_string(options_.port) + " failed: " + why);
  }
  if (callbacks_.on_disconnect) Defer([this, reason] { callbacks_.on_disconnect(reason); });
  if (running_) ScheduleReconnect();
}

void MqttClient::Defer(std::function<void()> callback) {
  loop_.Post([alive = std::weak_ptr<bool>(alive_), callback = std::move(callback)] {
    if (!alive.expired()) callback();
  });
}

void MqttClient::ScheduleReconnect() {
  if (reconnect_timer_ != 0) return;
  loop_.Cancel(misc_timer_);
  misc_timer_ = 0;
  // Full jitter on the upper half: many hubs losing one broker must not return in lockstep.
  std::uniform_int_distribution<long> jitter(backoff_.count() / 2, backoff_.count());
  const Millis delay{jitter(rng_)};
  backoff_ = std::min(backoff_ * 2, options_.backoff_max);
  reconnect_timer_ = loop_.After(delay, [this] { Attempt(); });
}

void MqttClient::ScheduleMisc() {
  loop_.Cancel(misc_timer_);
  // Keepalive needs a PINGREQ within `keepalive`; checking at a quarter of it (and every second
  // while connecting, for the connect timeout) costs nothing measurable while idle.
  const Millis every =
      connected_ ? std::max<Millis>(Millis(1000), options_.keepalive / 4) : Millis(1000);
  misc_timer_ = loop_.After(every, [this] {
    misc_timer_ = 0;
    OnMisc();
  });
}

void MqttClient::OnMisc() {
  if (mosq_ == nullptr || reconnect_timer_ != 0) return;
  if (!connected_ && ClockNow().mono - attempt_started_ > kConnectTimeout) {
    Lost("no CONNACK within " + std::to_string(kConnectTimeout.count()) + " ms");
    return;
  }
  const int rc = mosquitto_loop_misc(mosq_);
  if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN) {
    LogMessage(LogLevel::kDebug, options_.name,
               "loop_misc: " + MosqError(rc, options_.tls.has_value()));
  }
  if (reconnect_timer_ == 0) ScheduleMisc();
}

void MqttClient::OnReadable() {
  if (mosq_ == nullptr) return;
  MqttTrampolines::LoopResult(this, mosquitto_loop_read(mosq_, 1));
}

void MqttClient::OnWritable() {
  if (mosq_ == nullptr) return;
  MqttTrampolines::LoopResult(this, mosquitto_loop_write(mosq_, 1));
}

int MqttClient::fd() const {
  return mosq_ == nullptr ? -1 : mosquitto_socket(mosq_);
}

bool MqttClient::wants_write() const {
  return mosq_ != nullptr && mosquitto_want_write(mosq_);
}

void MqttClient::SyncRegistration() {
  const int fd = this->fd();
  const bool want_write = fd >= 0 && wants_write();
  const std::uint32_t events = EPOLLIN | (want_write ? EPOLLOUT : 0u);
  if (fd != registered_fd_) {
    if (registered_fd_ >= 0) loop_.Unwatch(registered_fd_);
    registered_fd_ = -1;
    if (fd < 0) return;
    std::string error;
    const bool ok = loop_.Watch(
        fd, events,
        [this](std::uint32_t ready) {
          if (ready & (EPOLLIN | EPOLLERR | EPOLLHUP)) OnReadable();
          if ((ready & EPOLLOUT) && mosq_ != nullptr && this->fd() >= 0) OnWritable();
          SyncRegistration();  // re-check want_write after every callback
        },
        &error);
    if (!ok) {
      LogMessage(LogLevel::kError, options_.name, "cannot watch socket: " + error);
      return;
    }
    registered_fd_ = fd;
    registered_for_write_ = want_write;
  } else if (fd >= 0 && want_write != registered_for_write_) {
    loop_.Modify(fd, events, nullptr);
    registered_for_write_ = want_write;
  }
}

bool MqttClient::Publish(const std::string& topic, const std::string& payload, int qos, bool retain,
                         int* mid) {
  if (mosq_ == nullptr || !connected_) return false;
  const int rc = mosquitto_publish(mosq_, mid, topic.c_str(), static_cast<int>(payload.size()),
                                   payload.data(), qos, retain);
  if (rc != MOSQ_ERR_SUCCESS) {
    LogMessage(LogLevel::kWarning, options_.name,
               "publish to " + topic + " failed: " + MosqError(rc, options_.tls.has_value()));
    return false;
  }
  return true;
}

bool MqttClient::Subscribe(const std::string& topic, int qos, int options) {
  if (mosq_ == nullptr || !connected_) return false;
  const int rc = options_.mqtt_v5
                     ? mosquitto_subscribe_v5(mosq_, nullptr, topic.c_str(), qos, options, nullptr)
                     : mosquitto_subscribe(mosq_, nullptr, topic.c_str(), qos);
  if (rc != MOSQ_ERR_SUCCESS) {
    LogMessage(LogLevel::kWarning, options_.name,
               "subscribe to " + topic + " failed: " + MosqError(rc, options_.tls.has_value()));
    return false;
  }
  return true;
}

}  // namespace homesec
