// The shipped broker configs, the minted PKI and the MQTT v5 peer of the confinement tests; see
// broker_configs.hpp.
#include "tests/integration/broker_configs.hpp"

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include <cstdio>
#include <filesystem>
#include <sstream>

namespace homesec::testing {
namespace {

namespace fs = std::filesystem;

// The source tree: HOMESEC_TEST_DATA_DIR is <root>/tests/data.
fs::path SourceRoot() {
  return fs::path(HOMESEC_TEST_DATA_DIR).parent_path().parent_path();
}

bool Run(const TempDir& dir, const std::vector<std::string>& argv, const std::string& log) {
  Process process;
  if (!process.Start(argv, dir.File(log))) return false;
  return process.Wait(60s) == 0;
}

// mosquitto started as root drops to the "mosquitto" user before it reads its files: throwaway
// test files may be world-readable (never do this with a real key).
void OpenUp(const fs::path& root) {
  fs::permissions(root, fs::perms::others_exec | fs::perms::group_exec, fs::perm_options::add);
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(root)) {
    fs::permissions(entry.path(),
                    entry.is_directory() ? fs::perms::others_exec | fs::perms::others_read
                                         : fs::perms::others_read,
                    fs::perm_options::add);
  }
}

std::string Replace(std::string text, const std::string& from, const std::string& to, int* count) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
    ++*count;
  }
  return text;
}

}  // namespace

std::string ShippedFile(const std::string& name) {
  return (SourceRoot() / "packaging" / "mosquitto" / name).string();
}

bool MintCerts(const TempDir& dir, const std::vector<std::string>& hubs) {
  std::vector<std::string> argv{"/bin/bash", (SourceRoot() / "scripts" / "mint-certs").string(),
                                "--days", "2", dir.File("pki")};
  argv.insert(argv.end(), hubs.begin(), hubs.end());
  if (!Run(dir, argv, "mint-certs.log")) {
    std::fprintf(stderr, "scripts/mint-certs failed:\n%s\n",
                 ReadFile(dir.File("mint-certs.log")).c_str());
    return false;
  }
  fs::permissions(dir.path(), fs::perms::others_exec | fs::perms::group_exec,
                  fs::perm_options::add);
  OpenUp(dir.File("pki"));
  return true;
}

bool MakePasswordFile(const TempDir& dir,
                      const std::vector<std::pair<std::string, std::string>>& users) {
  fs::create_directories(dir.File("local"));
  const std::string file = dir.File("local/hub-local.passwd");
  WriteFile(file, "");
  for (const auto& [user, password] : users) {
    if (!Run(dir, {"/usr/bin/mosquitto_passwd", "-b", file, user, password},
             "mosquitto_passwd.log")) {
      std::fprintf(stderr, "mosquitto_passwd failed:\n%s\n",
                   ReadFile(dir.File("mosquitto_passwd.log")).c_str());
      return false;
    }
  }
  return true;
}

ShippedBroker::ShippedBroker(const TempDir& dir, const std::string& config,
                             const std::string& files_dir)
    : dir_(dir),
      config_(config),
      files_dir_(files_dir),
      log_path_(dir.File(config + ".log")),
      port_(FreePort()) {}

ShippedBroker::~ShippedBroker() {
  if (CurrentTestFailed()) PrintTail(config_ + " broker log", log_path_, 60);
  process_.Kill();
}

bool ShippedBroker::Start() {
  const std::string shipped = ReadFile(ShippedFile(config_));
  // The one uncommented listener line gets a free loopback port; the directory of the PKI,
  // password file and ACL is ours.
  std::istringstream lines(shipped);
  std::string conf;
  std::string acl_name;
  int listeners = 0;
  int paths = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("listener ", 0) == 0) {
      line = "listener " + std::to_string(port_) + " 127.0.0.1";
      ++listeners;
    }
    line = Replace(line, "/etc/mosquitto/homesec/", files_dir_ + "/", &paths);
    if (line.rfind("acl_file ", 0) == 0) acl_name = fs::path(line.substr(9)).filename().string();
    if (line.rfind('#', 0) != 0 && line.find("/etc/") != std::string::npos) {
      std::fprintf(stderr, "%s: a path the test does not replace: %s\n", config_.c_str(),
                   line.c_str());
      return false;
    }
    conf += line + "\n";
  }
  if (listeners != 1 || paths == 0 || acl_name.empty()) {
    std::fprintf(stderr,
                 "%s: expected one listener line, /etc/mosquitto/homesec/ paths and an "
                 "acl_file (found %d, %d, '%s')\n",
                 config_.c_str(), listeners, paths, acl_name.c_str());
    return false;
  }
  std::string acl = ReadFile(ShippedFile(acl_name));
  if (acl_edit) acl = acl_edit(acl);
  fs::create_directories(files_dir_);
  WriteFile(files_dir_ + "/" + acl_name, acl);
  const std::string conf_path = dir_.File(config_);
  WriteFile(conf_path, conf);
  OpenUp(files_dir_);
  fs::permissions(dir_.path(), fs::perms::others_exec | fs::perms::group_exec,
                  fs::perm_options::add);
  fs::permissions(conf_path, fs::perms::others_read, fs::perm_options::add);
  process_.Kill();
  if (!process_.Start({"/usr/sbin/mosquitto", "-c", conf_path}, log_path_)) return false;
  return WaitConnectable(port_, 5s);
}

std::size_t ShippedBroker::LogCount(const std::string& text) const {
  std::istringstream lines(Log());
  std::size_t count = 0;
  for (std::string line; std::getline(lines, line);) count += line.find(text) != line.npos;
  return count;
}

struct PeerCallbacks {
  static void Connect(struct mosquitto*, void* obj, int rc, int, const mosquitto_property*) {
    auto* self = static_cast<Peer*>(obj);
    {
      std::lock_guard lock(self->mutex_);
      self->connack_ = rc;
      self->connected_ = rc == 0;
    }
    self->changed_.notify_all();
  }
  static void Disconnect(struct mosquitto*, void* obj, int) {
    auto* self = static_cast<Peer*>(obj);
    {
      std::lock_guard lock(self->mutex_);
      if (self->connected_) ++self->disconnects_;
      self->connected_ = false;
    }
    self->changed_.notify_all();
  }
  static void OnMessage(struct mosquitto*, void* obj, const struct mosquitto_message* m) {
    auto* self = static_cast<Peer*>(obj);
    Message message = MessageFrom(*m);
    {
      std::lock_guard lock(self->mutex_);
      self->messages_.push_back(std::move(message));
    }
    self->changed_.notify_all();
  }
  static void Subscribe(struct mosquitto*, void* obj, int mid, int count, const int* granted,
                        const mosquitto_property*) {
    auto* self = static_cast<Peer*>(obj);
    {
      std::lock_guard lock(self->mutex_);
      self->subacks_[mid] = count > 0 ? granted[0] : -1;
    }
    self->changed_.notify_all();
  }
  static void Publish(struct mosquitto*, void* obj, int mid, int reason,
                      const mosquitto_property*) {
    auto* self = static_cast<Peer*>(obj);
    {
      std::lock_guard lock(self->mutex_);
      self->pubacks_[mid] = reason;
    }
    self->changed_.notify_all();
  }
};

Peer::Peer(int port, PeerOptions options) : port_(port) {
  mosquitto_lib_init();
  mosq_ =
      mosquitto_new(options.client_id.empty() ? nullptr : options.client_id.c_str(), true, this);
  mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
  mosquitto_int_option(mosq_, MOSQ_OPT_TCP_NODELAY, 1);
  mosquitto_connect_v5_callback_set(mosq_, &PeerCallbacks::Connect);
  mosquitto_disconnect_callback_set(mosq_, &PeerCallbacks::Disconnect);
  mosquitto_message_callback_set(mosq_, &PeerCallbacks::OnMessage);
  mosquitto_subscribe_v5_callback_set(mosq_, &PeerCallbacks::Subscribe);
  mosquitto_publish_v5_callback_set(mosq_, &PeerCallbacks::Publish);
  mosquitto_threaded_set(mosq_, true);
  if (!options.username.empty()) {
    mosquitto_username_pw_set(mosq_, options.username.c_str(),
                              options.password.empty() ? nullptr : options.password.c_str());
  }
  if (!options.ca.empty()) {
    mosquitto_tls_set(mosq_, options.ca.c_str(), nullptr,
                      options.cert.empty() ? nullptr : options.cert.c_str(),
                      options.key.empty() ? nullptr : options.key.c_str(), nullptr);
  }
}

Peer::~Peer() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  mosquitto_disconnect(mosq_);
  if (network_.joinable()) network_.join();
  mosquitto_destroy(mosq_);
}

void Peer::Run() {
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stop_) return;
    }
    if (mosquitto_loop(mosq_, 50, 1) != MOSQ_ERR_SUCCESS) {
      {
        std::lock_guard lock(mutex_);
        failed_ = true;
        connected_ = false;
      }
      changed_.notify_all();
      return;  // never reconnects: a dropped peer stays dropped
    }
  }
}

int Peer::Connect(std::chrono::milliseconds timeout) {
  if (mosquitto_connect_async(mosq_, "127.0.0.1", port_, 30) != MOSQ_ERR_SUCCESS) return -1;
  network_ = std::thread([this] { Run(); });
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return connack_ >= 0 || failed_; });
  return connack_;
}

bool Peer::connected() {
  std::lock_guard lock(mutex_);
  return connected_;
}

int Peer::disconnects() {
  std::lock_guard lock(mutex_);
  return disconnects_;
}

int Peer::Subscribe(const std::string& topic, int qos) {
  int mid = 0;
  if (mosquitto_subscribe(mosq_, &mid, topic.c_str(), qos) != MOSQ_ERR_SUCCESS) return -1;
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, 5s, [&] { return subacks_.contains(mid) || failed_; })) return -1;
  return subacks_.contains(mid) ? subacks_[mid] : -1;
}

int Peer::Publish(const std::string& topic, const std::string& payload, int qos, bool retain) {
  int mid = 0;
  if (mosquitto_publish(mosq_, &mid, topic.c_str(), static_cast<int>(payload.size()),
                        payload.data(), qos, retain) != MOSQ_ERR_SUCCESS) {
    return -1;
  }
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, 5s, [&] { return pubacks_.contains(mid) || failed_; })) return -1;
  if (!pubacks_.contains(mid)) return -1;
  // 16 "no matching subscribers" is a success: the broker took the message.
  return pubacks_[mid] == MQTT_RC_NO_MATCHING_SUBSCRIBERS ? 0 : pubacks_[mid];
}

std::vector<Message> Peer::Received(const std::string& topic) {
  std::lock_guard lock(mutex_);
  std::vector<Message> out;
  for (const Message& m : messages_) {
    if (m.topic == topic) out.push_back(m);
  }
  return out;
}

std::vector<Message> Peer::All() {
  std::lock_guard lock(mutex_);
  return messages_;
}

std::optional<Message> Peer::WaitFor(const std::string& topic,
                                     const std::function<bool(const Message&)>& pred,
                                     std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::optional<Message> found;
  changed_.wait_for(lock, timeout, [&] {
    for (const Message& m : messages_) {
      if (m.topic == topic && pred(m)) {
        found = m;
        return true;
      }
    }
    return false;
  });
  return found;
}

bool Peer::Marker(const std::string& topic, const std::string& payload) {
  if (Publish(topic, payload, 1) != 0) return false;
  return WaitFor(topic, [&](const Message& m) { return m.payload == payload; }).has_value();
}

}  // namespace homesec::testing
