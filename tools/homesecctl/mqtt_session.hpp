// A short blocking MQTT session for homesecctl on libmosquitto's own loop (mosquitto_loop):
// connect, subscribe, publish, and run the loop until a condition holds or a deadline passes.
// The daemon drives libmosquitto from its epoll loop instead; a CLI may simply block.
// homesecctl logs in to the local broker with its own username and password (a credentials file,
// see kCtlCredentialsPath), never with homesecd's from the config: see docs/security.md.
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

// homesecctl's own login to the local broker: "username=..." and "password=..." lines ('#'
// comments). HOMESECCTL_MQTT_CREDENTIALS names another file; when neither exists, homesecctl
// connects without a username (fine for a broker that allows anonymous clients, refused by the
// shipped packaging/mosquitto/hub-local.conf).
inline constexpr const char* kCtlCredentialsPath = "/etc/homesec/homesecctl.mqtt";
inline constexpr const char* kCtlCredentialsEnv = "HOMESECCTL_MQTT_CREDENTIALS";

struct CtlCredentials {
  std::string path;  // the file they came from; empty when there was none
  std::string username;
  std::string password;
};

// Reads the credentials file (kCtlCredentialsEnv, else kCtlCredentialsPath if it exists).
// false with `error` when a named file is missing, unreadable or lacks a username.
bool LoadCtlCredentials(CtlCredentials* out, std::string* error);

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
  // The broker account it logs in as (from its credentials file; empty if that failed).
  const std::string& username() const { return credentials_.username; }

 private:
  static void HandleConnect(struct mosquitto*, void* self, int rc);
  static void HandleSubscribe(struct mosquitto*, void* self, int mid, int count, const int* qos);
  static void HandlePublish(struct mosquitto*, void* self, int mid);
  static void HandleMessage(struct mosquitto*, void* self, const struct mosquitto_message* msg);

  BrokerConfig broker_;
  CtlCredentials credentials_;
  std::string setup_error_;  // why the session cannot connect, found in the constructor
  struct mosquitto* mosq_ = nullptr;
  MessageHandler on_message_;
  int connack_rc_ = -1;  // -1 = no CONNACK yet
  int last_suback_mid_ = -1;
  int last_puback_mid_ = -1;
};

}  // namespace homesec::ctl
