// Hub-local broker confinement (issue 11), with the shipped packaging/mosquitto/hub-local.conf
// and hub-local.acl, a password file made with mosquitto_passwd, and the real homesecd and
// homesecctl logging in with their own accounts: an anonymous client cannot connect (so cannot
// read a PIN); Home Assistant, Zigbee2MQTT and homesecctl subscribed to "#" never see the command
// topic, where the PIN travels, while homesecd acts on it; nobody but Zigbee2MQTT can forge a
// sensor state or stop a siren; nobody can take homesecd's client id.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "rules/codes.hpp"
#include "store/store.hpp"
#include "tests/integration/broker_configs.hpp"
#include "tests/integration/harness.hpp"

#ifndef HOMESECD_PATH
#define HOMESECD_PATH HOMESEC_BINARY_DIR "/daemon/homesecd"
#endif
#ifndef HOMESECCTL_PATH
#define HOMESECCTL_PATH HOMESEC_BINARY_DIR "/tools/homesecctl"
#endif

namespace homesec::testing {
namespace {

constexpr const char* kHub = "home-hub";
constexpr const char* kPin = "806142";
constexpr int kNotAuthorized = 135;  // MQTT v5 reason code

std::string Local(const std::string& leaf) {
  return std::string("homesec/") + kHub + "/" + leaf;
}

// The accounts of hub-local.acl, with their test passwords.
const std::vector<std::pair<std::string, std::string>> kAccounts{
    {"homesecd", "pw-homesecd"},
    {"zigbee2mqtt", "pw-zigbee2mqtt"},
    {"homeassistant", "pw-homeassistant"},
    {"homesecctl", "pw-homesecctl"}};

std::string PasswordOf(const std::string& user) {
  for (const auto& [name, password] : kAccounts) {
    if (name == user) return password;
  }
  return "";
}

bool IsOnline(const Message& m) {
  return m.payload == "online";
}

bool ZoneIs(const Message& m, bool open) {
  const nlohmann::json zone = m.Json();
  return zone.is_object() && zone.value("status", "") != "unknown" &&
         zone.value("open", !open) == open;
}

// The hub-local broker as shipped, and (on demand) homesecd logged in as "homesecd".
class Home {
 public:
  Home() : broker(dir, "hub-local.conf", dir.File("local")) {}
  ~Home() {
    if (CurrentTestFailed()) PrintTail("homesecd log", dir.File("homesecd.log"));
    daemon.Kill();
  }

  bool Ready() { return MakePasswordFile(dir, kAccounts) && broker.Start(); }

  // A client logged in as `user` (its password unless given); nullptr if the broker refused it.
  std::unique_ptr<Peer> As(const std::string& user, const std::string& client_id = "",
                           std::optional<std::string> password = std::nullopt) {
    PeerOptions options;
    options.client_id = client_id.empty() ? "it-" + user : client_id;
    options.username = user;
    options.password = password.value_or(PasswordOf(user));
    auto peer = std::make_unique<Peer>(broker.port(), options);
    return peer->Connect() == 0 ? std::move(peer) : nullptr;
  }

  // homesecd with its own login, no uplink, two Zigbee contacts; `watcher` (Home Assistant) is
  // subscribed to the panel and sees it come online.
  bool StartDaemon(Peer& watcher) {
    using nlohmann::json;
    const json config{
        {"hub", {{"id", kHub}, {"name", "Home under test"}}},
        {"storage", {{"path", dir.File("homesec.db")}}},
        {"local_mqtt",
         {{"host", "127.0.0.1"},
          {"port", broker.port()},
          {"username", "homesecd"},
          {"password", PasswordOf("homesecd")}}},
        {"uplink", {{"enabled", false}}},
        {"devices", json::array({{{"id", "front_door"}, {"zigbee", "front_door"}},
                                 {{"id", "kitchen_window"}, {"zigbee", "kitchen_window"}}})},
        {"zones", json::array({{{"id", "front_door"},
                                {"type", "entry_exit"},
                                {"device", "front_door"},
                                {"property", "contact"}},
                               {{"id", "kitchen_window"},
                                {"type", "perimeter"},
                                {"device", "kitchen_window"},
                                {"property", "contact"}}})},
        {"modes", {{"armed_away", {{"exit_delay_s", 0}, {"entry_delay_s", 2}, {"siren_s", 3}}}}},
        {"sim_gpio_dir", dir.File("sim")}};
    WriteFile(dir.File("homesec.json"), config.dump(2));
    std::filesystem::create_directories(dir.File("sim"));
    if (!AddMasterUser(dir.File("homesec.db"), kPin)) return false;
    if (watcher.Subscribe("homesec/#") < 0) return false;
    if (!daemon.Start({HOMESECD_PATH, "--config", dir.File("homesec.json")},
                      dir.File("homesecd.log"))) {
      return false;
    }
    return watcher.WaitFor(Local("availability"), IsOnline, 10s).has_value();
  }

  // Zigbee2MQTT reports both contacts closed; waits until `watcher` sees both zones closed.
  bool AllClosed(Peer& z2m, Peer& watcher) {
    for (const char* device : {"front_door", "kitchen_window"}) {
      if (z2m.Publish(std::string("zigbee2mqtt/") + device, R"({"contact":true,"battery":97})") !=
          0) {
        return false;
      }
      if (!watcher.WaitFor(Local(std::string("zone/") + device),
                           [](const Message& m) { return ZoneIs(m, false); })) {
        return false;
      }
    }
    return true;
  }

  // Runs homesecctl with `args`, `stdin_text` on its stdin and `env` ("NAME=value ..." prefix);
  // returns its exit status, `output` = stdout + stderr.
  int Homesecctl(const std::string& env, const std::string& args, const std::string& stdin_text,
                 std::string* output) {
    WriteFile(dir.File("ctl.in"), stdin_text);
    const std::string command = env + " " + HOMESECCTL_PATH + " --config " +
                                dir.File("homesec.json") + " " + args + " < " + dir.File("ctl.in") +
                                " > " + dir.File("ctl.out") + " 2>&1";
    const int status = std::system(command.c_str());
    *output = ReadFile(dir.File("ctl.out"));
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  TempDir dir;
  ShippedBroker broker;
  Process daemon;
};

// True when `peer` got nothing on the command topic and no payload with the PIN in it.
bool SawNoPin(Peer& peer, const std::string& who) {
  bool clean = true;
  for (const Message& m : peer.All()) {
    const bool command_topic =
        m.topic.starts_with(Local("command")) && m.topic != Local("command/result");
    if (command_topic || m.payload.find(kPin) != std::string::npos) {
      MESSAGE(who << " saw " << m.topic << " " << m.payload);
      clean = false;
    }
  }
  return clean;
}

}  // namespace

TEST_CASE(
    "local broker confinement: an anonymous client, an unknown user or a wrong password "
    "cannot connect") {
  Home home;
  REQUIRE(home.Ready());
  // Anonymous: the client a PIN thief on the LAN or the hub would use.
  CHECK(std::make_unique<Peer>(home.broker.port(), PeerOptions{})->Connect() != 0);
  CHECK(home.As("mallory", "", std::string("guess")) == nullptr);
  CHECK(home.As("homesecd", "", std::string("pw-homeassistant")) == nullptr);
  CHECK(home.broker.LogCount("New client connected") == 0);
  // The control: the right password is accepted.
  CHECK(home.As("homeassistant") != nullptr);
}

TEST_CASE(
    "local broker confinement: a PIN published on the command topic reaches homesecd and no "
    "other client, even subscribed to #") {
  Home home;
  REQUIRE(home.Ready());
  auto ha = home.As("homeassistant");
  auto z2m = home.As("zigbee2mqtt");
  auto ctl = home.As("homesecctl");
  REQUIRE((ha && z2m && ctl));
  REQUIRE(home.StartDaemon(*ha));
  // Every one of them tries to listen in (the broker grants each subscription, and delivers only
  // what the ACL lets that client read).
  for (Peer* peer : {ha.get(), z2m.get(), ctl.get()}) {
    CHECK(peer->Subscribe("#") == 1);
    CHECK(peer->Subscribe("homesec/+/command") == 1);
    CHECK(peer->Subscribe("homesec/+/command/+") == 1);
  }
  REQUIRE(home.AllClosed(*z2m, *ha));

  // Home Assistant arms and homesecctl disarms, with the PIN: homesecd acts on both.
  REQUIRE(
      ha->Publish(Local("command/homeassistant"),
                  nlohmann::json{{"action", "ARM_AWAY"}, {"code", kPin}, {"request_id", "ha-arm"}}
                      .dump()) == 0);
  REQUIRE(ha->WaitFor(Local("state"), [](const Message& m) { return m.payload == "armed_away"; }));
  REQUIRE(ctl->Publish(
              Local("command/homesecctl"),
              nlohmann::json{{"action", "DISARM"}, {"code", kPin}, {"request_id", "ctl-disarm"}}
                  .dump()) == 0);
  const auto disarmed = ha->WaitFor(Local("command/result"), [](const Message& m) {
    return m.Json().value("request_id", "") == "ctl-disarm";
  });
  REQUIRE(disarmed);
  CHECK(disarmed->Json().value("accepted", false));
  // Markers each of them may read, sent after both commands were routed.
  REQUIRE(z2m->Marker("zigbee2mqtt/it-marker", "after the commands"));
  REQUIRE(ctl->Marker("homesecctl/it/sync", "after the commands"));
  CHECK(SawNoPin(*ha, "homeassistant"));
  CHECK(SawNoPin(*z2m, "zigbee2mqtt"));
  CHECK(SawNoPin(*ctl, "homesecctl"));
  // Zigbee2MQTT does not even see the panel's state; Home Assistant does.
  CHECK(z2m->Received(Local("state")).empty());
  CHECK_FALSE(ha->Received(Local("state")).empty());
}

TEST_CASE(
    "local broker confinement: Home Assistant reads every topic its homesec entities point at") {
  Home home;
  REQUIRE(home.Ready());
  auto ha = home.As("homeassistant");
  auto z2m = home.As("zigbee2mqtt");
  REQUIRE((ha && z2m));
  REQUIRE(ha->Subscribe("homeassistant/#") == 1);
  REQUIRE(home.StartDaemon(*ha));
  REQUIRE(home.AllClosed(*z2m, *ha));
  REQUIRE(z2m->Publish("zigbee2mqtt/bridge/state", R"({"state":"online"})", 1, true) == 0);
  REQUIRE(ha->WaitFor(Local("hub"), [](const Message& m) {
    return m.Json().value("bridge_online", nlohmann::json()) == true;
  }));
  // A refusal: the notice topic carries it.
  REQUIRE(ha->Publish(Local("command/homeassistant"),
                      R"({"action":"DISARM","code":"0000","request_id":"ha-wrong"})") == 0);
  REQUIRE(ha->WaitFor(Local("notice"), [](const Message& m) {
    return m.Json().value("event_type", "") == "invalid_code";
  }));
  std::set<std::string> topics;
  std::size_t configs = 0;
  for (const Message& m : ha->All()) {
    if (!m.topic.starts_with("homeassistant/") || m.payload.empty()) continue;
    const nlohmann::json config = m.Json();
    ++configs;
    for (const char* key : {"state_topic", "json_attributes_topic"}) {
      if (config.contains(key)) topics.insert(config[key].get<std::string>());
    }
    for (const nlohmann::json& entry : config.value("availability", nlohmann::json::array())) {
      topics.insert(entry["topic"].get<std::string>());
    }
  }
  CHECK(configs >= 10);
  // Each arrived: the ACL lets homesecd write it and Home Assistant read it.
  for (const std::string& topic : topics) {
    INFO("Home Assistant reads " << topic);
    CHECK_FALSE(ha->Received(topic).empty());
  }
}

TEST_CASE(
    "local broker confinement: only Zigbee2MQTT writes zigbee2mqtt/#: a sensor state or siren "
    "stop forged by another client changes nothing") {
  Home home;
  REQUIRE(home.Ready());
  auto ha = home.As("homeassistant");
  auto z2m = home.As("zigbee2mqtt");
  auto ctl = home.As("homesecctl");
  REQUIRE((ha && z2m && ctl));
  REQUIRE(z2m->Subscribe("zigbee2mqtt/#") == 1);
  REQUIRE(home.StartDaemon(*ha));
  REQUIRE(home.AllClosed(*z2m, *ha));

  const std::string open = R"({"contact":false,"battery":97})";
  CHECK(ha->Publish("zigbee2mqtt/front_door", open) == kNotAuthorized);
  CHECK(ctl->Publish("zigbee2mqtt/front_door", open) == kNotAuthorized);
  CHECK(ha->Publish("zigbee2mqtt/hall_siren/set", R"({"warning":{"mode":"stop"}})") ==
        kNotAuthorized);
  CHECK(ha->Publish("zigbee2mqtt/bridge/request/permit_join", R"({"value":true})") ==
        kNotAuthorized);
  // Zigbee2MQTT's own report, after the forgeries, does reach homesecd.
  REQUIRE(z2m->Publish("zigbee2mqtt/kitchen_window", open) == 0);
  REQUIRE(
      ha->WaitFor(Local("zone/kitchen_window"), [](const Message& m) { return ZoneIs(m, true); }));
  const std::vector<Message> door = ha->Received(Local("zone/front_door"));
  REQUIRE_FALSE(door.empty());
  CHECK(ZoneIs(door.back(), false));
  // Zigbee2MQTT itself never got the forged siren stop or permit_join.
  for (const Message& m : z2m->All()) {
    CHECK(m.topic.find("hall_siren") == std::string::npos);
    CHECK(m.topic.find("permit_join") == std::string::npos);
  }
}

TEST_CASE(
    "local broker confinement: each account writes only its own command topic, and nobody the "
    "shared one") {
  Home home;
  REQUIRE(home.Ready());
  auto ha = home.As("homeassistant");
  auto z2m = home.As("zigbee2mqtt");
  auto ctl = home.As("homesecctl");
  REQUIRE((ha && z2m && ctl));
  const std::string disarm = R"({"action":"DISARM","code":"000000","request_id":"x"})";
  CHECK(ha->Publish(Local("command/homesecctl"), disarm) == kNotAuthorized);
  CHECK(ctl->Publish(Local("command/homeassistant"), disarm) == kNotAuthorized);
  for (Peer* peer : {ha.get(), z2m.get(), ctl.get()}) {
    CHECK(peer->Publish(Local("command"), disarm) == kNotAuthorized);
    CHECK(peer->Publish(Local("command/mallory"), disarm) == kNotAuthorized);
  }
  CHECK(z2m->Publish(Local("command/zigbee2mqtt"), disarm) == kNotAuthorized);
  // The controls: each on its own topic.
  CHECK(ha->Publish(Local("command/homeassistant"), disarm) == 0);
  CHECK(ctl->Publish(Local("command/homesecctl"), disarm) == 0);
}

TEST_CASE(
    "security: 50 wrong codes from Home Assistant's account do not lock out homesecctl's correct "
    "code") {
  Home home;
  REQUIRE(home.Ready());
  auto ha = home.As("homeassistant");
  auto z2m = home.As("zigbee2mqtt");
  REQUIRE((ha && z2m));
  REQUIRE(home.StartDaemon(*ha));
  REQUIRE(home.AllClosed(*z2m, *ha));
  WriteFile(home.dir.File("ctl.mqtt"),
            "username=homesecctl\npassword=" + PasswordOf("homesecctl") + "\n");
  const std::string env = "HOMESECCTL_MQTT_CREDENTIALS=" + home.dir.File("ctl.mqtt");
  std::string output;
  REQUIRE(home.Homesecctl(env, "arm away --pin-stdin", std::string(kPin) + "\n", &output) == 0);
  REQUIRE(ha->WaitFor(Local("state"), [](const Message& m) { return m.payload == "armed_away"; }));

  // Whoever holds Home Assistant's login guesses 50 times, then tries the right code too.
  auto result_of = [&ha](const std::string& id) {
    return ha->WaitFor(Local("command/result"),
                       [id](const Message& m) { return m.Json().value("request_id", "") == id; });
  };
  for (int i = 0; i < 50; ++i) {
    const nlohmann::json guess{{"action", "DISARM"},
                               {"code", "00" + std::to_string(1000 + i)},
                               {"request_id", "g" + std::to_string(i)}};
    REQUIRE(ha->Publish(Local("command/homeassistant"), guess.dump()) == 0);
  }
  const auto last_guess = result_of("g49");
  REQUIRE(last_guess);
  CHECK(last_guess->Json().value("reason", "") == "locked_out");
  REQUIRE(
      ha->Publish(
          Local("command/homeassistant"),
          nlohmann::json{{"action", "DISARM"}, {"code", kPin}, {"request_id", "ha-pin"}}.dump()) ==
      0);
  const auto ha_pin = result_of("ha-pin");
  REQUIRE(ha_pin);
  CHECK_FALSE(ha_pin->Json().value("accepted", true));
  CHECK(ha_pin->Json().value("reason", "") == "locked_out");

  // homesecctl, its own account and topic: its correct code disarms.
  CHECK(home.Homesecctl(env, "disarm --pin-stdin", std::string(kPin) + "\n", &output) == 0);
  INFO(output);
  CHECK(ha->WaitFor(Local("state"), [](const Message& m) { return m.payload == "disarmed"; }));
}

TEST_CASE("local broker confinement: no client can take homesecd's client id and disconnect it") {
  Home home;
  REQUIRE(home.Ready());
  auto ha = home.As("homeassistant");
  REQUIRE(ha);
  REQUIRE(home.StartDaemon(*ha));
  // homesecd asked for "homesecd-home-hub" and got its username.
  CHECK(home.broker.LogCount("as homesecd (p5, c1, k30, u'homesecd')") == 1);

  for (const char* stolen : {"homesecd-home-hub", "homesecd"}) {
    auto thief = home.As("homesecctl", stolen);
    REQUIRE(thief);
  }
  CHECK(home.broker.LogCount("Client homesecd already connected") == 0);
  // homesecd never went offline, and still answers.
  REQUIRE(ha->Publish(Local("command/homeassistant"),
                      R"({"action":"ARM_AWAY","request_id":"no-code"})") == 0);
  CHECK(ha->WaitFor(Local("command/result"), [](const Message& m) {
    return m.Json().value("request_id", "") == "no-code";
  }));
  for (const Message& m : ha->Received(Local("availability"))) CHECK(m.payload == "online");
}

TEST_CASE(
    "local broker confinement: homesecctl logs in with its own account, never with homesecd's") {
  Home home;
  REQUIRE(home.Ready());
  auto ha = home.As("homeassistant");
  auto z2m = home.As("zigbee2mqtt");
  REQUIRE((ha && z2m));
  REQUIRE(home.StartDaemon(*ha));
  REQUIRE(home.AllClosed(*z2m, *ha));
  WriteFile(home.dir.File("ctl.mqtt"), "# homesecctl's login\nusername=homesecctl\npassword=" +
                                           PasswordOf("homesecctl") + "\n");
  const std::string env = "HOMESECCTL_MQTT_CREDENTIALS=" + home.dir.File("ctl.mqtt");

  std::string output;
  CHECK(home.Homesecctl(env, "status", "", &output) == 0);
  INFO(output);
  CHECK(output.find("disarmed") != std::string::npos);
  CHECK(home.Homesecctl(env, "arm away --pin-stdin", std::string(kPin) + "\n", &output) == 0);
  CHECK(ha->WaitFor(Local("state"), [](const Message& m) { return m.payload == "armed_away"; }));
  CHECK(home.Homesecctl(env, "disarm --pin-stdin", std::string(kPin) + "\n", &output) == 0);
  CHECK(ha->WaitFor(Local("state"), [](const Message& m) { return m.payload == "disarmed"; }));
  // It was homesecctl on the broker, and homesecd was never pushed off.
  CHECK(home.broker.LogCount("u'homesecctl'") >= 3);
  CHECK(home.broker.LogCount("Client homesecd already connected") == 0);

  // A wrong password: refused, and the message says where the login comes from.
  WriteFile(home.dir.File("bad.mqtt"), "username=homesecctl\npassword=wrong\n");
  CHECK(home.Homesecctl("HOMESECCTL_MQTT_CREDENTIALS=" + home.dir.File("bad.mqtt"), "status", "",
                        &output) == 3);
  CHECK(output.find(home.dir.File("bad.mqtt")) != std::string::npos);
  // No login of its own: homesecctl does not borrow homesecd's from the config.
  if (!std::filesystem::exists("/etc/homesec/homesecctl.mqtt")) {
    CHECK(home.Homesecctl("HOMESECCTL_MQTT_CREDENTIALS=", "status", "", &output) == 3);
    CHECK(output.find("/etc/homesec/homesecctl.mqtt") != std::string::npos);
    CHECK(home.broker.LogCount("Client homesecd already connected") == 0);
  }
}

TEST_CASE(
    "local broker confinement: the optional Zigbee2MQTT block for Home Assistant still hides "
    "keypad PINs and sirens") {
  Home home;
  // The block as README.md says to enable it: uncommented, with the home's keypad and siren.
  int uncommented = 0;
  home.broker.acl_edit = [&uncommented](std::string acl) {
    for (const char* line :
         {"topic read zigbee2mqtt/#", "topic deny zigbee2mqtt/hall_keypad",
          "topic write zigbee2mqtt/+/set", "topic deny zigbee2mqtt/hall_siren/set"}) {
      const std::string commented = std::string("#") + line + "\n";
      const std::size_t at = acl.find(commented);
      if (at != std::string::npos) {
        acl.erase(at, 1);
        ++uncommented;
      }
    }
    return acl;
  };
  REQUIRE(home.Ready());
  REQUIRE(uncommented == 4);
  auto ha = home.As("homeassistant");
  auto z2m = home.As("zigbee2mqtt");
  REQUIRE((ha && z2m));
  REQUIRE(ha->Subscribe("zigbee2mqtt/#") == 1);
  REQUIRE(z2m->Subscribe("zigbee2mqtt/#") == 1);

  REQUIRE(z2m->Publish("zigbee2mqtt/hall_keypad",
                       R"({"action":"disarm","action_code":"806142"})") == 0);
  REQUIRE(z2m->Publish("zigbee2mqtt/front_door", R"({"contact":true})") == 0);
  REQUIRE(ha->WaitFor("zigbee2mqtt/front_door", [](const Message&) { return true; }));
  CHECK(ha->Received("zigbee2mqtt/hall_keypad").empty());
  CHECK(ha->Publish("zigbee2mqtt/hall_siren/set", R"({"warning":{"mode":"stop"}})") ==
        kNotAuthorized);
  CHECK(ha->Publish("zigbee2mqtt/living_room_lamp/set", R"({"state":"ON"})") == 0);
  REQUIRE(z2m->WaitFor("zigbee2mqtt/living_room_lamp/set", [](const Message&) { return true; }));
  CHECK(z2m->Received("zigbee2mqtt/hall_siren/set").empty());
}

}  // namespace homesec::testing
