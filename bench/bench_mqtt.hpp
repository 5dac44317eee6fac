// A libmosquitto client for the benchmark tools, driven by one poll() loop in the calling thread
// (no library thread): the probe and the relay each run both of their brokers' sockets in one
// loop, so a message is timestamped in the same thread, without a hand-over, the moment
// libmosquitto has parsed it. TCP_NODELAY is on, as in homesecd (see docs/performance.md).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

struct mosquitto;

namespace homesec::bench {

using Clock = std::chrono::steady_clock;

struct BenchMessage {
  std::string topic;
  std::string payload;
  Clock::time_point at;  // when libmosquitto handed it over
};

class BenchClient {
 public:
  // `mqtt_v5` as homesecd's uplink; v3.1.1 otherwise.
  BenchClient(const std::string& client_id, bool mqtt_v5);
  ~BenchClient();
  BenchClient(const BenchClient&) = delete;
  BenchClient& operator=(const BenchClient&) = delete;

  // Opens the TCP connection (blocking) and sends CONNECT; connected() once CONNACK arrived.
  bool Connect(const std::string& host, int port, std::string* error);
  bool connected() const { return connected_; }
  // Sends SUBSCRIBE; subacks() counts the SUBACKs received.
  bool Subscribe(const std::string& topic, int qos);
  int subacks() const { return subacks_; }
  // Outside a callback the packet is written at once; inside one, by the next loop turn.
  bool Publish(const std::string& topic, const std::string& payload, int qos);
  void OnMessage(std::function<void(const BenchMessage&)> handler) {
    handler_ = std::move(handler);
  }

 private:
  friend struct BenchTrampolines;
  friend bool RunUntil(const std::vector<BenchClient*>&, const std::function<bool()>&,
                       Clock::time_point);

  struct mosquitto* mosq_;
  bool connected_ = false;
  int subacks_ = 0;
  std::function<void(const BenchMessage&)> handler_;
};

// Drives the clients' sockets until `done()` holds (checked after every wake-up) or `deadline`
// passes; true when done. Returns false at once if a client lost its connection.
bool RunUntil(const std::vector<BenchClient*>& clients, const std::function<bool()>& done,
              Clock::time_point deadline);

struct Endpoint {
  int port = 0;
  std::string subscribe;  // topic filter to subscribe to, empty for none
  int qos = 0;
};

// Connects client i to 127.0.0.1:endpoints[i].port, waits for every CONNACK, subscribes and waits
// for the SUBACKs (5 s in all).
bool ConnectAll(const std::vector<BenchClient*>& clients, const std::vector<Endpoint>& endpoints,
                std::string* error);

}  // namespace homesec::bench
