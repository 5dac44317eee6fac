// A libmosquitto client plugged into the daemon's EventLoop (sdbus-c++ style): no library thread;
// the loop watches the client's socket and calls loop_read / loop_write / loop_misc, and
// want_write is re-checked before every sleep. Reconnects with exponential backoff and jitter on
// the loop's timers. Each connection attempt uses a fresh libmosquitto handle so nothing queued
// inside the library survives a reconnect: callers (the uplink's outbox) own resending.
//
// Callbacks never run inside libmosquitto. Its callbacks fire with the library's own mutexes
// held (on_publish for a QoS 0 message fires from inside mosquitto_publish itself), so a caller
// that publishes from one re-enters the library and deadlocks (issue 10: Pump -> publish ->
// on_publish -> Pump -> publish -> pthread_mutex_lock, for good). Every callback is posted to
// the EventLoop and runs after the library call that produced it has returned; a payload over
// the topic's size limit is dropped (logged, counted) before it is copied.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "daemon/event_loop.hpp"
#include "rules/time.hpp"

struct mosquitto;

namespace homesec {

struct MqttWill {
  std::string topic;
  std::string payload;
  int qos = 1;
  bool retain = true;
};

struct MqttTls {
  std::string ca;
  std::string cert;
  std::string key;
};

struct MqttOptions {
  std::string name;  // for log lines: "uplink", "local"
  std::string client_id;
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string username;
  std::string password;
  std::optional<MqttTls> tls;
  Seconds keepalive{30};
  bool mqtt_v5 = false;
  std::optional<MqttWill> will;
  Millis backoff_initial{250};
  // Bounded low so that an alarm raised while the broker was away reaches it within a few
  // seconds of its return (issue 10: 15 s missed brokers that were back for seconds); jitter
  // keeps a district's hubs from returning in lockstep.
  Millis backoff_max{2000};
  // The largest payload accepted on `topic`; larger messages are dropped unread. nullptr: 64 KiB.
  std::function<std::size_t(const std::string& topic)> max_payload_bytes;
};

struct MqttMessage {
  std::string topic;
  std::string payload;
  int qos = 0;
  bool retained = false;
};

struct MqttCallbacks {
  std::function<void()> on_connect;  // CONNACK accepted: subscribe and publish state here
  std::function<void(const std::string& reason)> on_disconnect;  // also a failed attempt
  std::function<void(const MqttMessage& message)> on_message;
  std::function<void(int mid)> on_publish;  // QoS 1: PUBACK received
};

class MqttClient {
 public:
  MqttClient(EventLoop& loop, MqttOptions options, MqttCallbacks callbacks);
  ~MqttClient();
  MqttClient(const MqttClient&) = delete;
  MqttClient& operator=(const MqttClient&) = delete;

  // Starts connecting (and keeps reconnecting until Stop()).
  void Start();
  // Disconnects cleanly (no will) and stops reconnecting.
  void Stop();

  bool connected() const { return connected_; }
  // Queues a publish; false when not connected or the library refused. `mid` is the message id
  // on_publish reports for QoS 1.
  bool Publish(const std::string& topic, const std::string& payload, int qos, bool retain,
               int* mid = nullptr);
  // `options`: MQTT v5 subscription options (MQTT_SUB_OPT_RETAIN_AS_PUBLISHED ...), 0 for none.
  bool Subscribe(const std::string& topic, int qos, int options = 0);

  // The socket (-1 when none) and whether the library has bytes to write.
  int fd() const;
  bool wants_write() const;

  // Loop entry points, public so tests can drive a client by hand.
  void OnReadable();
  void OnWritable();
  void OnMisc();

  std::uint64_t connects() const { return connects_; }

 private:
  friend struct MqttTrampolines;  // libmosquitto's C callbacks

  void Attempt();
  void Connected(int rc);
  void Lost(const std::string& reason);
  void ScheduleReconnect();
  void Teardown();
  void SyncRegistration();
  void ScheduleMisc();
  // Runs `callback` from the loop once the current library call has returned (see above); not
  // at all when this client is destroyed first.
  void Defer(std::function<void()> callback);

  EventLoop& loop_;
  MqttOptions options_;
  MqttCallbacks callbacks_;
  struct mosquitto* mosq_ = nullptr;
  bool running_ = false;
  bool connected_ = false;
  // A TLS connection whose session has not been announced yet (its handshake may be running).
  bool Handshaking() const { return options_.tls.has_value() && !connected_; }
  int registered_fd_ = -1;
  bool registered_for_write_ = false;
  MonoTime attempt_started_{};
  Millis backoff_;
  EventLoop::TimerId reconnect_timer_ = 0;
  EventLoop::TimerId misc_timer_ = 0;
  std::uint64_t connects_ = 0;
  EventLoop::HookId prepare_hook_ = 0;
  std::minstd_rand rng_;
  std::uint64_t session_ = 0;  // counts connections made and lost, for the deferred on_connect
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for Defer
};

}  // namespace homesec
