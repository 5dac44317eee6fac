// homesec-relay: the floor for bench/latency. The same two broker hops as homesecd's alarm path
// (home broker -> process -> district broker) with nothing in between: every message on the home
// broker's --from filter (subscribed QoS 0, as homesecd subscribes to Zigbee2MQTT) is republished
// byte for byte, QoS 1, on the district broker's --to topic. One thread, one poll loop,
// TCP_NODELAY, no parsing, no storage. Prints "ready" once both subscriptions stand; stops on TERM
// or INT.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench/bench_mqtt.hpp"

namespace {

volatile sig_atomic_t stop_requested = 0;

void RequestStop(int) {
  stop_requested = 1;
}

}  // namespace

int main(int argc, char** argv) {
  int home_port = 0;
  int district_port = 0;
  std::string from = "zigbee2mqtt/#";
  std::string to;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    const std::string value = argv[i + 1];
    if (arg == "--home-port") {
      home_port = std::atoi(value.c_str());
    } else if (arg == "--district-port") {
      district_port = std::atoi(value.c_str());
    } else if (arg == "--from") {
      from = value;
    } else if (arg == "--to") {
      to = value;
    } else {
      home_port = 0;
      break;
    }
  }
  if (argc % 2 != 1 || home_port <= 0 || district_port <= 0 || to.empty()) {
    std::fputs("usage: homesec-relay --home-port P --district-port P --to TOPIC [--from FILTER]\n",
               stderr);
    return 2;
  }
  struct sigaction action {};
  action.sa_handler = RequestStop;  // no SA_RESTART: poll() returns EINTR and the loop stops
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);

  using homesec::bench::BenchClient;
  BenchClient home("bench-relay-home", false);
  BenchClient district("bench-relay-district", true);  // MQTT v5, as homesecd's uplink
  long relayed = 0;
  home.OnMessage([&](const homesec::bench::BenchMessage& m) {
    // Outside district's own callbacks: written to its socket at once.
    if (district.Publish(to, m.payload, 1)) ++relayed;
  });
  const std::vector<BenchClient*> clients{&home, &district};
  std::string error;
  if (!homesec::bench::ConnectAll(clients, {{home_port, from, 0}, {district_port, "", 0}},
                                  &error)) {
    std::fprintf(stderr, "relay: %s\n", error.c_str());
    return 1;
  }
  std::printf("ready\n");
  std::fflush(stdout);
  const bool ok = homesec::bench::RunUntil(
      clients, [] { return stop_requested != 0; }, homesec::bench::Clock::time_point::max());
  std::printf("relayed %ld messages\n", relayed);
  return ok ? 0 : 1;
}
