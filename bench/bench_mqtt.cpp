// The benchmark tools' poll-driven libmosquitto client (see bench_mqtt.hpp).
#include "bench/bench_mqtt.hpp"

#include <mosquitto.h>
#include <poll.h>

#include <mqtt_protocol.h>
#include <algorithm>
#include <cerrno>
#include <cstring>

namespace homesec::bench {

struct BenchTrampolines {
  static void Connect(struct mosquitto*, void* obj, int rc) {
    static_cast<BenchClient*>(obj)->connected_ = rc == 0;
  }
  static void Disconnect(struct mosquitto*, void* obj, int) {
    static_cast<BenchClient*>(obj)->connected_ = false;
  }
  static void Subscribe(struct mosquitto*, void* obj, int, int, const int*) {
    ++static_cast<BenchClient*>(obj)->subacks_;
  }
  static void Message(struct mosquitto*, void* obj, const struct mosquitto_message* message) {
    const Clock::time_point at = Clock::now();  // first thing: the arrival time
    auto* self = static_cast<BenchClient*>(obj);
    if (!self->handler_) return;
    BenchMessage m;
    m.at = at;
    m.topic = message->topic;
    m.payload.assign(static_cast<const char*>(message->payload),
                     static_cast<std::size_t>(message->payloadlen));
    self->handler_(m);
  }
};

BenchClient::BenchClient(const std::string& client_id, bool mqtt_v5) {
  static const int kInit = mosquitto_lib_init();
  (void)kInit;
  mosq_ = mosquitto_new(client_id.c_str(), true, this);
  if (mosq_ == nullptr) return;
  mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION,
                       mqtt_v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311);
  mosquitto_int_option(mosq_, MOSQ_OPT_TCP_NODELAY, 1);
  mosquitto_connect_callback_set(mosq_, &BenchTrampolines::Connect);
  mosquitto_disconnect_callback_set(mosq_, &BenchTrampolines::Disconnect);
  mosquitto_subscribe_callback_set(mosq_, &BenchTrampolines::Subscribe);
  mosquitto_message_callback_set(mosq_, &BenchTrampolines::Message);
}

BenchClient::~BenchClient() {
  if (mosq_ == nullptr) return;
  if (connected_) {
    mosquitto_disconnect(mosq_);
    mosquitto_loop_write(mosq_, 1);
  }
  mosquitto_destroy(mosq_);
}

bool BenchClient::Connect(const std::string& host, int port, std::string* error) {
  if (mosq_ == nullptr) {
    *error = "mosquitto_new failed";
    return false;
  }
  const int rc = mosquitto_connect(mosq_, host.c_str(), port, 60);
  if (rc != MOSQ_ERR_SUCCESS) {
    *error = "connect to " + host + ":" + std::to_string(port) + ": " + mosquitto_strerror(rc);
    return false;
  }
  return true;
}

bool BenchClient::Subscribe(const std::string& topic, int qos) {
  return mosquitto_subscribe(mosq_, nullptr, topic.c_str(), qos) == MOSQ_ERR_SUCCESS;
}

bool BenchClient::Publish(const std::string& topic, const std::string& payload, int qos) {
  return mosquitto_publish(mosq_, nullptr, topic.c_str(), static_cast<int>(payload.size()),
                           payload.data(), qos, false) == MOSQ_ERR_SUCCESS;
}

bool RunUntil(const std::vector<BenchClient*>& clients, const std::function<bool()>& done,
              Clock::time_point deadline) {
  std::vector<pollfd> fds(clients.size());
  Clock::time_point next_misc = Clock::now() + std::chrono::seconds(1);
  while (!done()) {
    const Clock::time_point now = Clock::now();
    if (now >= deadline) return false;
    if (now >= next_misc) {
      for (BenchClient* client : clients) mosquitto_loop_misc(client->mosq_);
      next_misc = now + std::chrono::seconds(1);
    }
    for (std::size_t i = 0; i < clients.size(); ++i) {
      fds[i].fd = mosquitto_socket(clients[i]->mosq_);
      fds[i].events =
          static_cast<short>(POLLIN | (mosquitto_want_write(clients[i]->mosq_) ? POLLOUT : 0));
      fds[i].revents = 0;
    }
    const auto wait = std::min(deadline, next_misc) - now;
    const int timeout_ms =
        static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(wait).count());
    const int ready = poll(fds.data(), fds.size(), timeout_ms);
    if (ready < 0 && errno != EINTR) return false;
    if (ready <= 0) continue;  // timeout or a signal: check done() and the deadline
    for (std::size_t i = 0; i < clients.size(); ++i) {
      struct mosquitto* mosq = clients[i]->mosq_;
      if (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) {
        if (mosquitto_loop_read(mosq, 1) != MOSQ_ERR_SUCCESS) return false;
      }
      // Replies queued inside a callback (acks, relayed messages) go out now, not a poll later.
      if (mosquitto_want_write(mosq) && mosquitto_loop_write(mosq, 1) != MOSQ_ERR_SUCCESS) {
        return false;
      }
    }
  }
  return true;
}

bool ConnectAll(const std::vector<BenchClient*>& clients, const std::vector<Endpoint>& endpoints,
                std::string* error) {
  for (std::size_t i = 0; i < clients.size(); ++i) {
    if (!clients[i]->Connect("127.0.0.1", endpoints[i].port, error)) return false;
  }
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(5);
  const auto all_connected = [&] {
    return std::all_of(clients.begin(), clients.end(),
                       [](const BenchClient* c) { return c->connected(); });
  };
  if (!RunUntil(clients, all_connected, deadline)) {
    *error = "no CONNACK from every broker within 5 s";
    return false;
  }
  int expected = 0;
  for (std::size_t i = 0; i < clients.size(); ++i) {
    if (endpoints[i].subscribe.empty()) continue;
    if (!clients[i]->Subscribe(endpoints[i].subscribe, endpoints[i].qos)) {
      *error = "subscribe to " + endpoints[i].subscribe + " failed";
      return false;
    }
    ++expected;
  }
  const auto all_subscribed = [&] {
    int subacks = 0;
    for (const BenchClient* c : clients) subacks += c->subacks();
    return subacks >= expected;
  };
  if (!RunUntil(clients, all_subscribed, deadline)) {
    *error = "no SUBACK within 5 s";
    return false;
  }
  return true;
}

}  // namespace homesec::bench
