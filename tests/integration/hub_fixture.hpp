// One home hub under test: a home broker (where "Zigbee2MQTT", "Home Assistant" and keypads
// live), a district broker (where "the platform" lives), a generated config with short delays,
// a user with PIN 1234, the real homesecd, and a test client on each broker.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/integration/harness.hpp"

namespace homesec::testing {

inline constexpr const char* kHubId = "it-hub";
inline constexpr const char* kPin = "1234";

class HubFixture {
 public:
  HubFixture();
  ~HubFixture();

  // The config homesecd is started with; tests may change it before StartDaemon().
  nlohmann::json config;
  void WriteConfig();

  // Starts homesecd and waits until it is online on both brokers (state and status retained).
  bool StartDaemon();
  // The machine's boot id as homesecd reads it (the config's boot_id_file points at a file in
  // `dir` that StartDaemon() writes): change it between two starts to play a reboot.
  std::string boot_id = "it-boot-1";
  // Extra environment for homesecd ("NAME=value").
  std::vector<std::string> daemon_env;
  // TERM and wait; false if it did not exit within 5 s.
  bool StopDaemon();
  void KillDaemon() { daemon.Kill(); }
  std::string DaemonLog() const { return ReadFile(dir.File("homesecd.log")); }

  // Local topics (homesec/<hub>/...) and uplink topics (homesec/v1/<district>/<hub>/...).
  static std::string Local(const std::string& suffix);
  static std::string Up(const std::string& suffix);

  // Publishes like Zigbee2MQTT: zigbee2mqtt/<name> with a JSON payload.
  void Zigbee(const std::string& friendly_name, const nlohmann::json& payload);
  // Reports every sensor closed/quiet (as Zigbee2MQTT and the sim line would) and waits until
  // every zone shows "closed".
  bool AllClosed();
  // Arms with the PIN and waits for the armed state.
  bool Arm(const std::string& action = "ARM_AWAY", const std::string& mode = "armed_away");
  // Sets the simulated GPIO line 3 of sim0 (the bedroom window latch): true = open.
  bool DriveLatch(bool open);
  // Publishes a command on homesec/<hub>/command.
  void Command(const nlohmann::json& command);
  // Runs the real homesecctl with this hub's config, `arguments` after it and `stdin_text` piped
  // in (a PIN for --pin-stdin); returns its exit status and fills `output` (stdout and stderr).
  int Homesecctl(const std::string& arguments, const std::string& stdin_text, std::string& output);
  // Waits for the retained/new state to become `mode`.
  bool WaitState(const std::string& mode, std::chrono::milliseconds timeout = 5s);
  // Waits for a command result with `request_id`.
  std::optional<nlohmann::json> WaitResult(const std::string& request_id,
                                           std::chrono::milliseconds timeout = 5s);
  // Uplink events received by the platform (parsed), in arrival order.
  std::vector<nlohmann::json> UplinkEvents();
  // Waits for an uplink event of `type` (e.g. "burglary"); returns it.
  std::optional<nlohmann::json> WaitUplinkEvent(const std::string& type,
                                                std::chrono::milliseconds timeout = 10s);
  // The platform acknowledges every event it receives ("received") when on.
  void SetAutoAck(bool on);
  // Connects (or reconnects) the test clients.
  bool ConnectClients();

  TempDir dir;
  Broker home;
  Broker district;
  Process daemon;
  std::unique_ptr<TestClient> local;     // Zigbee2MQTT + Home Assistant + keypad
  std::unique_ptr<TestClient> platform;  // the district platform

 private:
  bool auto_ack_ = true;
};

}  // namespace homesec::testing
