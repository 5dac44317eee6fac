// MqttClient against a real mosquitto: libmosquitto driven from the EventLoop, no threads.
#include <doctest/doctest.h>

#include <optional>
#include <vector>

#include "daemon/event_loop.hpp"
#include "daemon/mqtt_client.hpp"
#include "tests/integration/harness.hpp"

namespace homesec::testing {
namespace {

// Runs the loop until `done` holds or `timeout` passes; true when done.
bool RunUntil(EventLoop& loop, const std::function<bool()>& done, Millis timeout) {
  bool timed_out = false;
  const auto timer = loop.After(timeout, [&] {
    timed_out = true;
    loop.Stop();
  });
  const auto hook = loop.AddPrepareHook([&loop, &done, &timed_out] {
    if (!timed_out && done()) loop.Stop();
  });
  loop.Run();
  loop.RemovePrepareHook(hook);
  loop.Cancel(timer);
  return !timed_out;
}

MqttOptions Options(int port, const std::string& id) {
  MqttOptions options;
  options.name = id;
  options.client_id = id;
  options.port = port;
  options.mqtt_v5 = true;
  options.backoff_initial = Millis(50);
  options.backoff_max = Millis(200);
  return options;
}

}  // namespace

TEST_CASE("mqtt client: publishes QoS 1 and receives its own subscription through the loop") {
  TempDir dir;
  Broker broker(dir, "b");
  REQUIRE(broker.Start());
  std::string error;
  auto loop = EventLoop::Create(&error);
  REQUIRE(loop);
  std::vector<MqttMessage> received;
  std::vector<int> acked;
  MqttClient* self = nullptr;
  MqttCallbacks callbacks;
  callbacks.on_connect = [&] { self->Subscribe("t/#", 1); };
  callbacks.on_message = [&](const MqttMessage& m) { received.push_back(m); };
  callbacks.on_publish = [&](int mid) { acked.push_back(mid); };
  MqttClient client(*loop, Options(broker.port(), "c1"), callbacks);
  self = &client;
  client.Start();
  REQUIRE(RunUntil(
      *loop, [&] { return client.connected(); }, Millis(5000)));
  // Give the SUBACK a moment, then publish.
  RunUntil(
      *loop, [] { return false; }, Millis(100));
  int mid = 0;
  REQUIRE(client.Publish("t/x", "hello", 1, false, &mid));
  REQUIRE(RunUntil(
      *loop, [&] { return !received.empty() && !acked.empty(); }, Millis(5000)));
  CHECK(received[0].topic == "t/x");
  CHECK(received[0].payload == "hello");
  CHECK(acked[0] == mid);
}

TEST_CASE("mqtt client: reconnects after the broker restarts, the loop serving the new socket") {
  TempDir dir;
  Broker broker(dir, "b");
  REQUIRE(broker.Start());
  std::string error;
  auto loop = EventLoop::Create(&error);
  REQUIRE(loop);
  int disconnects = 0;
  std::vector<int> acked;
  MqttCallbacks callbacks;
  callbacks.on_disconnect = [&](const std::string&) { ++disconnects; };
  callbacks.on_publish = [&](int mid) { acked.push_back(mid); };
  MqttClient client(*loop, Options(broker.port(), "c2"), callbacks);
  client.Start();
  REQUIRE(RunUntil(
      *loop, [&] { return client.connected(); }, Millis(5000)));
  CHECK(loop->IsWatched(client.fd()));
  broker.Kill();
  REQUIRE(RunUntil(
      *loop, [&] { return !client.connected(); }, Millis(5000)));
  CHECK(disconnects >= 1);
  REQUIRE(broker.Start());
  REQUIRE(RunUntil(
      *loop, [&] { return client.connected(); }, Millis(5000)));
  // A second CONNACK, from a broker process that never saw the first connection: a new socket
  // (its number may be the old one's, reused). The loop watches it and carries a QoS 1 round
  // trip over it.
  CHECK(client.connects() == 2);
  REQUIRE(client.fd() >= 0);
  CHECK(loop->IsWatched(client.fd()));
  int mid = 0;
  REQUIRE(client.Publish("t/after-restart", "hello again", 1, false, &mid));
  REQUIRE(RunUntil(
      *loop, [&] { return !acked.empty(); }, Millis(5000)));
  CHECK(acked == std::vector<int>{mid});
}

TEST_CASE("mqtt client: the will is published when the connection dies") {
  TempDir dir;
  Broker broker(dir, "b");
  REQUIRE(broker.Start());
  TestClient watcher("watcher", broker.port());
  REQUIRE(watcher.Connect());
  REQUIRE(watcher.Subscribe("status"));
  std::string error;
  {
    auto loop = EventLoop::Create(&error);
    REQUIRE(loop);
    MqttOptions options = Options(broker.port(), "c3");
    options.will = MqttWill{"status", "offline", 1, true};
    MqttClient client(*loop, options, {});
    client.Start();
    REQUIRE(RunUntil(
        *loop, [&] { return client.connected(); }, Millis(5000)));
  }  // destroyed without DISCONNECT: the socket just closes
  CHECK(watcher.WaitFor(
      "status", [](const Message& m) { return m.payload == "offline"; }, 5s));
}

}  // namespace homesec::testing
