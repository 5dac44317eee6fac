// District broker confinement (issue 11), with the shipped packaging/mosquitto/district.conf and
// district.acl and certificates minted by scripts/mint-certs: each attack by hub A (a valid
// district certificate, CN hub-a) on hub B — publishing as B, reading B's acks, commands and
// vacant-house registration, acting as the platform, taking B's client id — works on an open
// broker and gets nothing through here, asserted at the platform and at hub B (the real homesecd
// where its reaction is the evidence). A denied subscription is proven empty by a marker the same
// subscriber does receive afterwards. Clients without a certificate, or with one from another CA,
// never connect.
#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/broker_configs.hpp"
#include "tests/integration/harness.hpp"

#ifndef HOMESECD_PATH
#define HOMESECD_PATH HOMESEC_BINARY_DIR "/daemon/homesecd"
#endif

namespace homesec::testing {
namespace {

constexpr const char* kDistrict = "qd-test";
constexpr const char* kHubA = "hub-a";
constexpr const char* kHubB = "hub-b";
constexpr int kNotAuthorized = 135;  // MQTT v5 reason code (PUBACK, CONNACK)

std::string Up(const std::string& hub, const std::string& leaf) {
  return std::string("homesec/v1/") + kDistrict + "/" + hub + "/" + leaf;
}

std::string LocalB(const std::string& leaf) {
  return std::string("homesec/") + kHubB + "/" + leaf;
}

bool IsOnline(const Message& m) {
  return m.payload == "online";
}

// The district broker as shipped, the PKI for hub-a and hub-b, and (on demand) the real homesecd
// as hub B with its own plain home broker.
class District {
 public:
  District() : home(dir, "home"), broker(dir, "district.conf", dir.File("pki")) {}
  ~District() {
    if (CurrentTestFailed()) PrintTail("homesecd (hub-b) log", dir.File("homesecd.log"));
    daemon.Kill();
  }

  bool Ready() { return MintCerts(dir, {kHubA, kHubB}) && broker.Start(); }

  // A client of the district broker with pki/<cert>.pem and .key (empty: no certificate).
  std::unique_ptr<Peer> Client(const std::string& cert, const std::string& client_id = "",
                               const std::string& ca = "ca") {
    PeerOptions options;
    options.client_id = client_id;
    options.ca = dir.File("pki/" + ca + ".pem");
    if (!cert.empty()) {
      options.cert = dir.File("pki/" + cert + ".pem");
      options.key = dir.File("pki/" + cert + ".key");
    }
    return std::make_unique<Peer>(broker.port(), options);
  }
  // A connected hub (pki/hubs/<hub>) or platform; nullptr if the broker refused it.
  std::unique_ptr<Peer> Hub(const std::string& hub, const std::string& client_id = "") {
    auto peer = Client("hubs/" + hub, client_id.empty() ? "homesec-" + hub : client_id);
    return peer->Connect() == 0 ? std::move(peer) : nullptr;
  }
  std::unique_ptr<Peer> Platform() {
    auto peer = Client("platform", "platform-receiver");
    return peer->Connect() == 0 ? std::move(peer) : nullptr;
  }

  // homesecd as hub B: its minted certificate on the uplink, a plain home broker, one Zigbee
  // PIR whose tamper switch is a 24-hour zone. Waits until `platform` sees it online and the
  // local observer is subscribed.
  bool StartHubB(Peer& platform) {
    using nlohmann::json;
    if (!home.Start()) return false;
    local = std::make_unique<TestClient>("district-it-local", home.port());
    if (!local->Connect() || !local->Subscribe(LocalB("#"))) return false;
    const json config{{"hub", {{"id", kHubB}, {"district", kDistrict}, {"name", "Flat B"}}},
                      {"storage", {{"path", dir.File("hub-b.db")}}},
                      {"local_mqtt", {{"host", "127.0.0.1"}, {"port", home.port()}}},
                      {"uplink",
                       {{"host", "127.0.0.1"},
                        {"port", broker.port()},
                        {"heartbeat_s", 86400},
                        {"tls",
                         {{"ca", dir.File("pki/ca.pem")},
                          {"cert", dir.File("pki/hubs/hub-b.pem")},
                          {"key", dir.File("pki/hubs/hub-b.key")}}}}},
                      {"devices", json::array({{{"id", "hall_pir"}, {"zigbee", "hall_pir"}}})},
                      {"zones", json::array({{{"id", "hall_tamper"},
                                              {"type", "tamper_24h"},
                                              {"device", "hall_pir"},
                                              {"property", "tamper"}}})}};
    WriteFile(dir.File("hub-b.json"), config.dump(2));
    if (!daemon.Start({HOMESECD_PATH, "--config", dir.File("hub-b.json")},
                      dir.File("homesecd.log"))) {
      return false;
    }
    return platform.WaitFor(Up(kHubB, "status"), IsOnline, 15s).has_value() &&
           local->WaitFor(LocalB("availability"), IsOnline, 10s).has_value();
  }

  // Waits for hub B's local result of the command with `request_id`.
  std::optional<Message> WaitResultB(const std::string& request_id) {
    return local->WaitFor(
        LocalB("command/result"),
        [&](const Message& m) { return m.Json().value("request_id", "") == request_id; }, 10s);
  }

  // Heartbeats of hub B the platform got so far; after a status_request from the platform,
  // waits for the next one and returns its "outbox".
  int OutboxAfterStatusRequest(Peer& platform) {
    const std::size_t before = platform.Received(Up(kHubB, "heartbeat")).size();
    if (platform.Publish(Up(kHubB, "command"), R"({"action":"status_request"})") != 0) return -1;
    const auto until = Clock::now() + 10s;
    while (Clock::now() < until) {
      const std::vector<Message> beats = platform.Received(Up(kHubB, "heartbeat"));
      if (beats.size() > before) return beats.back().Json().value("outbox", -1);
      std::this_thread::sleep_for(10ms);
    }
    return -1;
  }

  TempDir dir;
  Broker home;
  ShippedBroker broker;
  Process daemon;
  std::unique_ptr<TestClient> local;  // hub B's home broker, the resident's view
};

// True when no message `peer` received is about `hub`.
bool NothingAbout(Peer& peer, const std::string& hub) {
  for (const Message& m : peer.All()) {
    if (m.topic.find("/" + hub + "/") != std::string::npos) {
      MESSAGE("unexpected: " << m.topic << " " << m.payload);
      return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE(
    "district broker confinement: a client without a certificate, with one from another CA, "
    "or without TLS cannot connect") {
  District district;
  REQUIRE(district.Ready());

  // TLS, trusting the broker, but no client certificate: the handshake fails.
  CHECK(district.Client("")->Connect() != 0);
  // A certificate with hub-a's CN from the rogue CA: refused.
  CHECK(district.Client("rogue/hub-a")->Connect() != 0);
  // Plain MQTT on the TLS port.
  CHECK(std::make_unique<Peer>(district.broker.port(), PeerOptions{})->Connect(3s) != 0);
  CHECK(district.broker.LogCount("New client connected") == 0);

  // The control: hub-a's real certificate connects, and the broker names it by its CN.
  REQUIRE(district.Hub(kHubA) != nullptr);
  CHECK(district.broker.LogCount("as hub-a (p5, c1, k30, u'hub-a')") == 1);
}

TEST_CASE(
    "district broker confinement: hub A cannot publish on hub B's events, status, heartbeat "
    "or watch") {
  District district;
  REQUIRE(district.Ready());
  auto platform = district.Platform();
  REQUIRE(platform);
  REQUIRE(platform->Subscribe("homesec/v1/#") == 1);
  auto a = district.Hub(kHubA);
  REQUIRE(a);

  const std::string forged =
      R"({"category":"alarm","id":"hub-b:39","type":"burglary","zone":"front_door"})";
  CHECK(a->Publish(Up(kHubB, "events"), forged) == kNotAuthorized);
  CHECK(a->Publish(Up(kHubB, "status"), "offline", 1, true) == kNotAuthorized);
  CHECK(a->Publish(Up(kHubB, "heartbeat"), R"({"hub":"hub-b","outbox":0})") == kNotAuthorized);
  CHECK(a->Publish(Up(kHubB, "watch"), "", 1, true) == kNotAuthorized);
  // Under another district too: the hub id level is what confines.
  CHECK(a->Publish("homesec/v1/other-district/hub-b/events", forged) == kNotAuthorized);
  // Hub A's own events do go through, and arrive after anything published before them.
  CHECK(a->Publish(Up(kHubA, "events"), R"({"id":"hub-a:1","type":"test"})") == 0);
  REQUIRE(platform->WaitFor(Up(kHubA, "events"), [](const Message&) { return true; }));

  CHECK(NothingAbout(*platform, kHubB));
  // Nothing retained either: a platform subscribing afresh gets no forged status or watch.
  platform.reset();
  auto fresh = district.Platform();
  REQUIRE(fresh);
  REQUIRE(fresh->Subscribe("homesec/v1/#") == 1);
  REQUIRE(a->Publish(Up(kHubA, "status"), "online", 1, true) == 0);
  REQUIRE(fresh->WaitFor(Up(kHubA, "status"), IsOnline));
  CHECK(NothingAbout(*fresh, kHubB));
}

TEST_CASE("district broker confinement: hub A cannot read hub B's ack or command") {
  District district;
  REQUIRE(district.Ready());
  auto platform = district.Platform();
  auto a = district.Hub(kHubA);
  auto b = district.Hub(kHubB);
  REQUIRE((platform && a && b));
  // The broker grants every subscription; what it delivers is what the ACL lets each read.
  for (const char* topic : {"homesec/v1/qd-test/hub-b/ack", "homesec/v1/qd-test/hub-b/command",
                            "homesec/v1/+/+/ack", "homesec/v1/+/+/command"}) {
    CHECK(a->Subscribe(topic) == 1);
  }
  REQUIRE(b->Subscribe(Up(kHubB, "ack")) == 1);
  REQUIRE(b->Subscribe(Up(kHubB, "command")) == 1);

  CHECK(platform->Publish(Up(kHubB, "ack"), R"({"id":"hub-b:7","status":"dispatched"})") == 0);
  CHECK(platform->Publish(Up(kHubB, "command"), R"({"action":"silence_siren"})") == 0);
  // Hub B gets both ...
  CHECK(b->WaitFor(Up(kHubB, "ack"), [](const Message&) { return true; }));
  CHECK(b->WaitFor(Up(kHubB, "command"), [](const Message&) { return true; }));
  // ... hub A only the platform's message to itself, sent after them.
  CHECK(platform->Publish(Up(kHubA, "command"), R"({"action":"status_request"})") == 0);
  REQUIRE(a->WaitFor(Up(kHubA, "command"), [](const Message&) { return true; }));
  CHECK(NothingAbout(*a, kHubB));
}

TEST_CASE(
    "district broker confinement: hub A subscribing to +/+/watch, +/+/events, $share or # "
    "receives nothing of other hubs") {
  District district;
  REQUIRE(district.Ready());
  auto platform = district.Platform();
  auto a = district.Hub(kHubA);
  auto b = district.Hub(kHubB);
  REQUIRE((platform && a && b));
  // Hub B's vacant-house registration is retained; its events flow while A listens.
  const std::string registration =
      R"({"hub":"hub-b","watch_id":"w-1","departure":"2026-12-01T08:00:00.000Z","return":"2026-12-20T18:00:00.000Z"})";
  REQUIRE(b->Publish(Up(kHubB, "watch"), registration, 1, true) == 0);

  for (const char* topic :
       {"#", "homesec/v1/+/+/watch", "homesec/v1/+/+/events", "homesec/v1/+/+/status",
        "$share/spy/homesec/v1/+/+/events", "$SYS/#"}) {
    CHECK(a->Subscribe(topic) == 1);
  }
  REQUIRE(b->Publish(Up(kHubB, "events"), R"({"id":"hub-b:1","type":"burglary"})") == 0);
  REQUIRE(b->Publish(Up(kHubB, "status"), "online", 1, true) == 0);
  // The marker hub A may read, sent after all of that.
  REQUIRE(platform->Publish(Up(kHubA, "ack"), R"({"id":"hub-a:1","status":"received"})") == 0);
  REQUIRE(a->WaitFor(Up(kHubA, "ack"), [](const Message&) { return true; }));
  CHECK(NothingAbout(*a, kHubB));

  // The control: the platform reads the retained registration.
  REQUIRE(platform->Subscribe("homesec/v1/+/+/watch") == 1);
  const auto watch = platform->WaitFor(Up(kHubB, "watch"), [](const Message&) { return true; });
  REQUIRE(watch);
  CHECK(watch->payload == registration);
  CHECK(watch->retained);
}

TEST_CASE(
    "district broker confinement: a forged ack from a non-platform identity does not remove "
    "the event") {
  District district;
  REQUIRE(district.Ready());
  auto platform = district.Platform();
  REQUIRE(platform);
  REQUIRE(platform->Subscribe("homesec/v1/+/+/#") == 1);
  REQUIRE(district.StartHubB(*platform));
  auto a = district.Hub(kHubA);
  REQUIRE(a);

  district.local->Publish("zigbee2mqtt/hall_pir", R"({"occupancy":false,"tamper":true})", 0);
  const auto tamper = platform->WaitFor(
      Up(kHubB, "events"), [](const Message& m) { return m.Json().value("type", "") == "tamper"; },
      10s);
  REQUIRE(tamper);
  const std::string id = tamper->Json().value("id", "");
  const int outbox = district.OutboxAfterStatusRequest(*platform);
  REQUIRE(outbox >= 1);

  // Hub A acks hub B's alarm as if it were the platform: dropped by the broker.
  const std::string ack = nlohmann::json{{"id", id}, {"status", "received"}}.dump();
  CHECK(a->Publish(Up(kHubB, "ack"), ack) == kNotAuthorized);
  CHECK(district.OutboxAfterStatusRequest(*platform) == outbox);
  // The platform's ack does remove it.
  REQUIRE(platform->Publish(Up(kHubB, "ack"), ack) == 0);
  CHECK(district.OutboxAfterStatusRequest(*platform) == outbox - 1);
  CHECK(district.daemon.running());
}

TEST_CASE(
    "district broker confinement: hub A cannot send hub B a command (silence_siren, "
    "patrol_check_in), only the platform can") {
  District district;
  REQUIRE(district.Ready());
  auto platform = district.Platform();
  REQUIRE(platform);
  REQUIRE(platform->Subscribe("homesec/v1/+/+/#") == 1);
  REQUIRE(district.StartHubB(*platform));
  auto a = district.Hub(kHubA);
  REQUIRE(a);

  CHECK(a->Publish(Up(kHubB, "command"), R"({"action":"silence_siren","request_id":"forged-1"})") ==
        kNotAuthorized);
  CHECK(a->Publish(Up(kHubB, "command"),
                   R"({"action":"patrol_check_in","officer":"patrol 7","note":"all quiet",)"
                   R"("request_id":"forged-2"})") == kNotAuthorized);
  // Hub B answers every uplink command it acts on with a local result, in order: the
  // platform's comes after anything it got from hub A.
  REQUIRE(platform->Publish(Up(kHubB, "command"),
                            R"({"action":"patrol_check_in","officer":"patrol 9",)"
                            R"("request_id":"platform-1"})") == 0);
  REQUIRE(district.WaitResultB("platform-1"));
  for (const Message& m : district.local->Received(LocalB("command/result"))) {
    CHECK(m.Json().value("request_id", "") == "platform-1");
  }
  for (const Message& m : district.local->Received(LocalB("event"))) {
    CHECK(m.payload.find("all quiet") == std::string::npos);
  }
}

TEST_CASE(
    "district broker confinement: a hub cannot take another hub's client id and disconnect it") {
  District district;
  REQUIRE(district.Ready());
  auto platform = district.Platform();
  REQUIRE(platform);
  REQUIRE(platform->Subscribe("homesec/v1/+/+/#") == 1);
  REQUIRE(district.StartHubB(*platform));
  // The broker forces the client id to the certificate's CN, which the ACL patterns use.
  CHECK(district.broker.LogCount("as hub-b (p5, c1, k30, u'hub-b')") == 1);

  // Hub A asks for hub B's client id, both the daemon's and the CN: it gets its own each time.
  for (const char* stolen : {"homesec-hub-b", "hub-b"}) {
    auto a = district.Hub(kHubA, stolen);
    REQUIRE(a);
    CHECK(a->Publish(Up(kHubA, "heartbeat"), "{}", 0) == 0);
  }
  CHECK(district.broker.LogCount("Client hub-b already connected") == 0);
  CHECK(district.broker.LogCount("as hub-b (") == 1);
  CHECK(district.broker.LogCount("as homesec-hub-b") == 0);
  // Hub B never went offline and still answers the platform.
  REQUIRE(platform->Publish(Up(kHubB, "command"),
                            R"({"action":"patrol_check_in","request_id":"still-there"})") == 0);
  CHECK(district.WaitResultB("still-there"));
  const std::vector<Message> statuses = platform->Received(Up(kHubB, "status"));
  REQUIRE(statuses.size() == 1);
  CHECK(statuses[0].payload == "online");
}

TEST_CASE(
    "district broker confinement: homesecd with its minted certificate delivers alarms, "
    "status and heartbeats and takes the platform's acks through the shipped ACL") {
  District district;
  REQUIRE(district.Ready());
  auto platform = district.Platform();
  REQUIRE(platform);
  REQUIRE(platform->Subscribe("$share/receivers/homesec/v1/+/+/events") == 1);
  REQUIRE(platform->Subscribe("homesec/v1/+/+/status") == 1);
  REQUIRE(platform->Subscribe("homesec/v1/+/+/heartbeat") == 1);
  REQUIRE(district.StartHubB(*platform));
  REQUIRE(platform->WaitFor(Up(kHubB, "heartbeat"),
                            [](const Message& m) { return m.Json().value("hub", "") == kHubB; }));

  district.local->Publish("zigbee2mqtt/hall_pir", R"({"occupancy":false,"tamper":true})", 0);
  const auto tamper = platform->WaitFor(
      Up(kHubB, "events"), [](const Message& m) { return m.Json().value("type", "") == "tamper"; },
      10s);
  REQUIRE(tamper);
  const std::string id = tamper->Json().value("id", "");
  CHECK(id.rfind("hub-b:", 0) == 0);
  REQUIRE(platform->Publish(
              Up(kHubB, "ack"),
              nlohmann::json{{"id", id}, {"status", "dispatched"}, {"note", "patrol 7"}}.dump()) ==
          0);
  const auto dispatch = district.local->WaitFor(
      LocalB("dispatch"), [&](const Message& m) { return m.Json().value("id", "") == id; }, 10s);
  REQUIRE(dispatch);
  CHECK(dispatch->Json()["status"] == "dispatched");
}

}  // namespace homesec::testing
