// A short blocking MQTT session for homesecctl on libmosquitto's own loop (mosquitto_loop):
// connect, subscribe, publish, and run the loop until a condition holds or a deadline passes.
// The daemon drives libmosquitto from its epoll loop instead; a CLI may simply block.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/config.hpp"

struct mosquitto;
struct mosquitto_message;

namespace homesec::ctl {

class MqttSession {
 public:
  using Clock = std::chrono::steady_clock;
  using MessageHandler = std::function<void(const std::string& topic, std::string_view payload)>;

  explicit MqttSession(const BrokerConfig& broker);
  ~MqttSession();
  MqttSession(const MqttSession&) = delete;
  MqttSession& operator=(const MqttSession&) = delete;

  void OnMessage(MessageHandler handler) { on_message_ = std::move(handler); }

  // Each waits (running the loop) until the broker answers, or `deadline`.
  bool Connect(Clock::time_point deadline, std::string* error);
  bool Subscribe(const std::vector<std::string>& topics, Clock::time_point deadline,
                 std::string* error);
  bool Publish(const std::string& topic, const std::string& payload, Clock::time_point deadline,
               std::string* error);

  // Runs the loop until `done()` or `deadline`; true when done.
  bool RunUntil(const std::function<bool()>& done, Clock::time_point deadline, std::string* error);

  // "127.0.0.1:1883", for messages.
  std::string Where() const;

 private:
  static void HandleConnect(struct mosquitto*, void* self, int rc);
  static void HandleSubscribe(struct mosquitto*, void* self, int mid, int count, const int* qos);
  static void HandlePublish(struct mosquitto*, void* self, int mid);
  static void HandleMessage(struct mosquitto*, void* self, const struct mosquitto_message* msg);

  BrokerConfig broker_;
  struct mosquitto* mosq_ = nullptr;
  MessageHandler on_message_;
  int connack_rc_ = -1;  // -1 = no CONNACK yet
  int last_suback_mid_ = -1;
  int last_puback_mid_ = -1;
};

}  // namespace homesec::ctl
