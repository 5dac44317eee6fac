// A short blocking MQTT session for homesecctl; see mqtt_session.hpp.
#include "tools/homesecctl/mqtt_session.hpp"

#include <mosquitto.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "tools/homesecctl/ctl.hpp"

namespace homesec::ctl {
namespace {

constexpr int kLoopSliceMs = 100;

int RemainingMs(MqttSession::Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - MqttSession::Clock::now());
  return static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, kLoopSliceMs));
}

}  // namespace

bool LoadCtlCredentials(CtlCredentials* out, std::string* error) {
  *out = CtlCredentials{};
  const char* env = std::getenv(kCtlCredentialsEnv);
  std::string path = env != nullptr ? env : "";
  if (path.empty()) {
    std::error_code ec;
    if (!std::filesystem::exists(kCtlCredentialsPath, ec)) return true;  // none: anonymous
    path = kCtlCredentialsPath;
  }
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read the local broker credentials " + path + ": " + std::strerror(errno);
    return false;
  }
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const std::size_t eq = line.find('=');
    const std::string key = line.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : line.substr(eq + 1);
    if (key == "username") {
      out->username = value;
    } else if (key == "password") {
      out->password = value;
    } else {
      *error = path + ": expected username=... and password=... lines, got '" + key + "'";
      return false;
    }
  }
  if (out->username.empty()) {
    *error = path + ": no username=... line";
    return false;
  }
  out->path = path;
  return true;
}

MqttSession::MqttSession(const BrokerConfig& broker) : broker_(broker) {
  // Never homesecd's login from the config: it may read the command topic (PINs), and a broker
  // that binds the client id to the username would disconnect the daemon for our session.
  broker_.username.clear();
  broker_.password.clear();
  mosquitto_lib_init();
  if (!LoadCtlCredentials(&credentials_, &setup_error_)) return;
  mosq_ = mosquitto_new(("homesecctl-" + RandomHex()).c_str(), /*clean_session=*/true, this);
  if (mosq_ == nullptr) return;
  mosquitto_int_option(mosq_, MOSQ_OPT_TCP_NODELAY, 1);
  mosquitto_connect_callback_set(mosq_, &MqttSession::HandleConnect);
  mosquitto_subscribe_callback_set(mosq_, &MqttSession::HandleSubscribe);
  mosquitto_publish_callback_set(mosq_, &MqttSession::HandlePublish);
  mosquitto_message_callback_set(mosq_, &MqttSession::HandleMessage);
  if (!credentials_.username.empty()) {
    mosquitto_username_pw_set(
        mosq_, credentials_.username.c_str(),
        credentials_.password.empty() ? nullptr : credentials_.password.c_str());
  }
  if (broker_.tls) {
    mosquitto_tls_set(mosq_, broker_.tls->ca.c_str(), nullptr, broker_.tls->cert.c_str(),
                      broker_.tls->key.c_str(), nullptr);
  }
}

MqttSession::~MqttSession() {
  if (mosq_ != nullptr) {
    mosquitto_disconnect(mosq_);
    mosquitto_destroy(mosq_);
  }
  mosquitto_lib_cleanup();
}

std::string MqttSession::Where() const {
  return broker_.host + ":" + std::to_string(broker_.port);
}

bool MqttSession::Connect(Clock::time_point deadline, std::string* error) {
  if (!setup_error_.empty()) {
    *error = setup_error_;
    return false;
  }
  if (mosq_ == nullptr) {
    *error = "cannot create an MQTT client";
    return false;
  }
  const int rc = mosquitto_connect(mosq_, broker_.host.c_str(), broker_.port,
                                   static_cast<int>(broker_.keepalive.count()));
  if (rc != MOSQ_ERR_SUCCESS) {
    *error = "cannot connect to the local broker at " + Where() + ": " +
             (rc == MOSQ_ERR_ERRNO ? std::string(std::strerror(errno)) : mosquitto_strerror(rc)) +
             " — is mosquitto running?";
    return false;
  }
  // A refusal ends the loop with an error right after the CONNACK: report the CONNACK's reason.
  if (!RunUntil([this] { return connack_rc_ >= 0; }, deadline, error) && connack_rc_ <= 0) {
    if (error->empty()) *error = "the local broker at " + Where() + " did not answer";
    return false;
  }
  if (connack_rc_ != 0) {
    *error = "the local broker at " + Where() +
             " refused the connection: " + mosquitto_connack_string(connack_rc_);
    if (connack_rc_ == 4 || connack_rc_ == 5) {  // bad username or password / not authorised
      *error += credentials_.path.empty()
                    ? std::string(
                          " — homesecctl has no login: put username=... and password=... "
                          "in ") +
                          kCtlCredentialsPath + " (or name a file in " + kCtlCredentialsEnv + ")"
                    : " — check the login in " + credentials_.path;
    }
    return false;
  }
  return true;
}

bool MqttSession::Subscribe(const std::vector<std::string>& topics, Clock::time_point deadline,
                            std::string* error) {
  std::vector<char*> patterns;
  for (const std::string& topic : topics) patterns.push_back(const_cast<char*>(topic.c_str()));
  int mid = 0;
  const int rc = mosquitto_subscribe_multiple(mosq_, &mid, static_cast<int>(patterns.size()),
                                              patterns.data(), 1, 0, nullptr);
  if (rc != MOSQ_ERR_SUCCESS) {
    *error = std::string("subscribe failed: ") + mosquitto_strerror(rc);
    return false;
  }
  if (!RunUntil([this, mid] { return last_suback_mid_ == mid; }, deadline, error)) {
    if (error->empty())
      *error = "the local broker at " + Where() + " did not confirm a subscription";
    return false;
  }
  return true;
}

bool MqttSession::Publish(const std::string& topic, const std::string& payload,
                          Clock::time_point deadline, std::string* error) {
  int mid = 0;
  const int rc = mosquitto_publish(mosq_, &mid, topic.c_str(), static_cast<int>(payload.size()),
                                   payload.data(), 1, /*retain=*/false);
  if (rc != MOSQ_ERR_SUCCESS) {
    *error = std::string("publish failed: ") + mosquitto_strerror(rc);
    return false;
  }
  if (!RunUntil([this, mid] { return last_puback_mid_ == mid; }, deadline, error)) {
    if (error->empty()) *error = "the local broker at " + Where() + " did not take the message";
    return false;
  }
  return true;
}

bool MqttSession::RunUntil(const std::function<bool()>& done, Clock::time_point deadline,
                           std::string* error) {
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    const int rc = mosquitto_loop(mosq_, RemainingMs(deadline), 1);
    if (rc != MOSQ_ERR_SUCCESS) {
      *error = "connection to the local broker at " + Where() + " lost: " +
               (rc == MOSQ_ERR_ERRNO ? std::string(std::strerror(errno)) : mosquitto_strerror(rc));
      return false;
    }
  }
  return true;
}

void MqttSession::HandleConnect(struct mosquitto*, void* self, int rc) {
  static_cast<MqttSession*>(self)->connack_rc_ = rc;
}

void MqttSession::HandleSubscribe(struct mosquitto*, void* self, int mid, int, const int*) {
  static_cast<MqttSession*>(self)->last_suback_mid_ = mid;
}

void MqttSession::HandlePublish(struct mosquitto*, void* self, int mid) {
  static_cast<MqttSession*>(self)->last_puback_mid_ = mid;
}

void MqttSession::HandleMessage(struct mosquitto*, void* self,
                                const struct mosquitto_message* msg) {
  auto* session = static_cast<MqttSession*>(self);
  if (!session->on_message_ || msg->topic == nullptr) return;
  const std::string_view payload(static_cast<const char*>(msg->payload),
                                 static_cast<std::size_t>(msg->payloadlen));
  session->on_message_(msg->topic, payload);
}

}  // namespace homesec::ctl
