// End to end through real brokers and the real homesecd: sensor messages in, alarms out on the
// district uplink, with the fields a platform relies on; faults on the way lose nothing.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "tests/integration/hub_fixture.hpp"

namespace homesec::testing {
namespace {

std::uint64_t SeqOf(const nlohmann::json& event) {
  const std::string id = event.value("id", "");
  return std::stoull(id.substr(id.rfind(':') + 1));
}

}  // namespace

TEST_CASE("uplink: entry door opened while armed away raises burglary after the entry delay") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  REQUIRE(hub.Arm());

  const auto opened = Clock::now();
  hub.Zigbee("front_door", {{"contact", false}, {"battery", 97}, {"linkquality", 110}});
  CHECK(hub.WaitState("pending"));
  const auto burglary = hub.WaitUplinkEvent("burglary", 10s);
  REQUIRE(burglary.has_value());
  const auto delay = Clock::now() - opened;
  CHECK(delay >= 1800ms);  // entry delay 2 s: not before it ends
  CHECK(delay < 6s);

  const nlohmann::json& event = *burglary;
  CHECK(event["id"] ==
        std::string(kHubId) + ":" + std::to_string(event["seq"].get<std::uint64_t>()));
  CHECK(event["zone"] == "front_door");
  CHECK(event["mode"] == "armed_away");
  CHECK(event["category"] == "alarm");
  CHECK(event["contact_id"]["code"] == 134);  // Contact ID 134: entry/exit burglary
  CHECK(event["contact_id"]["qualifier"] == 1);
  CHECK(hub.WaitState("triggered"));
}

TEST_CASE("uplink: correct code during the entry delay disarms with no alarm") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  REQUIRE(hub.Arm());

  hub.Zigbee("front_door", {{"contact", false}});
  REQUIRE(hub.WaitState("pending"));
  hub.Command({{"action", "DISARM"}, {"code", kPin}, {"request_id", "in-time"}});
  const auto result = hub.WaitResult("in-time");
  REQUIRE(result.has_value());
  CHECK((*result)["accepted"] == true);
  CHECK(hub.WaitState("disarmed"));
  std::this_thread::sleep_for(3s);  // past the end of the entry delay
  CHECK_FALSE(hub.WaitUplinkEvent("burglary", 100ms).has_value());
}

TEST_CASE("uplink: alarms raised while the district broker is down arrive in order, once each") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  REQUIRE(hub.Arm());
  std::this_thread::sleep_for(300ms);  // arming event acknowledged

  hub.district.Stop();
  hub.Zigbee("kitchen_window", {{"contact", false}});
  std::this_thread::sleep_for(200ms);
  hub.Zigbee("hall_motion", {{"occupancy", true}});
  std::this_thread::sleep_for(200ms);
  REQUIRE(hub.DriveLatch(true));
  std::this_thread::sleep_for(10s);  // the district broker stays down for 10 s
  const std::size_t before = hub.UplinkEvents().size();
  REQUIRE(hub.district.Start());

  // All three burglaries arrive after the broker is back.
  std::vector<nlohmann::json> burglaries;
  const auto until = Clock::now() + 20s;
  while (Clock::now() < until) {
    burglaries.clear();
    const auto events = hub.UplinkEvents();
    for (std::size_t i = before; i < events.size(); ++i) {
      if (events[i].value("type", "") == "burglary") burglaries.push_back(events[i]);
    }
    if (burglaries.size() >= 3) break;
    std::this_thread::sleep_for(50ms);
  }
  REQUIRE(burglaries.size() == 3);
  CHECK(burglaries[0]["zone"] == "kitchen_window");
  CHECK(burglaries[1]["zone"] == "hall_motion");
  CHECK(burglaries[2]["zone"] == "bedroom_window");
  CHECK(SeqOf(burglaries[0]) < SeqOf(burglaries[1]));
  CHECK(SeqOf(burglaries[1]) < SeqOf(burglaries[2]));

  // The whole backlog (burglaries and the link trouble between them) arrives in seq order.
  {
    const auto events = hub.UplinkEvents();
    std::vector<std::uint64_t> seqs;
    for (std::size_t i = before; i < events.size(); ++i) seqs.push_back(SeqOf(events[i]));
    CHECK(std::is_sorted(seqs.begin(), seqs.end()));
  }

  // Acknowledged: never sent again.
  std::this_thread::sleep_for(2s);
  std::multiset<std::string> ids;
  const auto events = hub.UplinkEvents();
  for (std::size_t i = before; i < events.size(); ++i) ids.insert(events[i].value("id", ""));
  for (const auto& burglary : burglaries) CHECK(ids.count(burglary["id"].get<std::string>()) == 1);
}

TEST_CASE("uplink: events not acknowledged when homesecd is killed are delivered after restart") {
  HubFixture hub;
  hub.SetAutoAck(false);
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  REQUIRE(hub.Arm());
  hub.Zigbee("kitchen_window", {{"contact", false}});
  const auto first = hub.WaitUplinkEvent("burglary", 5s);
  REQUIRE(first.has_value());

  hub.KillDaemon();  // SIGKILL: no clean shutdown
  hub.platform->Clear();
  hub.SetAutoAck(true);
  REQUIRE(hub.StartDaemon());
  const auto again = hub.WaitUplinkEvent("burglary", 10s);
  REQUIRE(again.has_value());
  CHECK((*again)["id"] == (*first)["id"]);
  CHECK((*again)["zone"] == "kitchen_window");
}

// An alarm is published before its commit is fsynced. A power cut in between loses the commit,
// not the alarm (the platform has it); the hub must then never give that seq to another event,
// or the platform would drop the new one as a duplicate.
TEST_CASE("uplink: after a power cut lost the newest commits, no seq the platform has is reused") {
  HubFixture hub;
  hub.boot_id = "boot-before-the-cut";
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  REQUIRE(hub.Arm());
  std::this_thread::sleep_for(300ms);  // the arming event acknowledged

  // What the disk holds when the power goes: everything up to now, nothing after.
  hub.KillDaemon();
  const std::string db = hub.dir.File("homesec.db");
  for (const char* suffix : {"", "-wal"}) {
    std::filesystem::copy_file(db + suffix, db + suffix + ".disk",
                               std::filesystem::copy_options::overwrite_existing);
  }
  REQUIRE(hub.StartDaemon());  // same boot: nothing lost
  hub.Zigbee("kitchen_window", {{"contact", false}});
  const auto before_cut = hub.WaitUplinkEvent("burglary", 5s);
  REQUIRE(before_cut.has_value());

  // The power cut: the process dies and the commits since the copy never reached the disk.
  hub.KillDaemon();
  for (const char* suffix : {"", "-wal"}) {
    std::filesystem::copy_file(db + suffix + ".disk", db + suffix,
                               std::filesystem::copy_options::overwrite_existing);
  }
  std::filesystem::remove(db + "-shm");
  // Neither the first start nor the restart in the same boot moved the seqs.
  const std::size_t log_before_reboot = hub.DaemonLog().size();
  CHECK(hub.DaemonLog().find("so that none is reused") == std::string::npos);
  hub.boot_id = "boot-after-the-cut";  // the machine rebooted
  const std::size_t seen = hub.UplinkEvents().size();
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.WaitState("armed_away"));  // the armed state was on disk
  hub.Zigbee("kitchen_window", {{"contact", true}});
  hub.Zigbee("hall_motion", {{"occupancy", true}});
  std::optional<nlohmann::json> after_cut;
  const auto until = Clock::now() + 10s;
  while (!after_cut && Clock::now() < until) {
    const auto events = hub.UplinkEvents();
    for (std::size_t i = seen; i < events.size(); ++i) {
      if (events[i].value("type", "") == "burglary" && events[i].value("zone", "") == "hall_motion")
        after_cut = events[i];
    }
    std::this_thread::sleep_for(50ms);
  }
  REQUIRE(after_cut.has_value());
  CHECK(SeqOf(*after_cut) > SeqOf(*before_cut));
  // No id ever reached the platform with two different payloads (resends are byte-identical).
  std::map<std::string, std::string> payloads;
  for (const auto& event : hub.UplinkEvents()) {
    const auto it = payloads.emplace(event.value("id", ""), event.dump()).first;
    INFO("id ", it->first, " arrived with two different payloads");
    CHECK(it->second == event.dump());
  }
  // This start did, because the boot id changed without a clean stop.
  CHECK(hub.DaemonLog().find("so that none is reused", log_before_reboot) != std::string::npos);
}

TEST_CASE("uplink: a forced window latch on a simulated GPIO line raises burglary") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  REQUIRE(hub.Arm());
  REQUIRE(hub.DriveLatch(true));
  const auto burglary = hub.WaitUplinkEvent("burglary", 5s);
  REQUIRE(burglary.has_value());
  CHECK((*burglary)["zone"] == "bedroom_window");
  CHECK((*burglary)["mode"] == "armed_away");
}

TEST_CASE("uplink: the platform's dispatch status is shown to residents on the local broker") {
  HubFixture hub;
  REQUIRE(hub.StartDaemon());
  REQUIRE(hub.AllClosed());
  REQUIRE(hub.Arm());
  hub.Zigbee("kitchen_window", {{"contact", false}});
  const auto burglary = hub.WaitUplinkEvent("burglary", 5s);
  REQUIRE(burglary.has_value());
  hub.platform->Publish(HubFixture::Up("ack"), nlohmann::json{{"id", (*burglary)["id"]},
                                                              {"status", "dispatched"},
                                                              {"note", "patrol 7 on the way"}}
                                                   .dump());
  const auto dispatch = hub.local->WaitFor(
      HubFixture::Local("dispatch"),
      [](const Message& m) { return m.Json().value("status", "") == "dispatched"; }, 5s);
  REQUIRE(dispatch.has_value());
  CHECK(dispatch->Json()["id"] == (*burglary)["id"]);
  CHECK(dispatch->Json()["note"] == "patrol 7 on the way");
}

}  // namespace homesec::testing
