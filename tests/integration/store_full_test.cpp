// A full disk under the real homesecd: the store lives on a small tmpfs that the test fills and
// frees (root only, as in CI; without root the cases say so and check nothing). Alarms still
// reach the platform from memory, and no seq that left the hub from memory is ever given to
// another event, whatever a kill -9 does in between.
#include <doctest/doctest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "tests/integration/hub_fixture.hpp"

namespace homesec::testing {
namespace {

std::uint64_t SeqOfEvent(const nlohmann::json& event) {
  return event.value("seq", std::uint64_t{0});
}

// The hub's store moved onto a 4 MiB tmpfs of its own, which Fill() fills to the last byte.
class StoreOnTmpfs {
 public:
  explicit StoreOnTmpfs(HubFixture& hub) : mount_point_(hub.dir.File("store")) {
    std::filesystem::create_directories(mount_point_);
    if (geteuid() != 0 || mount("tmpfs", mount_point_.c_str(), "tmpfs", 0, "size=4m") != 0) {
      return;
    }
    mounted_ = true;
    std::filesystem::copy_file(hub.dir.File("homesec.db"), db_path());
    hub.config["storage"]["path"] = db_path();
    hub.WriteConfig();
  }
  ~StoreOnTmpfs() {
    if (mounted_) umount2(mount_point_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  std::string db_path() const { return mount_point_ + "/homesec.db"; }

  // Writes a filler file until the filesystem refuses (ENOSPC).
  void Fill() {
    std::ofstream filler(mount_point_ + "/filler", std::ios::binary);
    const std::string block(4096, '\0');
    while (filler.write(block.data(), block.size())) {
    }
  }
  void Free() { std::filesystem::remove(mount_point_ + "/filler"); }

 private:
  std::string mount_point_;
  bool mounted_ = false;
};

// Starts homesecd with its store on the tmpfs and arms it away; false, saying so, when there is
// no tmpfs (not root).
bool StartArmedOnTmpfs(HubFixture& hub, const StoreOnTmpfs& store) {
  if (!store.mounted()) {
    WARN_MESSAGE(false, "not run: a tmpfs for the store needs root");
    return false;
  }
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  REQUIRE(hub.Arm());
  std::this_thread::sleep_for(300ms);  // the arming event committed and acknowledged
  return true;
}

}  // namespace

TEST_CASE(
    "store: while the disk is full, an alarm still reaches the platform and a store trouble "
    "(300) is raised, the events are committed once there is room again") {
  HubFixture hub;
  StoreOnTmpfs store(hub);
  if (!StartArmedOnTmpfs(hub, store)) return;

  store.Fill();
  hub.Zigbee("kitchen_window", {{"contact", false}});
  const auto burglary = hub.WaitUplinkEvent("burglary", 5s);
  REQUIRE(burglary.has_value());
  CHECK((*burglary)["zone"] == "kitchen_window");
  const auto trouble = hub.WaitUplinkEvent("store_failure", 5s);
  REQUIRE(trouble.has_value());
  CHECK((*trouble)["contact_id"]["code"] == 300);
  CHECK((*trouble)["text"].get<std::string>().find("commit") != std::string::npos);
  CHECK(hub.WaitState("triggered"));  // the siren sounds regardless
  const std::string burglary_row =
      "SELECT count(*) FROM events WHERE seq = " + std::to_string(SeqOfEvent(*burglary));
  CHECK(QueryDb(store.db_path(), burglary_row) == 0);  // only in memory so far

  store.Free();
  const auto restored = hub.platform->WaitFor(
      HubFixture::Up("events"),
      [](const Message& m) {
        const nlohmann::json json = m.Json();
        return json.is_object() && json.value("type", "") == "trouble_restore" &&
               json.contains("contact_id") && json["contact_id"].value("code", 0) == 300;
      },
      10s);
  REQUIRE(restored.has_value());
  CHECK(QueryDb(store.db_path(), burglary_row) == 1);
  // Every event reached the platform and was acknowledged: the outbox drains.
  const auto until = Clock::now() + 10s;
  while (QueryDb(store.db_path(), "SELECT count(*) FROM outbox") != 0 && Clock::now() < until) {
    std::this_thread::sleep_for(100ms);
  }
  CHECK(QueryDb(store.db_path(), "SELECT count(*) FROM outbox") == 0);
  CHECK(hub.DaemonLog().find("the store accepts writes again") != std::string::npos);
}

TEST_CASE("store: a seq sent from memory on a full disk is never reused after a kill -9") {
  HubFixture hub;
  StoreOnTmpfs store(hub);
  if (!StartArmedOnTmpfs(hub, store)) return;

  store.Fill();
  hub.Zigbee("kitchen_window", {{"contact", false}});
  const auto from_memory = hub.WaitUplinkEvent("burglary", 5s);
  REQUIRE(from_memory.has_value());
  const std::uint64_t memory_seq = SeqOfEvent(*from_memory);
  std::this_thread::sleep_for(300ms);  // whatever else it sends from memory
  hub.KillDaemon();  // the events in memory are gone; the platform has some of them
  store.Free();

  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  if (!hub.WaitState("armed_away", 1s)) REQUIRE(hub.Arm());
  hub.Zigbee("front_door", {{"contact", false}});  // a new event after the restart
  REQUIRE(hub.platform->WaitFor(
      HubFixture::Up("events"),
      [](const Message& m) { return m.Json().value("type", "") == "system_start"; }, 5s));
  std::this_thread::sleep_for(1s);
  // Every id the platform received names one payload only (before the fix the new run's events
  // took the seqs that had left from memory), and the new run numbers above them.
  std::map<std::string, std::string> payload_by_id;
  std::uint64_t restart_seq = 0;
  for (const Message& m : hub.platform->Received(HubFixture::Up("events"))) {
    const nlohmann::json event = m.Json();
    const std::string id = event.value("id", "");
    const auto [it, inserted] = payload_by_id.emplace(id, m.payload);
    INFO("id " << id);
    CHECK(it->second == m.payload);
    if (event.value("type", "") == "system_start") restart_seq = SeqOfEvent(event);
  }
  CHECK(restart_seq > memory_seq);
  CHECK(hub.DaemonLog().find("so that none is reused") != std::string::npos);
}

}  // namespace homesec::testing
