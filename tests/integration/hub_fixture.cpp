// The hub under test: brokers, config, user, homesecd and the two test clients.
#include "tests/integration/hub_fixture.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "rules/codes.hpp"
#include "sensors/sim_chip.hpp"
#include "store/store.hpp"

#ifndef HOMESECD_PATH
#define HOMESECD_PATH HOMESEC_BINARY_DIR "/daemon/homesecd"
#endif
#ifndef HOMESECCTL_PATH
#define HOMESECCTL_PATH HOMESEC_BINARY_DIR "/tools/homesecctl"
#endif

namespace homesec::testing {
namespace {

constexpr const char* kDistrict = "it-district";

nlohmann::json BaseConfig(const TempDir& dir, int home_port, int district_port) {
  using nlohmann::json;
  return json{
      {"hub", {{"id", kHubId}, {"district", kDistrict}, {"name", "Integration Test Flat"}}},
      {"storage", {{"path", dir.File("homesec.db")}}},
      {"local_mqtt",
       {{"host", "127.0.0.1"}, {"port", home_port}, {"zigbee2mqtt_base", "zigbee2mqtt"}}},
      {"uplink",
       {{"host", "127.0.0.1"},
        {"port", district_port},
        {"prefix", "homesec/v1"},
        {"heartbeat_s", 60}}},
      {"devices",
       json::array(
           {{{"id", "front_door"}, {"zigbee", "front_door"}},
            {{"id", "kitchen_window"}, {"zigbee", "kitchen_window"}},
            {{"id", "hall_motion"}, {"zigbee", "hall_motion"}},
            {{"id", "bedroom_latch"},
             {"gpio",
              {{"chip", "sim0"}, {"line", 3}, {"active_low", false}, {"role", "latch"}}}}})},
      {"zones", json::array({{{"id", "front_door"},
                              {"type", "entry_exit"},
                              {"device", "front_door"},
                              {"property", "contact"}},
                             {{"id", "kitchen_window"},
                              {"type", "perimeter"},
                              {"device", "kitchen_window"},
                              {"property", "contact"},
                              {"swinger_limit", 0}},
                             {{"id", "hall_motion"},
                              {"type", "interior"},
                              {"device", "hall_motion"},
                              {"property", "occupancy"}},
                             {{"id", "bedroom_window"},
                              {"type", "perimeter"},
                              {"device", "bedroom_latch"},
                              {"property", "latch"}}})},
      {"modes",
       {{"armed_away", {{"exit_delay_s", 0}, {"entry_delay_s", 2}, {"siren_s", 3}}},
        {"armed_home", {{"exit_delay_s", 0}, {"entry_delay_s", 2}, {"siren_s", 3}}}}},
      {"sim_gpio_dir", dir.File("sim")},
      {"boot_id_file", dir.File("boot_id")}};
}

}  // namespace

HubFixture::HubFixture() : home(dir, "home"), district(dir, "district", true) {
  home.Start();
  district.Start();
  std::filesystem::create_directories(dir.File("sim"));
  config = BaseConfig(dir, home.port(), district.port());
  WriteConfig();
  AddMasterUser(dir.File("homesec.db"), kPin);
  DriveLatch(false);  // the latch starts closed, as the value file the daemon reads at start
  ConnectClients();
}

HubFixture::~HubFixture() {
  if (CurrentTestFailed()) {
    PrintTail("homesecd log", dir.File("homesecd.log"));
    PrintTail("home broker log", dir.File("home.log"), 40);
    PrintTail("district broker log", dir.File("district.log"), 40);
  }
  daemon.Kill();
  local.reset();
  platform.reset();
}

bool HubFixture::ConnectClients() {
  local = std::make_unique<TestClient>("it-local", home.port());
  platform = std::make_unique<TestClient>("it-platform", district.port(), false);
  if (!local->Connect() || !platform->Connect()) return false;
  SetAutoAck(auto_ack_);
  return local->Subscribe(Local("#")) && local->Subscribe("zigbee2mqtt/+/set") &&
         platform->Subscribe(Up("#"));
}

void HubFixture::WriteConfig() {
  WriteFile(dir.File("homesec.json"), config.dump(2));
}

std::string HubFixture::Local(const std::string& suffix) {
  return std::string("homesec/") + kHubId + "/" + suffix;
}

std::string HubFixture::Up(const std::string& suffix) {
  return std::string("homesec/v1/") + kDistrict + "/" + kHubId + "/" + suffix;
}

bool HubFixture::StartDaemon() {
  const std::size_t online_before = platform->Received(Up("status")).size();
  // From this start only: after a restart the previous run's "online" is still in the list, and
  // matching it would let a test publish before this homesecd has subscribed.
  const std::size_t local_before = local->Received(Local("availability")).size();
  WriteFile(dir.File("boot_id"), boot_id + "\n");
  if (!daemon.Start({HOMESECD_PATH, "--config", dir.File("homesec.json")}, dir.File("homesecd.log"),
                    daemon_env)) {
    return false;
  }
  // Online on the district broker, and the retained state on the home broker.
  return platform
             ->WaitFor(
                 Up("status"), [](const Message& m) { return m.payload == "online"; }, 10s,
                 online_before)
             .has_value() &&
         local
             ->WaitFor(
                 Local("availability"), [](const Message& m) { return m.payload == "online"; }, 10s,
                 local_before)
             .has_value();
}

bool HubFixture::StopDaemon() {
  daemon.Signal(SIGTERM);
  return daemon.Wait(5s).has_value();
}

void HubFixture::Zigbee(const std::string& friendly_name, const nlohmann::json& payload) {
  local->Publish("zigbee2mqtt/" + friendly_name, payload.dump(), 0, false);
}

bool HubFixture::AllClosed() {
  DriveLatch(false);
  Zigbee("front_door", {{"contact", true}, {"battery", 97}, {"linkquality", 120}});
  Zigbee("kitchen_window", {{"contact", true}, {"battery", 97}, {"linkquality", 120}});
  Zigbee("hall_motion", {{"occupancy", false}, {"battery", 97}, {"linkquality", 120}});
  for (const char* zone : {"front_door", "kitchen_window", "hall_motion", "bedroom_window"}) {
    const auto closed = local->WaitFor(
        Local(std::string("zone/") + zone),
        [](const Message& m) { return m.Json().value("status", "") == "closed"; }, 5s);
    if (!closed) {
      std::fprintf(stderr, "AllClosed: zone %s never reported closed\n", zone);
      return false;
    }
  }
  return true;
}

bool HubFixture::Arm(const std::string& action, const std::string& mode) {
  // A request id is accepted once (issue 11): a new one for every arming.
  static int arms = 0;
  const std::string request_id = "arm-" + mode + "-" + std::to_string(++arms);
  Command({{"action", action}, {"code", kPin}, {"request_id", request_id}});
  const auto result = WaitResult(request_id);
  return result && result->value("accepted", false) && WaitState(mode);
}

bool HubFixture::DriveLatch(bool open) {
  std::string error;
  return DriveSimLine(dir.File("sim"), "sim0", "3", open, &error);
}

void HubFixture::Command(const nlohmann::json& command) {
  local->Publish(Local("command"),
                 command.is_string() ? command.get<std::string>() : command.dump(), 1, false);
}

int HubFixture::Homesecctl(const std::string& arguments, const std::string& stdin_text,
                           std::string& output) {
  const std::string out_file = dir.File("homesecctl.out");
  const std::string in_file = dir.File("homesecctl.in");
  WriteFile(in_file, stdin_text);
  const std::string command = std::string(HOMESECCTL_PATH) + " --config " +
                              dir.File("homesec.json") + " " + arguments + " < " + in_file + " > " +
                              out_file + " 2>&1";
  const int status = std::system(command.c_str());
  output = ReadFile(out_file);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool HubFixture::WaitState(const std::string& mode, std::chrono::milliseconds timeout) {
  const auto until = Clock::now() + timeout;
  while (Clock::now() < until) {
    const auto states = local->Received(Local("state"));
    if (!states.empty() && states.back().payload == mode) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

std::optional<nlohmann::json> HubFixture::WaitResult(const std::string& request_id,
                                                     std::chrono::milliseconds timeout) {
  const auto found = local->WaitFor(
      Local("command/result"),
      [&](const Message& m) { return m.Json().value("request_id", "") == request_id; }, timeout);
  if (!found) return std::nullopt;
  return found->Json();
}

std::vector<nlohmann::json> HubFixture::UplinkEvents() {
  std::vector<nlohmann::json> events;
  for (const Message& m : platform->Received(Up("events"))) events.push_back(m.Json());
  return events;
}

std::optional<nlohmann::json> HubFixture::WaitUplinkEvent(const std::string& type,
                                                          std::chrono::milliseconds timeout) {
  const auto found = platform->WaitFor(
      Up("events"), [&](const Message& m) { return m.Json().value("type", "") == type; }, timeout);
  if (!found) return std::nullopt;
  return found->Json();
}

void HubFixture::SetAutoAck(bool on) {
  auto_ack_ = on;
  const std::string events = Up("events");
  const std::string ack = Up("ack");
  platform->OnMessage([on, events, ack](TestClient& client, const Message& m) {
    if (!on || m.topic != events) return;
    const nlohmann::json event = m.Json();
    if (!event.is_object() || !event.contains("id")) return;
    client.Publish(ack, nlohmann::json{{"id", event["id"]}, {"status", "received"}}.dump(), 1);
  });
}

}  // namespace homesec::testing
