// The shipped broker confinement under test (district_confinement_test.cpp,
// local_confinement_test.cpp): the district PKI minted by scripts/mint-certs, mosquitto started
// from packaging/mosquitto/*.conf and *.acl with only the listener port and the
// /etc/mosquitto/homesec/ directory replaced, the local password file made with mosquitto_passwd,
// and an MQTT v5 peer that shows what the broker did with each packet: the CONNACK reason, the
// granted QoS, each PUBACK's reason code, and no reconnecting (a client the broker drops stays
// dropped, so a stolen session shows).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/harness.hpp"

struct mosquitto;

namespace homesec::testing {

// packaging/mosquitto/<name> in the source tree.
std::string ShippedFile(const std::string& name);

// Runs scripts/mint-certs into dir/pki for `hubs` (platform CN "platform") and makes the keys
// readable by the broker (mosquitto started as root reads them as user "mosquitto"). Files:
// pki/ca.pem, pki/broker.{pem,key}, pki/hubs/<hub>.{pem,key}, pki/platform.{pem,key},
// pki/rogue-ca.pem, pki/rogue/<first hub>.{pem,key}.
bool MintCerts(const TempDir& dir, const std::vector<std::string>& hubs);

// Writes dir/local/hub-local.passwd with mosquitto_passwd -b, one line per (user, password).
bool MakePasswordFile(const TempDir& dir,
                      const std::vector<std::pair<std::string, std::string>>& users);

// mosquitto from a shipped config. `config` is "district.conf" or "hub-local.conf"; its ACL (and
// for the district, the PKI; for the hub, the password file) is read from `files_dir`, which
// stands in for /etc/mosquitto/homesec/. The ACL is copied there unchanged, or with `acl_edit`
// applied (a test of a documented optional block).
class ShippedBroker {
 public:
  ShippedBroker(const TempDir& dir, const std::string& config, const std::string& files_dir);
  ~ShippedBroker();
  std::function<std::string(std::string)> acl_edit;
  // Writes the config and the ACL copy, starts mosquitto, waits for the port. False (with the
  // reason on stderr) when the shipped file no longer has the lines the test replaces.
  bool Start();
  int port() const { return port_; }
  std::string Log() const { return ReadFile(log_path_); }
  // Lines of the broker log containing `text`.
  std::size_t LogCount(const std::string& text) const;

 private:
  const TempDir& dir_;
  std::string config_;
  std::string files_dir_;
  std::string log_path_;
  int port_;
  Process process_;
};

struct PeerOptions {
  std::string client_id;  // what the client asks for (the broker may replace it)
  std::string username;
  std::string password;
  std::string ca;  // TLS when set
  std::string cert;
  std::string key;
};

// An MQTT v5 client on its own network thread, connecting once.
class Peer {
 public:
  Peer(int port, PeerOptions options);
  ~Peer();
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  // The CONNACK reason code (0 = accepted), or -1 when there was none (the TLS handshake or the
  // connection failed) within `timeout`.
  int Connect(std::chrono::milliseconds timeout = 5s);
  bool connected();
  // Times the connection was lost after it had been accepted.
  int disconnects();
  // Subscribes and waits for the SUBACK: the granted QoS or reason code (>= 0x80 refused); -1
  // without an answer.
  int Subscribe(const std::string& topic, int qos = 1);
  // Publishes and waits for the broker's answer: for QoS 1, the PUBACK reason code (0 = accepted,
  // also when nobody subscribed; 135 = not authorized); for QoS 0, 0 once sent. -1 without an
  // answer.
  int Publish(const std::string& topic, const std::string& payload, int qos = 1,
              bool retain = false);

  std::vector<Message> Received(const std::string& topic);
  std::vector<Message> All();
  std::optional<Message> WaitFor(const std::string& topic,
                                 const std::function<bool(const Message&)>& pred,
                                 std::chrono::milliseconds timeout = 5s);
  // Publishes `payload` on `topic` (which this peer must be allowed to write and read, and be
  // subscribed to) and waits for it to come back: every message the broker routed to this peer
  // before has been delivered by then.
  bool Marker(const std::string& topic, const std::string& payload);

 private:
  friend struct PeerCallbacks;
  void Run();

  struct mosquitto* mosq_;
  int port_;
  std::thread network_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stop_ = false;
  bool connected_ = false;
  bool failed_ = false;  // the network loop ended
  int connack_ = -1;
  int disconnects_ = 0;
  std::map<int, int> subacks_;  // mid -> granted QoS / reason
  std::map<int, int> pubacks_;  // mid -> reason code
  std::vector<Message> messages_;
};

}  // namespace homesec::testing
