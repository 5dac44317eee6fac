// Restart restore: Snapshot() -> Restore() -> Start() resumes exactly (armed stays armed, delays
// and the siren resume with their remaining time less the time spent down) and a restart never
// raises an alarm. Also Reconfigure() keeping mode and zone states.
#include <doctest/doctest.h>

#include "tests/unit/rules/panel_test_support.hpp"

namespace homesec::test {
namespace {

// Snapshots `h`, "reboots" for `down` (both clocks move; the monotonic one restarts elsewhere)
// and returns the restored panel and the actions of its Start().
struct Restarted {
  Panel panel;
  std::vector<Action> start;
  Now now;
};

Restarted Restart(Harness& h, Millis down, std::string* error = nullptr) {
  const nlohmann::json snapshot = h.panel.Snapshot(h.now);
  // A reboot: the wall clock moved on by `down`, the monotonic clock started from zero again.
  const Now later{MonoTime{} + seconds(3), h.now.wall + down};
  std::string err;
  Panel panel =
      Panel::Restore(h.panel.config(), nlohmann::json::parse(snapshot.dump()), later, &err);
  if (error) *error = err;
  auto start = panel.Start(later);
  return Restarted{std::move(panel), std::move(start), later};
}

TEST_CASE("restore: every armed mode round-trips and stays armed without an alarm") {
  for (CommandAction arm : {CommandAction::kArmHome, CommandAction::kArmNight,
                            CommandAction::kArmAway, CommandAction::kArmVacation}) {
    Harness h;
    h.ArmAndWait(arm);
    std::string error;
    Restarted r = Restart(h, minutes(10), &error);
    CHECK(error.empty());
    CHECK(r.panel.mode() == Harness::ArmTarget(arm));
    CHECK(r.panel.armed_mode() == Harness::ArmTarget(arm));
    for (const Event& e : Events(r.start)) CHECK(e.category != EventCategory::kAlarm);
    CHECK_FALSE(SirenTurnedOn(r.start));
    CHECK(Events(r.panel.Handle(Tick{}, r.now)).empty());
  }
}

TEST_CASE("restore: disarmed round-trips with zone states and the next sequence number") {
  Harness h;
  h.Open("front_door");
  const std::uint64_t seq = h.panel.next_seq();
  Restarted r = Restart(h, minutes(1));
  CHECK(r.panel.mode() == Mode::kDisarmed);
  CHECK(r.panel.zone_status("front_door") == ZoneStatus::kOpen);
  CHECK(r.panel.zone_status("kitchen_window") == ZoneStatus::kClosed);
  const auto events = Events(r.start);
  REQUIRE(events.size() == 1);
  CHECK(events[0].seq == seq);
}

TEST_CASE("restore: SkipSeqsBelow moves the sequence forward, never back") {
  Harness h;
  h.Open("front_door");
  const std::uint64_t seq = h.panel.next_seq();
  const nlohmann::json snapshot = h.panel.Snapshot(h.now);
  std::string error;
  Panel panel = Panel::Restore(h.panel.config(), snapshot, h.now, &error);
  REQUIRE(error.empty());
  panel.SkipSeqsBelow(seq + 1000);
  CHECK(panel.next_seq() == seq + 1000);
  panel.SkipSeqsBelow(seq);  // backwards: ignored
  CHECK(panel.next_seq() == seq + 1000);
  const auto events = Events(panel.Start(h.now));
  REQUIRE(events.size() == 1);
  CHECK(events[0].seq == seq + 1000);
  CHECK(panel.Snapshot(h.now).at("next_seq") == seq + 1001);
}

TEST_CASE("restore: the snapshot writes only what differs from a fresh zone or device") {
  Harness h(StandardConfig(), /*zones_closed=*/false);
  h.Close("front_door");
  h.Read("kitchen_window", "latch", "open");
  const nlohmann::json snapshot = h.panel.Snapshot(h.now);
  // Merely closed or open: only the id, in a list.
  CHECK(snapshot["closed_zones"] == nlohmann::json::array({"front_door"}));
  CHECK(snapshot["open_zones"] == nlohmann::json::array({"kitchen_window"}));
  CHECK(snapshot["zones"].empty());
  CHECK(snapshot.dump().find("hall_motion") == std::string::npos);  // never heard: nothing kept
  Restarted r = Restart(h, seconds(5));
  CHECK(r.panel.zone_status("front_door") == ZoneStatus::kClosed);
  CHECK(r.panel.zone_status("kitchen_window") == ZoneStatus::kOpen);
  CHECK(r.panel.zone_status("hall_motion") == ZoneStatus::kUnknown);
}

TEST_CASE("restore: a snapshot in the full form (every field written) still restores") {
  Harness h;
  h.ArmAndWait();
  nlohmann::json snapshot = h.panel.Snapshot(h.now);
  const nlohmann::json full_zone = {{"active", false},
                                    {"alarmed", true},
                                    {"alarm_code", 131},
                                    {"alarm_count", 1},
                                    {"force_bypassed", false},
                                    {"swinger_bypassed", false},
                                    {"lock_state", ""},
                                    {"lock_jammed", false},
                                    {"lock_wrong_codes", nlohmann::json::array()},
                                    {"door_held_remaining_ms", nullptr}};
  snapshot["zones"]["kitchen_window"] = full_zone;
  snapshot["devices"]["kitchen_window"] = {{"unavailable_remaining_ms", nullptr},
                                           {"unavailable_trouble", false},
                                           {"silent_trouble", false},
                                           {"battery_low", true}};
  std::string error;
  Panel panel = Panel::Restore(h.panel.config(), snapshot, h.now, &error);
  CHECK(error.empty());
  CHECK(panel.mode() == Mode::kArmedAway);
  const nlohmann::json again = panel.Snapshot(h.now);
  CHECK(again["zones"]["kitchen_window"] ==
        nlohmann::json{
            {"active", false}, {"alarmed", true}, {"alarm_code", 131}, {"alarm_count", 1}});
  CHECK(again["devices"]["kitchen_window"] == nlohmann::json{{"battery_low", true}});
}

TEST_CASE("restore: Start announces state, every zone and a system_start event (305)") {
  Harness h;
  h.ArmAndWait();
  Restarted r = Restart(h, minutes(1));
  const auto states = All<StateChanged>(r.start);
  REQUIRE(states.size() == 1);
  CHECK(states[0].mode == Mode::kArmedAway);
  CHECK(All<ZoneChanged>(r.start).size() == h.panel.config().zones.size());
  const auto start = FindEvent(r.start, "system_start");
  REQUIRE(start);
  CHECK(start->cid.code == cid::kSystemReset);
  CHECK(start->category == EventCategory::kSystem);
  CHECK(start->report);
}

TEST_CASE("restore: a running exit delay resumes with its remaining time less the time down") {
  Harness h;
  h.Send(CommandAction::kArmAway, "1234");
  h.Advance(seconds(20));  // 40 s left
  Restarted r = Restart(h, seconds(10));
  CHECK(r.panel.mode() == Mode::kArming);
  CHECK(All<StateChanged>(r.start)[0].delay_remaining == seconds(30));
  CHECK(r.panel.NextDeadline(r.now) == r.now.mono + seconds(30));
  r.panel.Handle(Tick{}, r.now + seconds(30));
  CHECK(r.panel.mode() == Mode::kArmedAway);
}

TEST_CASE("restore: a running entry delay resumes with its remaining time, correct code disarms") {
  Harness h;
  h.ArmAndWait();
  h.Open("front_door");
  h.Advance(seconds(10));  // 20 s left
  Restarted r = Restart(h, seconds(5));
  CHECK(r.panel.mode() == Mode::kPending);
  CHECK(r.panel.NextDeadline(r.now) == r.now.mono + seconds(15));
  CHECK(Events(r.panel.Handle(Tick{}, r.now + seconds(14))).empty());
  Command disarm;
  disarm.action = CommandAction::kDisarm;
  disarm.code = "1234";
  const auto actions = r.panel.Handle(disarm, r.now + seconds(14));
  CHECK(r.panel.mode() == Mode::kDisarmed);
  for (const Event& e : Events(actions)) CHECK(e.category != EventCategory::kAlarm);
}

TEST_CASE("restore: an entry delay that expired while down alarms at the first Tick") {
  Harness h;
  h.ArmAndWait();
  h.Open("front_door");
  h.Advance(seconds(10));
  Restarted r = Restart(h, minutes(2));
  // Start itself raises nothing; the Tick handles the expired delay.
  for (const Event& e : Events(r.start)) CHECK(e.category != EventCategory::kAlarm);
  REQUIRE(r.panel.NextDeadline(r.now));
  CHECK(*r.panel.NextDeadline(r.now) <= r.now.mono);
  const auto actions = r.panel.Handle(Tick{}, r.now);
  REQUIRE(FindEvent(actions, "burglary"));
  CHECK(FindEvent(actions, "burglary")->cid.code == cid::kEntryExit);
  CHECK(r.panel.mode() == Mode::kTriggered);
}

TEST_CASE("restore: a sounding siren resumes until its end, then the panel returns to armed") {
  Harness h;
  h.ArmAndWait();
  h.Read("kitchen_window", "latch", "open");
  h.Advance(seconds(100));  // 80 s of siren left
  Restarted r = Restart(h, seconds(20));
  CHECK(r.panel.mode() == Mode::kTriggered);
  const auto siren = Siren(r.start);
  REQUIRE(siren);
  CHECK(siren->pattern == OutputPattern::kSteady);
  CHECK(siren->duration == seconds(60));
  CHECK(Events(r.panel.Handle(Tick{}, r.now + seconds(59))).empty());
  const auto actions = r.panel.Handle(Tick{}, r.now + seconds(60));
  CHECK(SirenTurnedOff(actions));
  CHECK(r.panel.mode() == Mode::kArmedAway);
}

TEST_CASE("restore: swinger shutdowns, force bypasses and troubles survive a restart") {
  Harness h;
  h.Read("kitchen_window", "latch", "open");
  h.Send(CommandAction::kArmAway, "1234", /*force=*/true);
  h.Advance(seconds(60));
  h.Read("leak_sensor", "battery_low", true);
  h.Advance(minutes(5));
  for (int i = 0; i < 2; ++i) {  // living_motion reaches its swinger limit
    h.Motion("living_pir", true);
    h.Motion("living_pir", false);
  }
  h.Advance(minutes(5));
  Restarted r = Restart(h, minutes(1));
  CHECK(r.panel.mode() == Mode::kArmedAway);
  CHECK(r.panel.zone_status("kitchen_window") == ZoneStatus::kBypassed);
  CHECK(r.panel.zone_status("living_motion") == ZoneStatus::kBypassed);
  CHECK(Events(r.panel.Handle(Reading{"living_pir", "occupancy", true, false}, r.now)).empty());
  // The battery trouble is known: a repeat is not a new trouble.
  CHECK(Events(r.panel.Handle(Reading{"leak_sensor", "battery_low", true, false}, r.now)).empty());
}

TEST_CASE("restore: a code lockout survives a restart") {
  Harness h;
  h.ArmAndWait();
  for (int i = 0; i < 5; ++i) h.Disarm("0000");
  Restarted r = Restart(h, seconds(10));
  Command disarm;
  disarm.action = CommandAction::kDisarm;
  disarm.code = "1234";
  const auto result = Result(r.panel.Handle(disarm, r.now));
  REQUIRE(result);
  CHECK(result->reason == "locked_out");
}

TEST_CASE("restore: an unreadable snapshot gives an error and a fresh disarmed panel") {
  std::string error;
  Panel panel =
      Panel::Restore(StandardConfig(), nlohmann::json{{"mode", "armed_away"}}, kEpoch, &error);
  CHECK_FALSE(error.empty());
  CHECK(panel.mode() == Mode::kDisarmed);
  CHECK(panel.next_seq() == 1);
  error.clear();
  Panel bad_mode = Panel::Restore(StandardConfig(), nlohmann::json::array(), kEpoch, &error);
  CHECK_FALSE(error.empty());
}

TEST_CASE("restore: a fire alarm raised while disarmed resumes and ends in disarmed") {
  Harness h;
  h.Read("smoke_detector", "smoke", true);
  h.Advance(seconds(60));
  Restarted r = Restart(h, seconds(30));
  CHECK(r.panel.mode() == Mode::kTriggered);
  REQUIRE(Siren(r.start));
  CHECK(Siren(r.start)->reason == SirenReason::kFire);
  CHECK(Siren(r.start)->duration == seconds(90));
  r.panel.Handle(Tick{}, r.now + seconds(90));
  CHECK(r.panel.mode() == Mode::kDisarmed);
}

TEST_CASE("restore: cross-zone memory survives a restart") {
  PanelConfig config = StandardConfig();
  config.zones[1].type = ZoneType::kInterior;
  config.zones[1].cross_zone_group = "ground_floor";
  config.zones[3].cross_zone_group = "ground_floor";
  Harness h(config);
  h.ArmAndWait();
  h.Motion("hall_pir", true);
  h.Advance(seconds(180));
  Restarted r = Restart(h, minutes(1));
  const auto actions = r.panel.Handle(Reading{"living_pir", "occupancy", true, false}, r.now);
  CHECK(FindEvent(actions, "intrusion_confirmed"));
}

TEST_CASE("restore: retained readings replayed after a restart raise no alarm") {
  Harness h;
  h.ArmAndWait();
  Restarted r = Restart(h, minutes(1));
  for (const ZoneConfig& zone : r.panel.config().zones) {
    const Value closed = zone.property == "contact" || zone.property == "latch"
                             ? Value{std::string("closed")}
                         : zone.type == ZoneType::kLock ? Value{std::string("locked")}
                                                        : Value{false};
    CHECK(Events(r.panel.Handle(Reading{zone.device, zone.property, closed, true}, r.now)).empty());
  }
  CHECK(r.panel.mode() == Mode::kArmedAway);
}

TEST_CASE("reconfigure: keeps mode and the states of zones that still exist") {
  Harness h;
  h.Read("kitchen_window", "latch", "open");
  h.Send(CommandAction::kArmHome, "1234", /*force=*/true);
  h.Advance(seconds(60));
  PanelConfig config = StandardConfig();
  config.zones.erase(config.zones.begin() + 5);  // leak removed
  config.zones.push_back(MakeZone("garage", 30, ZoneType::kPerimeter, "garage_door", "contact"));
  const auto actions = h.panel.Reconfigure(config, h.now);
  CHECK(h.panel.mode() == Mode::kArmedHome);
  CHECK(h.panel.zone_status("kitchen_window") == ZoneStatus::kBypassed);
  CHECK(h.panel.zone_status("front_door") == ZoneStatus::kClosed);
  CHECK(h.panel.zone_status("garage") == ZoneStatus::kUnknown);
  const auto changes = All<ZoneChanged>(actions);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].zone == "garage");
}

}  // namespace
}  // namespace homesec::test
