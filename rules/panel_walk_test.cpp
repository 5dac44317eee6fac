// Walk test (WALK_TEST / WALK_TEST_STOP): the installer walks the house, opens and closes every
// zone, and sees which of them the panel heard, both ways, and which device reported tamper.
// Contact ID 1 607 when it starts and 3 607 when it ends (607 "walk test mode" is an
// entry/exit pair; 608 is a periodic test with a trouble present, not the end of a walk test).
//
// The policy, after the pro panels:
// - Only while disarmed, with a master code (there is no installer role among the users: the
//   master is the one who may enrol devices and test them, as for PAIR). Checked before the
//   code, as PAIR is: a request that cannot be carried out costs no lockout attempt.
// - A zone under test raises nothing: no alarm, no siren, no chime, no held-door timer, nothing
//   to the platform. Each direction seen is logged locally (611 "point tested OK", never
//   reported) and relayed live (WalkTestChanged). DSC's installer walk test and Vista's test
//   mode do the same: the bell chirps, the central station hears only the test mode itself.
// - Zones not under test keep their normal behaviour, 24-hour zones raise their alarms, and
//   troubles are reported as ever. With no zones named, every zone but the 24-hour ones (fire,
//   gas, water, panic and tamper: Is24Hour) is under test, so that nothing that is live at all
//   hours is silenced by default; a 24-hour zone is tested only when named.
// - Life safety (fire, gas, water and panic zones, those the swinger limit never shuts down):
//   Vista and DSC test fire zones without reporting them, which leaves a house without smoke
//   detection for the length of the test. homesec errs on the side of life safety: such a zone
//   is under test only when named (the default leaves every 24-hour zone live), and only once:
//   its first fault is recorded without an alarm, and from its restore on it is live again, so
//   that the next smoke is a fire. One still in alarm when the test ends raises its alarm then.
// - Lock zones are tested by locking and unlocking; a forced or picked cylinder is an attack,
//   never part of a test, and still alarms.
// - Arming (and a watch's arming) is refused while a walk test runs. It ends by itself after
//   its time (a panel deadline, resumed after a restart), or on WALK_TEST_STOP. Leaving it
//   restores normal operation: a burglary zone left open is then an open zone of a disarmed
//   panel (no alarm; it blocks arming as ever), a 24-hour zone still active raises its alarm,
//   a held door still open starts its limit.
// - WALK_TEST while one runs is refused (stop it first); WALK_TEST_STOP takes any valid code
//   (it gives protection back, as UNBYPASS and PAIR_STOP do) and is accepted when none runs.
#include <algorithm>
#include <string>

#include "rules/contact_id_codes.hpp"
#include "rules/panel_engine.hpp"
#include "rules/text.hpp"

namespace homesec {
namespace {

// The zones whose first alarm must never be lost: the same the swinger limit never shuts down.
bool IsLifeSafety(const ZoneConfig& zone) {
  return !PanelEngine::CountsForSwinger(zone);
}

// Whether a master code may run a walk test: there is no installer role (panel_config.hpp
// Role); an installer role would be accepted here as well.
bool MayRunWalkTest(Role role) {
  return role == Role::kMaster;
}

std::string Minutes(Seconds time) {
  const auto minutes = time.count() / 60;
  const auto seconds = time.count() % 60;
  if (seconds == 0) return std::to_string(minutes) + " min";
  return minutes == 0 ? std::to_string(seconds) + " s"
                      : std::to_string(minutes) + " min " + std::to_string(seconds) + " s";
}

WalkTestZone* FindTested(WalkTestState& test, const std::string& zone) {
  for (WalkTestZone& z : test.zones) {
    if (z.zone == zone) return &z;
  }
  return nullptr;
}

}  // namespace

bool PanelEngine::UnderWalkTest(const ZoneConfig& zone) const {
  if (!state_.walk_test) return false;
  for (const WalkTestZone& z : state_.walk_test->zones) {
    if (z.zone != zone.id) continue;
    return !(IsLifeSafety(zone) && z.opened && z.closed);
  }
  return false;
}

WalkTestChanged PanelEngine::WalkTestProgress(std::string type) const {
  WalkTestChanged progress;
  progress.type = std::move(type);
  if (!state_.walk_test) return progress;
  progress.user = state_.walk_test->user;
  progress.zones = state_.walk_test->zones;
  const auto left = std::max(
      Millis{0}, std::chrono::duration_cast<Millis>(state_.walk_test->deadline - now_.mono));
  progress.ends = now_.wall + left;
  return progress;
}

void PanelEngine::WalkTestSeen(const ZoneConfig& zone, const std::string& direction) {
  WalkTestZone* tested = FindTested(*state_.walk_test, zone.id);
  if (tested == nullptr) return;
  bool& flag = direction == "opened"   ? tested->opened
               : direction == "closed" ? tested->closed
                                       : tested->tamper;
  const bool first = !flag;
  flag = true;
  // A tamper zone's fault is its tamper.
  if (zone.type == ZoneType::kTamper24h && direction == "opened") tested->tamper = true;
  if (first) {
    Event event =
        MakeZoneEvent(zone, EventCategory::kTest, Priority::kLow, "walk_test_zone", cid::kNew,
                      cid::kPointTestedOk, "walk test: zone " + zone.id + " " + direction);
    event.report = false;  // the platform hears only 607
    event.user = state_.walk_test->user;
    Emit(std::move(event));
  }
  WalkTestChanged progress = WalkTestProgress("seen");
  progress.zone = zone.id;
  progress.direction = direction;
  AddAction(std::move(progress));
}

void PanelEngine::WalkTestTamper(const std::string& device) {
  for (const ZoneConfig& zone : config_.zones) {
    if (zone.device != device || ZoneListensTo(zone, "tamper") || !UnderWalkTest(zone)) continue;
    WalkTestSeen(zone, "tamper");
  }
}

void PanelEngine::HandleWalkTestCommand(const Command& command) {
  if (command.action == CommandAction::kWalkTestStop) {
    const auto checked = CheckCode(command, /*for_disarm=*/false);
    if (!checked) return;
    if (!state_.walk_test) {
      Reply(command, true, "ok", "no walk test is running", checked->user);
      return;
    }
    EndWalkTest("stopped", checked->user, checked->number);
    Reply(command, true, "ok", "walk test ended", checked->user);
    return;
  }
  if (command.walk_time <= Seconds(0) || command.walk_time > kMaxWalkTestTime) {
    Reply(command, false, "invalid_request",
          "walk test time must be 1 s to " + Minutes(kMaxWalkTestTime));
    return;
  }
  std::vector<const ZoneConfig*> zones;
  if (command.walk_zones.empty()) {
    for (const ZoneConfig& zone : config_.zones) {
      if (!Is24Hour(zone.type)) zones.push_back(&zone);
    }
  } else {
    if (command.walk_zones.size() > kMaxWalkTestZones) {
      Reply(command, false, "invalid_request",
            "at most " + std::to_string(kMaxWalkTestZones) + " zones per walk test");
      return;
    }
    for (const std::string& id : command.walk_zones) {
      const ZoneConfig* zone = FindZone(id);
      if (zone == nullptr) {
        Reply(command, false, "unknown_zone",
              "no zone '" + PrintableText(id, 64) + "' in this installation");
        return;
      }
      if (std::find(zones.begin(), zones.end(), zone) == zones.end()) zones.push_back(zone);
    }
  }
  if (zones.empty()) {
    Reply(command, false, "invalid_request", "no zone to test");
    return;
  }
  if (state_.mode != Mode::kDisarmed) {
    Reply(
        command, false, "not_allowed",
        "cannot start a walk test while " + std::string(ToString(state_.mode)) + ": disarm first");
    return;
  }
  if (state_.walk_test) {
    Reply(command, false, "not_allowed",
          "a walk test is already running: stop it first (WALK_TEST_STOP)");
    return;
  }
  const auto checked = CheckCode(command, /*for_disarm=*/true);
  if (!checked) return;
  if (!MayRunWalkTest(checked->role)) {
    Reply(command, false, "not_allowed",
          "a walk test needs a master code" +
              (checked->user.empty() ? std::string() : ": " + checked->user + " is not a master"),
          checked->user);
    return;
  }
  WalkTestState test;
  test.deadline = now_.mono + command.walk_time;
  test.user = checked->user;
  test.user_number = checked->number;
  for (const ZoneConfig* zone : zones) test.zones.push_back(WalkTestZone{zone->id});
  state_.walk_test = std::move(test);
  const std::string what = std::to_string(zones.size()) + (zones.size() == 1 ? " zone" : " zones") +
                           " for " + Minutes(command.walk_time);
  Event event = MakeEvent(
      EventCategory::kTest, Priority::kLow, "walk_test_started", cid::kNew, cid::kWalkTest,
      "walk test started" + (checked->user.empty() ? "" : " by " + checked->user) + ": " + what);
  event.user = checked->user;
  event.cid.number = checked->number;
  Emit(std::move(event));
  AddAction(WalkTestProgress("started"));
  Reply(command, true, "ok", "walk test running: " + what, checked->user);
}

void PanelEngine::EndWalkTest(const std::string& reason, const std::string& user, int user_number) {
  if (!state_.walk_test) return;
  // The zones still under test (a life-safety zone seen both ways is live already).
  std::vector<const ZoneConfig*> tested;
  for (const WalkTestZone& z : state_.walk_test->zones) {
    if (const ZoneConfig* zone = FindZone(z.zone); zone != nullptr && UnderWalkTest(*zone)) {
      tested.push_back(zone);
    }
  }
  WalkTestChanged report = WalkTestProgress("ended");
  report.reason = reason;
  report.ends = now_.wall;
  if (!user.empty()) report.user = user;
  std::size_t both = 0;
  for (const WalkTestZone& z : report.zones) both += z.opened && z.closed ? 1 : 0;
  state_.walk_test.reset();
  Event event = MakeEvent(EventCategory::kTest, Priority::kLow, "walk_test_ended", cid::kRestore,
                          cid::kWalkTest,
                          "walk test ended (" + reason + (user.empty() ? "" : " by " + user) +
                              "): " + std::to_string(both) + " of " +
                              std::to_string(report.zones.size()) + " zones seen both ways");
  event.user = user;
  event.cid.number = user_number;
  Emit(std::move(event));
  AddAction(std::move(report));
  // Normal operation again, for what the zones are now.
  for (const ZoneConfig* zone : tested) {
    const ZoneRuntime& rt = state_.zones[zone->id];
    if (rt.active != true) continue;
    if (Is24Hour(zone->type) || zone->type == ZoneType::kDoorHeld) ZoneActivated(*zone);
  }
}

}  // namespace homesec
