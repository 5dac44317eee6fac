// Integration harness: real mosquitto brokers on free loopback ports, the real homesecd binary
// with a generated config in a temporary directory, and a test MQTT client (libmosquitto with its
// own network thread) that plays Zigbee2MQTT, a keypad, Home Assistant and the district
// platform. Every process started here is killed on destruction, also when a test fails.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "rules/panel_config.hpp"

struct mosquitto;
struct mosquitto_message;

namespace homesec::testing {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A port nobody listens on right now (bind 127.0.0.1:0, read it back, close).
int FreePort();
// True once something accepts TCP connections on 127.0.0.1:port.
bool WaitConnectable(int port, std::chrono::milliseconds timeout);

// A directory removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& text);
std::string ReadFile(const std::string& path);
// Runs a one-number query on a hub's database, read-only, as another reader would (-1 when it
// returns no row).
std::int64_t QueryDb(const std::string& path, const std::string& sql);

// True once an assertion of the running test case has failed (or it threw). Fixtures use it to
// print their processes' logs before their temporary directory is removed, so that a failure in
// CI can be understood from its output alone.
bool CurrentTestFailed();
// Prints the last `lines` lines of the file at `path` to stderr, under a heading.
void PrintTail(const std::string& heading, const std::string& path, std::size_t lines = 80);

// A child process; killed with SIGKILL on destruction if still running.
class Process {
 public:
  Process() = default;
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  bool Start(const std::vector<std::string>& argv, const std::string& log_path,
             const std::vector<std::string>& env = {});
  void Signal(int signal_number);
  // Waits for exit; returns the exit status (or -signal), nullopt on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  void Kill();  // SIGKILL + reap
  bool running();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

// mosquitto on a loopback port (the same port across Restart()).
class Broker {
 public:
  // `persistent`: sessions and queued QoS 1 messages survive a Stop()/Start() (saved on TERM).
  Broker(const TempDir& dir, const std::string& name, bool persistent = false);
  ~Broker();
  bool Start();
  void Kill() { process_.Kill(); }
  // SIGTERM: a clean stop (a persistent broker saves its sessions).
  void Stop();
  bool Restart() { return Start(); }
  int port() const { return port_; }

 private:
  std::string config_path_;
  std::string log_path_;
  int port_;
  Process process_;
};

struct Message {
  std::string topic;
  std::string payload;
  bool retained = false;
  Clock::time_point at;
  nlohmann::json Json() const;  // null when not JSON
};
// A message as libmosquitto delivered it, received now.
Message MessageFrom(const struct mosquitto_message& m);

// Adds the master user "alice" (number 1) with `pin` to the store at `db_path`, creating it.
// Adds a user with `pin` to the database at `db_path`; AddMasterUser adds the master "alice",
// number 1.
bool AddUser(const std::string& db_path, int number, const std::string& name, Role role,
             const std::string& pin);
bool AddMasterUser(const std::string& db_path, const std::string& pin);

// A libmosquitto client on its own thread; re-subscribes after reconnecting.
class TestClient {
 public:
  // `clean_session` false: the broker keeps the subscription and queues QoS 1 messages while
  // this client is away (the platform's durable session).
  TestClient(const std::string& id, int port, bool clean_session = true);
  ~TestClient();
  // TLS (tls_test.cpp): the CA that signed the broker's certificate, and this client's
  // certificate and key. Call before Connect(); false if libmosquitto refuses the files.
  bool UseTls(const std::string& ca, const std::string& cert, const std::string& key);
  bool Connect(std::chrono::milliseconds timeout = 5s);
  bool connected();
  // Subscribes and waits for SUBACK.
  bool Subscribe(const std::string& topic, int qos = 1);
  bool Publish(const std::string& topic, const std::string& payload, int qos = 1,
               bool retain = false);

  // Every message received so far, on topics matching `topic` exactly.
  std::vector<Message> Received(const std::string& topic);
  // Waits until `pred` holds for some received message on `topic`, from index `from`.
  std::optional<Message> WaitFor(const std::string& topic,
                                 const std::function<bool(const Message&)>& pred,
                                 std::chrono::milliseconds timeout, std::size_t from = 0);
  // Waits until at least `count` messages on `topic` have arrived.
  bool WaitCount(const std::string& topic, std::size_t count, std::chrono::milliseconds timeout);
  void Clear();

  // Runs on the client's thread for every message (the platform's auto-ack).
  void OnMessage(std::function<void(TestClient&, const Message&)> hook);

 private:
  friend struct TestClientCallbacks;

  // The network thread: mosquitto_loop until stop_, reconnecting after a lost connection. Ours,
  // not mosquitto_loop_start's: that one is stopped with pthread_cancel, which can end it in the
  // middle of handling a message and leak the message (LeakSanitizer saw it in CI).
  void Run();

  struct mosquitto* mosq_;
  int port_;
  std::thread network_;
  bool stop_ = false;  // guarded by mutex_
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Message> messages_;
  std::vector<std::pair<std::string, int>> subscriptions_;
  std::function<void(TestClient&, const Message&)> hook_;
  bool connected_ = false;
  int suback_count_ = 0;
};

}  // namespace homesec::testing
