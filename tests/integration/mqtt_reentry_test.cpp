// The deadlock of issue 10, made to happen on purpose: a QoS 0 message is queued inside a
// libmosquitto callback (the heartbeat a platform status request asks for), then an alarm is
// published from outside any callback. That publish flushes the queued message, libmosquitto
// calls on_publish for it from inside mosquitto_publish with its own mutex held, and the
// uplink used to publish again right there: pthread_mutex_lock on a mutex the thread holds,
// for good. MqttClient now posts every callback to the loop. The scenario runs in a child
// process so that a deadlock fails the test instead of hanging it.
#include <doctest/doctest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "daemon/event_loop.hpp"
#include "daemon/mqtt_client.hpp"
#include "tests/integration/harness.hpp"

namespace homesec::testing {
namespace {

// Runs the loop until `done` holds or `timeout` passes; true when done.
bool LoopUntil(EventLoop& loop, const std::function<bool()>& done, Millis timeout) {
  bool timed_out = false;
  const auto timer = loop.After(timeout, [&] {
    timed_out = true;
    loop.Stop();
  });
  const auto hook = loop.AddPrepareHook([&] {
    if (!timed_out && done()) loop.Stop();
  });
  loop.Run();
  loop.RemovePrepareHook(hook);
  loop.Cancel(timer);
  return !timed_out;
}

// The child's scenario; its exit code says how far it got (0: every message arrived).
int RunScenario(int port) {
  TestClient observer("reentry-observer", port);
  if (!observer.Connect() || !observer.Subscribe("reentry/#")) return 10;
  std::string error;
  std::unique_ptr<EventLoop> loop = EventLoop::Create(&error);
  if (!loop) return 11;

  MqttOptions options;
  options.name = "reentry";
  options.client_id = "reentry-hub";
  options.port = port;
  options.mqtt_v5 = true;
  MqttClient* client = nullptr;
  bool subscribed = false;
  int pumps = 0;
  MqttCallbacks callbacks;
  callbacks.on_connect = [&] { subscribed = client->Subscribe("reentry/in", 1); };
  // A status request: answered with a QoS 0 heartbeat (the uplink's PublishHeartbeat).
  callbacks.on_message = [&](const MqttMessage&) {
    client->Publish("reentry/heartbeat", "beat", 0, false);
  };
  // A PUBACK or a QoS 0 publish done: send the next event (the uplink's Pump).
  callbacks.on_publish = [&](int) {
    if (pumps++ == 0) client->Publish("reentry/next", "next event", 1, false);
  };
  MqttClient mqtt(*loop, options, std::move(callbacks));
  client = &mqtt;
  mqtt.Start();
  if (!LoopUntil(
          *loop, [&] { return subscribed; }, Millis(5000)))
    return 12;
  // The SUBACK, and nothing else queued.
  LoopUntil(
      *loop, [] { return false; }, Millis(300));

  // The status request arrives; the client reads it by hand, as the loop would.
  if (!observer.Publish("reentry/in", "status_request", 1)) return 13;
  pollfd readable{mqtt.fd(), POLLIN, 0};
  if (poll(&readable, 1, 5000) != 1) return 14;
  mqtt.OnReadable();
  // An alarm, published from outside any callback, before the loop runs again.
  if (!mqtt.Publish("reentry/alarm", "burglary", 1, false)) return 15;

  const bool all = LoopUntil(
      *loop,
      [&] {
        return !observer.Received("reentry/alarm").empty() &&
               !observer.Received("reentry/heartbeat").empty() &&
               !observer.Received("reentry/next").empty();
      },
      Millis(5000));
  mqtt.Stop();
  return all ? 0 : 16;
}

}  // namespace

TEST_CASE(
    "mqtt client: publishing from on_publish while a QoS 0 message is queued never deadlocks") {
  TempDir dir;
  Broker broker(dir, "reentry");
  REQUIRE(broker.Start());
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) _exit(RunScenario(broker.port()));
  int status = 0;
  pid_t done = 0;
  const auto until = Clock::now() + 15s;
  while ((done = waitpid(child, &status, WNOHANG)) == 0 && Clock::now() < until) {
    std::this_thread::sleep_for(20ms);
  }
  if (done == 0) {
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    FAIL("the client hung for 15 s: deadlocked inside libmosquitto");
  }
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

}  // namespace homesec::testing
