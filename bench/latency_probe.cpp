// homesec-latency-probe: measures sensor message -> alarm on the uplink. It plays Zigbee2MQTT on
// the home broker and the district platform on the district broker, in one thread: publishes a
// sensor's "open" payload on <base>/<device> (QoS 0, as Zigbee2MQTT does), waits for the matching
// message on the path's events topic (QoS 1 subscription, as a platform), records publish ->
// arrival, acknowledges every event like a platform ({"id", "status": "received"} on the ack
// topic), then closes the sensor, waits for that to come through too and lets everything settle
// for --gap-ms before the next alarm. One alarm is in flight at a time: this measures latency,
// not throughput.
//
// Each --path is one way from the home broker to the district broker:
//   --path LABEL:hub:BASE:EVENTS_TOPIC:ACK_TOPIC   through homesecd: an event with
//       "category": "alarm" and "zone": <device> (zone ids equal device ids in the bench config)
//       is the alarm; an "alarm_restore" event for the zone settles the close.
//   --path LABEL:relay:BASE:EVENTS_TOPIC            through bench/relay: the open payload itself,
//       byte for byte; the close payload settles the close.
// With several paths the probe takes turns (path 1 alarm, path 2 alarm, path 1 ...), so every
// path sees the same machine: on a shared machine a floor measured a minute apart from the hub
// is not the same floor.
//
// Prints p50/p90/p99/max per path and writes each path's samples (ms, one per line) to
// <--samples-dir>/<label>.samples if given. Exit status 0 only if every measured alarm arrived.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_mqtt.hpp"

namespace {

using homesec::bench::BenchClient;
using homesec::bench::BenchMessage;
using homesec::bench::Clock;
using homesec::bench::RunUntil;

struct Path {
  std::string label;
  bool hub = true;  // homesecd's events; false: relayed payloads
  std::string base;
  std::string events_topic;
  std::string ack_topic;  // empty: acknowledge nothing
};

struct Options {
  int home_port = 0;
  int district_port = 0;
  std::vector<Path> paths;
  std::vector<std::string> devices{"bench_00"};
  std::string open_payload = R"({"tamper":true})";
  std::string close_payload = R"({"tamper":false})";
  int count = 1000;
  int warmup = 20;
  int gap_ms = 20;
  int timeout_ms = 5000;
  std::string samples_dir;
};

const char* const kUsage =
    "usage: homesec-latency-probe --home-port P --district-port P\n"
    "         --path LABEL:hub:BASE:EVENTS_TOPIC:ACK_TOPIC | --path LABEL:relay:BASE:EVENTS_TOPIC\n"
    "         [--path ...] [--devices a,b,...] [--open JSON] [--close JSON] [--count 1000]\n"
    "         [--warmup 20] [--gap-ms 20] [--timeout-ms 5000] [--samples-dir DIR]\n";

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, separator)) parts.push_back(part);
  return parts;
}

std::optional<Path> ParsePath(const std::string& text) {
  const std::vector<std::string> f = Split(text, ':');
  if (f.size() < 4 || f[0].empty() || f[2].empty() || f[3].empty()) return std::nullopt;
  if (f[1] == "hub" && f.size() == 5 && !f[4].empty()) return Path{f[0], true, f[2], f[3], f[4]};
  if (f[1] == "relay" && f.size() == 4) return Path{f[0], false, f[2], f[3], ""};
  return std::nullopt;
}

std::optional<Options> ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return std::nullopt;
    const std::string value = argv[++i];
    if (arg == "--home-port") {
      o.home_port = std::atoi(value.c_str());
    } else if (arg == "--district-port") {
      o.district_port = std::atoi(value.c_str());
    } else if (arg == "--path") {
      const std::optional<Path> path = ParsePath(value);
      if (!path) return std::nullopt;
      o.paths.push_back(*path);
    } else if (arg == "--devices") {
      o.devices.clear();
      for (const std::string& d : Split(value, ',')) {
        if (!d.empty()) o.devices.push_back(d);
      }
    } else if (arg == "--open") {
      o.open_payload = value;
    } else if (arg == "--close") {
      o.close_payload = value;
    } else if (arg == "--count") {
      o.count = std::atoi(value.c_str());
    } else if (arg == "--warmup") {
      o.warmup = std::atoi(value.c_str());
    } else if (arg == "--gap-ms") {
      o.gap_ms = std::atoi(value.c_str());
    } else if (arg == "--timeout-ms") {
      o.timeout_ms = std::atoi(value.c_str());
    } else if (arg == "--samples-dir") {
      o.samples_dir = value;
    } else {
      return std::nullopt;
    }
  }
  if (o.home_port <= 0 || o.district_port <= 0 || o.paths.empty() || o.devices.empty() ||
      o.count < 1 || o.warmup < 0 || o.gap_ms < 0 || o.timeout_ms < 1) {
    return std::nullopt;
  }
  return o;
}

double Percentile(const std::vector<double>& sorted, double p) {
  // Nearest rank: the smallest sample with at least p of all samples at or below it.
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

// The platform side of one path: acknowledges its events and spots the awaited one.
class PathState {
 public:
  PathState(const Path& path, const Options& options, BenchClient& district)
      : path_(path), o_(options), district_(district) {}

  const Path& path() const { return path_; }
  std::vector<double>& samples_ms() { return samples_ms_; }
  int lost = 0;

  // The next message to wait for: the device's alarm (open) or its settle message (close).
  void Expect(const std::string& device, bool open) {
    device_ = device;
    open_ = open;
    arrived_.reset();
  }
  const std::optional<Clock::time_point>& arrived() const { return arrived_; }
  long events() const { return events_; }

  void Handle(const BenchMessage& m) {
    if (m.topic != path_.events_topic) return;
    ++events_;
    bool matches = false;
    if (path_.hub) {
      const nlohmann::json event = nlohmann::json::parse(m.payload, nullptr, false);
      if (!event.is_object()) return;
      if (event.contains("id")) {
        district_.Publish(path_.ack_topic,
                          nlohmann::json{{"id", event["id"]}, {"status", "received"}}.dump(), 1);
      }
      const std::string zone = event.value("zone", "");
      matches = zone == device_ && (open_ ? event.value("category", "") == "alarm"
                                          : event.value("type", "") == "alarm_restore");
    } else {
      matches = m.payload == (open_ ? o_.open_payload : o_.close_payload);
    }
    if (matches && !arrived_) arrived_ = m.at;
  }

 private:
  const Path& path_;
  const Options& o_;
  BenchClient& district_;
  std::string device_;
  bool open_ = true;
  std::optional<Clock::time_point> arrived_;
  long events_ = 0;
  std::vector<double> samples_ms_;
};

void Report(PathState& state, const Options& o) {
  std::vector<double>& samples = state.samples_ms();
  const std::string& label = state.path().label;
  if (!o.samples_dir.empty()) {
    if (FILE* f = std::fopen((o.samples_dir + "/" + label + ".samples").c_str(), "w")) {
      for (const double ms : samples) std::fprintf(f, "%.4f\n", ms);
      std::fclose(f);
    }
  }
  if (samples.empty()) {
    std::printf("%-9s no alarm arrived\n", label.c_str());
    return;
  }
  std::vector<double> sorted = samples;
  std::sort(sorted.begin(), sorted.end());
  double sum = 0;
  for (const double ms : sorted) sum += ms;
  std::printf(
      "%-9s alarms=%zu lost=%d  p50=%.3f  p90=%.3f  p99=%.3f  max=%.3f  mean=%.3f  min=%.3f ms"
      "  (messages seen %ld)\n",
      label.c_str(), sorted.size(), state.lost, Percentile(sorted, 0.50), Percentile(sorted, 0.90),
      Percentile(sorted, 0.99), sorted.back(), sum / static_cast<double>(sorted.size()),
      sorted.front(), state.events());
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<Options> parsed = ParseArgs(argc, argv);
  if (!parsed) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const Options& o = *parsed;
  BenchClient home("bench-zigbee2mqtt", false);
  BenchClient district("bench-platform", false);
  std::vector<std::unique_ptr<PathState>> states;
  for (const Path& path : o.paths) states.push_back(std::make_unique<PathState>(path, o, district));
  district.OnMessage([&](const BenchMessage& m) {
    for (auto& state : states) state->Handle(m);
  });
  const std::vector<BenchClient*> clients{&home, &district};
  std::string error;
  if (!homesec::bench::ConnectAll(clients, {{o.home_port, "", 0}, {o.district_port, "#", 1}},
                                  &error)) {
    std::fprintf(stderr, "probe: %s\n", error.c_str());
    return 1;
  }
  const auto idle = [&](int ms) {
    RunUntil(
        clients, [] { return false; }, Clock::now() + std::chrono::milliseconds(ms));
  };
  // Every sensor reports closed first, so the first open is an edge (a fresh zone is "unknown").
  for (const Path& path : o.paths) {
    for (const std::string& device : o.devices) {
      home.Publish(path.base + "/" + device, o.close_payload, 0);
    }
  }
  idle(500);

  const int total = o.warmup + o.count;
  for (int i = 0; i < total; ++i) {
    const std::string& device = o.devices[static_cast<std::size_t>(i) % o.devices.size()];
    for (auto& state : states) {
      const std::string topic = state->path().base + "/" + device;
      const char* label = state->path().label.c_str();
      // The very first alarm may wait for a broker connection of the system under test.
      const auto timeout = std::chrono::milliseconds(i == 0 ? 30000 : o.timeout_ms);
      const auto arrived = [&] { return state->arrived().has_value(); };

      state->Expect(device, true);
      const Clock::time_point sent = Clock::now();
      if (!home.Publish(topic, o.open_payload, 0)) {
        std::fprintf(stderr, "probe: publish failed\n");
        return 1;
      }
      if (RunUntil(clients, arrived, sent + timeout)) {
        if (i >= o.warmup) {
          state->samples_ms().push_back(
              std::chrono::duration<double, std::milli>(*state->arrived() - sent).count());
        }
      } else if (i >= o.warmup) {
        ++state->lost;
        std::fprintf(stderr, "%s: alarm %d (%s) did not arrive within %lld ms\n", label, i,
                     device.c_str(), static_cast<long long>(timeout.count()));
      }

      state->Expect(device, false);
      home.Publish(topic, o.close_payload, 0);
      if (!RunUntil(clients, arrived, Clock::now() + timeout)) {
        std::fprintf(stderr, "%s: close %d (%s) did not come through\n", label, i, device.c_str());
      }
      if (o.gap_ms > 0) idle(o.gap_ms);
    }
  }
  idle(200);  // the last acks leave

  int lost = 0;
  for (auto& state : states) {
    Report(*state, o);
    lost += state->lost;
  }
  return lost == 0 && std::all_of(states.begin(), states.end(),
                                  [](const auto& s) { return !s->samples_ms().empty(); })
             ? 0
             : 1;
}
