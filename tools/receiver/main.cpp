// homesec-receiver: a reference district-platform receiver built on Paho MQTT C++ — an MQTT
// stack independent of the daemon's libmosquitto, so that interoperability is proven by the
// demo and tests rather than assumed. It subscribes to every hub's events (optionally through an
// MQTT v5 shared subscription so several receivers split the load), deduplicates by event id,
// acknowledges each event with "received", can report "dispatched" for alarms, confirms
// vacant-house watch registrations ("registered"), and appends what it receives to a JSON-lines
// file.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <mqtt/async_client.h>
#include <nlohmann/json.hpp>

namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) {
  g_stop = true;
}

struct Options {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string prefix = "homesec/v1";
  std::string share_group;  // empty = plain subscription
  std::string client_id = "homesec-receiver";
  std::string log_path;
  long dispatch_after_ms = -1;  // <0 = never report dispatch
  long max_events = -1;         // exit after this many distinct events
  bool quiet = false;
};

void Usage() {
  std::fprintf(stderr,
               "usage: homesec-receiver [--host H] [--port P] [--prefix homesec/v1]\n"
               "         [--share GROUP] [--client-id ID] [--log FILE.jsonl]\n"
               "         [--dispatch-after-ms N] [--count N] [--quiet]\n");
}

bool ParseArgs(int argc, char** argv, Options* opts) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    std::string value;
    if (arg == "--quiet") {
      opts->quiet = true;
    } else if (arg == "--host" && next(&value)) {
      opts->host = value;
    } else if (arg == "--port" && next(&value)) {
      opts->port = std::atoi(value.c_str());
    } else if (arg == "--prefix" && next(&value)) {
      opts->prefix = value;
    } else if (arg == "--share" && next(&value)) {
      opts->share_group = value;
    } else if (arg == "--client-id" && next(&value)) {
      opts->client_id = value;
    } else if (arg == "--log" && next(&value)) {
      opts->log_path = value;
    } else if (arg == "--dispatch-after-ms" && next(&value)) {
      opts->dispatch_after_ms = std::atol(value.c_str());
    } else if (arg == "--count" && next(&value)) {
      opts->max_events = std::atol(value.c_str());
    } else {
      return false;
    }
  }
  return opts->port > 0 && opts->port < 65536;
}

// "<prefix>/<district>/<hub>/<leaf>" -> hub base "<prefix>/<district>/<hub>" and leaf.
bool SplitTopic(const std::string& topic, std::string* base, std::string* leaf) {
  const auto slash = topic.rfind('/');
  if (slash == std::string::npos) return false;
  *base = topic.substr(0, slash);
  *leaf = topic.substr(slash + 1);
  return true;
}

// A field of an event as text, or `fallback` when it is missing or not a string: a platform
// must survive whatever a hub (or an impostor) publishes.
std::string Text(const nlohmann::json& object, const char* key, const std::string& fallback) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// Paho MQTT C 1.3 (Debian 12) never sets TCP_NODELAY (eclipse-paho/paho.mqtt.c#530), so the
// ack published right after the PUBACK for an event waits for the broker's delayed ACK: ~40 ms
// per ack instead of well under one (Nagle's algorithm; homesecd sets MOSQ_OPT_TCP_NODELAY for
// the same reason). Paho does not expose its socket, so this sets the option on every TCP socket
// of the process connected to the broker's port, the only connections a receiver has.
void DisableNagleTowards(int broker_port) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    const int fd = std::atoi(entry.path().filename().c_str());
    int type = 0;
    socklen_t type_len = sizeof(type);
    if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &type_len) != 0 || type != SOCK_STREAM) {
      continue;
    }
    sockaddr_storage peer{};
    socklen_t peer_len = sizeof(peer);
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0) continue;
    int port = -1;
    if (peer.ss_family == AF_INET) {
      port = ntohs(reinterpret_cast<const sockaddr_in*>(&peer)->sin_port);
    } else if (peer.ss_family == AF_INET6) {
      port = ntohs(reinterpret_cast<const sockaddr_in6*>(&peer)->sin6_port);
    }
    if (port != broker_port) continue;
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
  }
}

struct PendingDispatch {
  std::chrono::steady_clock::time_point due;
  std::string ack_topic;
  std::string id;
};

class Receiver {
 public:
  explicit Receiver(Options opts)
      : opts_(std::move(opts)),
        client_("tcp://" + opts_.host + ":" + std::to_string(opts_.port), opts_.client_id,
                mqtt::create_options(MQTTVERSION_5)) {
    if (!opts_.log_path.empty()) log_.open(opts_.log_path, std::ios::app);
  }

  int Run() {
    auto conn = mqtt::connect_options_builder()
                    .mqtt_version(MQTTVERSION_5)
                    .clean_start(true)
                    .automatic_reconnect(std::chrono::milliseconds(250), std::chrono::seconds(5))
                    .keep_alive_interval(std::chrono::seconds(20))
                    .finalize();
    client_.start_consuming();
    try {
      client_.connect(conn)->wait();
      DisableNagleTowards(opts_.port);
      Subscribe();
      client_.set_connected_handler([this](const std::string&) { reconnected_ = true; });
    } catch (const mqtt::exception& e) {
      std::fprintf(stderr, "homesec-receiver: cannot connect to %s:%d: %s\n", opts_.host.c_str(),
                   opts_.port, e.what());
      return 3;
    }
    Say("receiver: listening on " + opts_.host + ":" + std::to_string(opts_.port) + " under " +
        opts_.prefix + "/+/+/");
    while (!g_stop) {
      mqtt::const_message_ptr msg;
      if (client_.try_consume_message_for(&msg, std::chrono::milliseconds(50)) && msg) {
        Handle(*msg);
      }
      // Clean start: a reconnect loses the subscriptions. The connected handler (Paho's
      // thread) flags every reconnect, however short the outage; polling is_connected() would
      // miss one that is over between two turns.
      if (reconnected_.exchange(false)) {
        DisableNagleTowards(opts_.port);  // a new socket
        try {
          Subscribe();
        } catch (const mqtt::exception& e) {
          std::fprintf(stderr, "receiver: re-subscribing failed: %s\n", e.what());
          if (client_.is_connected()) reconnected_ = true;  // else the next reconnect retries
        }
      }
      FlushDispatches();
      if (opts_.max_events >= 0 && static_cast<long>(seen_.size()) >= opts_.max_events &&
          dispatches_.empty()) {
        break;
      }
    }
    try {
      client_.disconnect()->wait_for(std::chrono::seconds(2));
    } catch (const mqtt::exception&) {
    }
    return 0;
  }

 private:
  void Subscribe() {
    std::string filter_base = opts_.prefix + "/+/+/";
    std::string events = filter_base + "events";
    if (!opts_.share_group.empty()) events = "$share/" + opts_.share_group + "/" + events;
    const std::vector<std::string> topics = {events, filter_base + "status", filter_base + "watch",
                                             filter_base + "heartbeat"};
    for (const auto& t : topics) client_.subscribe(t, 1)->wait();
  }

  void Handle(const mqtt::message& msg) {
    std::string base, leaf;
    if (!SplitTopic(msg.get_topic(), &base, &leaf)) return;
    const std::string payload = msg.to_string();
    if (leaf == "status") {
      Say("receiver: hub " + base + " is " + (payload.empty() ? "(cleared)" : payload));
      return;
    }
    if (leaf == "heartbeat") return;
    if (leaf == "watch") {
      HandleWatch(base, payload);
      return;
    }
    nlohmann::json event = nlohmann::json::parse(payload, nullptr, false);
    if (event.is_discarded() || !event.is_object() || !event.contains("id") ||
        !event["id"].is_string()) {
      std::fprintf(stderr, "receiver: rejected malformed event on %s\n", msg.get_topic().c_str());
      return;
    }
    const std::string id = event["id"].get<std::string>();
    const bool duplicate = !seen_.insert(id).second;
    Ack(base + "/ack", id, "received");
    if (duplicate) return;  // acknowledged again, processed once
    if (log_) log_ << payload << "\n" << std::flush;
    Say("receiver: " + Describe(event));
    if (opts_.dispatch_after_ms >= 0 && Text(event, "category", "") == "alarm") {
      dispatches_.push_back(
          {std::chrono::steady_clock::now() + std::chrono::milliseconds(opts_.dispatch_after_ms),
           base + "/ack", id});
    }
  }

  // A vacant-house watch registration (retained on <hub>/watch; empty once it is over). The
  // platform confirms a running watch once with {"watch_id", "status": "registered"} on the
  // hub's ack topic; the hub's republication then carries platform_ack, which ends the exchange.
  void HandleWatch(const std::string& base, const std::string& payload) {
    if (payload.empty()) {
      Say("receiver: vacant-house watch for " + base + ": (none)");
      return;
    }
    const nlohmann::json watch = nlohmann::json::parse(payload, nullptr, false);
    if (watch.is_discarded() || !watch.is_object()) {
      std::fprintf(stderr, "receiver: rejected malformed watch registration for %s\n",
                   base.c_str());
      return;
    }
    const std::string id = Text(watch, "watch_id", "");
    const std::string state = Text(watch, "state", "?");
    std::string line = "receiver: vacant-house watch " + (id.empty() ? "?" : id) + " for " + base +
                       ": " + state + ", return " + Text(watch, "expected_return", "?") +
                       ", contact " + Text(watch, "contact", "?");
    if (const auto k = watch.find("keyholder"); k != watch.end() && k->is_object()) {
      line += ", keyholder " + Text(*k, "name", "?");
    }
    if (const auto ack = watch.find("platform_ack"); ack != watch.end() && ack->is_object()) {
      line += ", confirmed " + Text(*ack, "status", "?");
    }
    Say(line);
    const bool over = state == "ended" || state == "cancelled";
    const auto ack = watch.find("platform_ack");
    const bool confirmed =
        ack != watch.end() && ack->is_object() && Text(*ack, "status", "") == "registered";
    if (id.empty() || over || confirmed) return;
    const nlohmann::json reply = {{"watch_id", id}, {"status", "registered"}};
    try {
      client_.publish(base + "/ack", reply.dump(), 1, false);
      Say("receiver: vacant-house watch " + id + " registered");
    } catch (const mqtt::exception& e) {
      std::fprintf(stderr, "receiver: ack for watch %s failed: %s\n", id.c_str(), e.what());
    }
  }

  static std::string Describe(const nlohmann::json& e) {
    std::string line =
        Text(e, "id", "?") + " " + Text(e, "category", "?") + "/" + Text(e, "type", "?");
    if (const std::string zone = Text(e, "zone", ""); !zone.empty()) line += " zone=" + zone;
    if (const auto cid = e.find("contact_id"); cid != e.end() && cid->is_object()) {
      line += " cid=" + Text(*cid, "data", "");
    }
    if (const auto watch = e.find("vacant_watch"); watch != e.end() && *watch == true) {
      line += " VACANT-HOUSE";
    }
    line += " \"" + Text(e, "text", "") + "\"";
    return line;
  }

  void Ack(const std::string& topic, const std::string& id, const std::string& status) {
    nlohmann::json ack = {{"id", id}, {"status", status}};
    try {
      client_.publish(topic, ack.dump(), 1, false);
    } catch (const mqtt::exception& e) {
      std::fprintf(stderr, "receiver: ack %s failed: %s\n", id.c_str(), e.what());
    }
  }

  void FlushDispatches() {
    const auto now = std::chrono::steady_clock::now();
    for (auto it = dispatches_.begin(); it != dispatches_.end();) {
      if (it->due <= now) {
        Ack(it->ack_topic, it->id, "dispatched");
        Say("receiver: patrol dispatched for " + it->id);
        it = dispatches_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void Say(const std::string& line) {
    if (!opts_.quiet) std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  }

  Options opts_;
  mqtt::async_client client_;
  std::set<std::string> seen_;
  std::vector<PendingDispatch> dispatches_;
  std::ofstream log_;
  std::atomic<bool> reconnected_{false};
};

}  // namespace

int main(int argc, char** argv) {
  Options opts;
  if (!ParseArgs(argc, argv, &opts)) {
    Usage();
    return 2;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  Receiver receiver(std::move(opts));
  return receiver.Run();
}
