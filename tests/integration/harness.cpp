// Integration harness: processes, brokers, temporary directories and the test MQTT client.
#include "tests/integration/harness.hpp"

#include "rules/codes.hpp"
#include "store/store.hpp"

#include <sqlite3.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <mosquitto.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <doctest/doctest.h>

namespace homesec::testing {
namespace {

std::atomic<bool> g_test_failed{false};

// A doctest listener: notes a failed assertion (or an exception) of the current test case.
struct FailureListener : public doctest::IReporter {
  explicit FailureListener(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats&) override {}
  void test_case_start(const doctest::TestCaseData&) override { g_test_failed = false; }
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override { g_test_failed = true; }
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData& data) override {
    if (data.m_failed) g_test_failed = true;
  }
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};

}  // namespace

REGISTER_LISTENER("failure_flag", 1, FailureListener);

bool CurrentTestFailed() {
  return g_test_failed;
}

void PrintTail(const std::string& heading, const std::string& path, std::size_t lines) {
  std::ifstream in(path);
  std::deque<std::string> tail;
  for (std::string line; std::getline(in, line);) {
    tail.push_back(std::move(line));
    if (tail.size() > lines) tail.pop_front();
  }
  std::fprintf(stderr, "----- %s (%s, last %zu lines) -----\n", heading.c_str(), path.c_str(),
               tail.size());
  for (const std::string& line : tail) std::fprintf(stderr, "%s\n", line.c_str());
}

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

bool WaitConnectable(int port, std::chrono::milliseconds timeout) {
  const auto until = Clock::now() + timeout;
  while (Clock::now() < until) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "homesec-it-XXXXXX").string();
  path_ = mkdtemp(pattern.data());
}

TempDir::~TempDir() {
  std::error_code ec;
  if (std::getenv("HOMESEC_KEEP_TEMP") == nullptr) std::filesystem::remove_all(path_, ec);
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Message MessageFrom(const struct mosquitto_message& m) {
  Message message;
  message.topic = m.topic != nullptr ? m.topic : "";
  if (m.payloadlen > 0) {
    message.payload.assign(static_cast<const char*>(m.payload),
                           static_cast<std::size_t>(m.payloadlen));
  }
  message.retained = m.retain;
  message.at = Clock::now();
  return message;
}

bool AddUser(const std::string& db_path, int number, const std::string& name, Role role,
             const std::string& pin) {
  std::string error;
  std::unique_ptr<Store> store = Store::Open(db_path, &error);
  if (!store) return false;
  std::array<std::uint8_t, 16> salt{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  salt[0] = static_cast<std::uint8_t>(number);  // a salt of its own for every user
  User user;
  user.number = number;
  user.name = name;
  user.role = role;
  user.pin_hash = HashPin(pin, salt, 1000);
  return store->UpsertUser(user, &error);
}

bool AddMasterUser(const std::string& db_path, const std::string& pin) {
  return AddUser(db_path, 1, "alice", Role::kMaster, pin);
}

std::int64_t QueryDb(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  const int rc = sqlite3_step(stmt);
  const std::int64_t value = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

Process::~Process() {
  Kill();
}

bool Process::Start(const std::vector<std::string>& argv, const std::string& log_path,
                    const std::vector<std::string>& env) {
  const pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log >= 0) {
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
    }
    // The test runner may block signals; the child must get its defaults back.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (const std::string& kv : env) putenv(const_cast<char*>(kv.c_str()));
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  pid_ = pid;
  return true;
}

void Process::Signal(int signal_number) {
  if (pid_ > 0) kill(pid_, signal_number);
}

std::optional<int> Process::Wait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return 0;
  const auto until = Clock::now() + timeout;
  while (true) {
    int status = 0;
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    }
    if (Clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(10ms);
  }
}

void Process::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

bool Process::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

Broker::Broker(const TempDir& dir, const std::string& name, bool persistent)
    : config_path_(dir.File(name + ".conf")),
      log_path_(dir.File(name + ".log")),
      port_(FreePort()) {
  std::string conf = "listener " + std::to_string(port_) +
                     " 127.0.0.1\n"
                     "allow_anonymous true\n"
                     "set_tcp_nodelay true\n"
                     "max_queued_messages 100000\n";
  if (persistent) {
    // mosquitto started as root drops to the "mosquitto" user: its data dir must be writable.
    const std::string data = dir.File(name + "-data");
    std::filesystem::create_directories(data);
    std::filesystem::permissions(data, std::filesystem::perms::all);
    std::filesystem::permissions(
        dir.path(), std::filesystem::perms::others_exec | std::filesystem::perms::group_exec,
        std::filesystem::perm_options::add);
    conf +=
        "persistence true\npersistence_location " + data + "/\npersistence_file " + name + ".db\n";
  } else {
    conf += "persistence false\n";
  }
  WriteFile(config_path_, conf);
}

void Broker::Stop() {
  process_.Signal(SIGTERM);
  if (!process_.Wait(5s)) process_.Kill();
}

Broker::~Broker() {
  process_.Kill();
}

bool Broker::Start() {
  process_.Kill();
  if (!process_.Start({"/usr/sbin/mosquitto", "-c", config_path_}, log_path_)) return false;
  return WaitConnectable(port_, 5s);
}

nlohmann::json Message::Json() const {
  return nlohmann::json::parse(payload, nullptr, false).is_discarded()
             ? nlohmann::json()
             : nlohmann::json::parse(payload, nullptr, false);
}

struct TestClientCallbacks {
  static void Connect(struct mosquitto* mosq, void* obj, int rc) {
    auto* self = static_cast<TestClient*>(obj);
    std::vector<std::pair<std::string, int>> subscriptions;
    {
      std::lock_guard lock(self->mutex_);
      self->connected_ = rc == 0;
      subscriptions = self->subscriptions_;
    }
    for (const auto& [topic, qos] : subscriptions) {
      mosquitto_subscribe(mosq, nullptr, topic.c_str(), qos);
    }
    self->changed_.notify_all();
  }
  static void Disconnect(struct mosquitto*, void* obj, int) {
    auto* self = static_cast<TestClient*>(obj);
    std::lock_guard lock(self->mutex_);
    self->connected_ = false;
  }
  static void OnMessage(struct mosquitto*, void* obj, const struct mosquitto_message* m) {
    auto* self = static_cast<TestClient*>(obj);
    Message message = MessageFrom(*m);
    std::function<void(TestClient&, const Message&)> hook;
    {
      std::lock_guard lock(self->mutex_);
      self->messages_.push_back(message);
      hook = self->hook_;
    }
    if (hook) hook(*self, message);
    self->changed_.notify_all();
  }
  static void Subscribe(struct mosquitto*, void* obj, int, int, const int*) {
    auto* self = static_cast<TestClient*>(obj);
    {
      std::lock_guard lock(self->mutex_);
      ++self->suback_count_;
    }
    self->changed_.notify_all();
  }
};

TestClient::TestClient(const std::string& id, int port, bool clean_session) : port_(port) {
  mosquitto_lib_init();
  mosq_ = mosquitto_new(id.c_str(), clean_session, this);
  mosquitto_int_option(mosq_, MOSQ_OPT_TCP_NODELAY, 1);
  mosquitto_connect_callback_set(mosq_, &TestClientCallbacks::Connect);
  mosquitto_disconnect_callback_set(mosq_, &TestClientCallbacks::Disconnect);
  mosquitto_message_callback_set(mosq_, &TestClientCallbacks::OnMessage);
  mosquitto_subscribe_callback_set(mosq_, &TestClientCallbacks::Subscribe);
  // Another thread runs the loop: publish and subscribe only queue, and wake it.
  mosquitto_threaded_set(mosq_, true);
}

TestClient::~TestClient() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  mosquitto_disconnect(mosq_);
  if (network_.joinable()) network_.join();
  mosquitto_destroy(mosq_);
}

void TestClient::Run() {
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stop_) return;
    }
    if (mosquitto_loop(mosq_, 100, 1) == MOSQ_ERR_SUCCESS) continue;
    // Lost or no connection: try again after a second, unless told to stop meanwhile.
    std::unique_lock lock(mutex_);
    if (changed_.wait_for(lock, 1s, [&] { return stop_; })) return;
    lock.unlock();
    mosquitto_reconnect(mosq_);
  }
}

bool TestClient::UseTls(const std::string& ca, const std::string& cert, const std::string& key) {
  return mosquitto_tls_set(mosq_, ca.c_str(), nullptr, cert.c_str(), key.c_str(), nullptr) ==
         MOSQ_ERR_SUCCESS;
}

bool TestClient::Connect(std::chrono::milliseconds timeout) {
  if (mosquitto_connect_async(mosq_, "127.0.0.1", port_, 30) != MOSQ_ERR_SUCCESS) return false;
  if (!network_.joinable()) network_ = std::thread([this] { Run(); });
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return connected_; });
}

bool TestClient::connected() {
  std::lock_guard lock(mutex_);
  return connected_;
}

bool TestClient::Subscribe(const std::string& topic, int qos) {
  int before = 0;
  {
    std::lock_guard lock(mutex_);
    subscriptions_.emplace_back(topic, qos);
    before = suback_count_;
  }
  if (mosquitto_subscribe(mosq_, nullptr, topic.c_str(), qos) != MOSQ_ERR_SUCCESS) return false;
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, 5s, [&] { return suback_count_ > before; });
}

bool TestClient::Publish(const std::string& topic, const std::string& payload, int qos,
                         bool retain) {
  return mosquitto_publish(mosq_, nullptr, topic.c_str(), static_cast<int>(payload.size()),
                           payload.data(), qos, retain) == MOSQ_ERR_SUCCESS;
}

std::vector<Message> TestClient::Received(const std::string& topic) {
  std::lock_guard lock(mutex_);
  std::vector<Message> out;
  for (const Message& m : messages_) {
    if (m.topic == topic) out.push_back(m);
  }
  return out;
}

std::optional<Message> TestClient::WaitFor(const std::string& topic,
                                           const std::function<bool(const Message&)>& pred,
                                           std::chrono::milliseconds timeout, std::size_t from) {
  std::unique_lock lock(mutex_);
  std::optional<Message> found;
  changed_.wait_for(lock, timeout, [&] {
    std::size_t index = 0;
    for (const Message& m : messages_) {
      if (m.topic != topic) continue;
      if (index++ < from) continue;
      if (pred(m)) {
        found = m;
        return true;
      }
    }
    return false;
  });
  return found;
}

bool TestClient::WaitCount(const std::string& topic, std::size_t count,
                           std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    std::size_t n = 0;
    for (const Message& m : messages_) n += m.topic == topic ? 1 : 0;
    return n >= count;
  });
}

void TestClient::Clear() {
  std::lock_guard lock(mutex_);
  messages_.clear();
}

void TestClient::OnMessage(std::function<void(TestClient&, const Message&)> hook) {
  std::lock_guard lock(mutex_);
  hook_ = std::move(hook);
}

}  // namespace homesec::testing
