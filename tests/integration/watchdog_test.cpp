// Liveness as systemd and the platform see it: homesecd pets the systemd watchdog from its event
// loop and sends heartbeats from it, so a loop that stops (SIGSTOP here; a deadlock or a
// blocking call in production) stops both: systemd's WatchdogSec restarts the daemon and the
// platform sees a silent hub. The test is systemd's side of sd_notify: a datagram socket named
// by NOTIFY_SOCKET, with WATCHDOG_USEC as the unit's WatchdogSec would set it.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <thread>

#include "tests/integration/hub_fixture.hpp"

namespace homesec::testing {
namespace {

// The notification socket systemd listens on for one unit.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, sizeof address.sun_path - 1);
    bound_ = fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~NotifySocket() {
    if (fd_ >= 0) close(fd_);
    unlink(path_.c_str());
  }
  bool bound() const { return bound_; }

  // How many "WATCHDOG=1" notifications arrived since the last call.
  int TakeWatchdogPings() {
    int pings = 0;
    char buffer[512];
    ssize_t n = 0;
    while ((n = recv(fd_, buffer, sizeof buffer, 0)) > 0) {
      if (std::string(buffer, static_cast<std::size_t>(n)).find("WATCHDOG=1") != std::string::npos)
        ++pings;
    }
    return pings;
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool bound_ = false;
};

}  // namespace

TEST_CASE("liveness: a stopped event loop stops the watchdog pings and the uplink heartbeat") {
  HubFixture hub;
  hub.config["uplink"]["heartbeat_s"] = 5;  // the shortest allowed
  hub.WriteConfig();
  NotifySocket notify(hub.dir.File("notify.sock"));
  REQUIRE(notify.bound());
  // WatchdogSec=0.6s: homesecd pets every 300 ms.
  hub.daemon_env = {"NOTIFY_SOCKET=" + hub.dir.File("notify.sock"), "WATCHDOG_USEC=600000"};
  REQUIRE(hub.StartDaemon());
  std::this_thread::sleep_for(1500ms);
  CHECK(notify.TakeWatchdogPings() >= 3);

  hub.daemon.Signal(SIGSTOP);  // the loop no longer runs, as if stuck
  std::this_thread::sleep_for(200ms);
  notify.TakeWatchdogPings();  // one may have been on its way
  const std::size_t beats = hub.platform->Received(HubFixture::Up("heartbeat")).size();
  std::this_thread::sleep_for(6s);         // longer than the watchdog and one heartbeat period
  CHECK(notify.TakeWatchdogPings() == 0);  // systemd would now restart the unit
  CHECK(hub.platform->Received(HubFixture::Up("heartbeat")).size() == beats);

  hub.daemon.Signal(SIGCONT);
  std::this_thread::sleep_for(1500ms);
  CHECK(notify.TakeWatchdogPings() >= 1);
  CHECK(hub.platform->Received(HubFixture::Up("heartbeat")).size() > beats);
}

}  // namespace homesec::testing
