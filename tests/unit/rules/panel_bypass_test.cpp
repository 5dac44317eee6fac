// Manual zone bypass (BYPASS / UNBYPASS): only while disarmed, never a 24-hour or lock zone, with
// a code that counts towards the lockout; a bypassed zone shows bypassed, raises nothing and does
// not block arming, until UNBYPASS or (until_disarm) the next disarm; 1 570 / 3 570 events; it
// survives a restart.
#include <doctest/doctest.h>

#include "tests/unit/rules/panel_test_support.hpp"

namespace homesec::test {
namespace {

std::vector<Action> Bypass(Harness& h, const std::string& zone, std::optional<std::string> code,
                           bool until_disarm = false, const std::string& source = "test") {
  Command command;
  command.action = CommandAction::kBypass;
  command.zone = zone;
  command.code = std::move(code);
  command.until_disarm = until_disarm;
  command.source = source;
  static int requests = 0;
  command.request_id = "bypass-" + std::to_string(++requests);
  return h.panel.Handle(command, h.now);
}

std::vector<Action> Unbypass(Harness& h, const std::string& zone, std::optional<std::string> code) {
  Command command;
  command.action = CommandAction::kUnbypass;
  command.zone = zone;
  command.code = std::move(code);
  command.source = "test";
  static int requests = 0;
  command.request_id = "unbypass-" + std::to_string(++requests);
  return h.panel.Handle(command, h.now);
}

std::optional<ZoneChanged> ZoneUpdate(const std::vector<Action>& actions, const std::string& id) {
  std::optional<ZoneChanged> last;
  for (const ZoneChanged& z : All<ZoneChanged>(actions)) {
    if (z.zone == id) last = z;
  }
  return last;
}

bool HasAlarm(const std::vector<Action>& actions) {
  for (const Event& e : Events(actions)) {
    if (e.category == EventCategory::kAlarm) return true;
  }
  return false;
}

TEST_CASE("bypass: a disarmed resident bypasses a zone with a code, recorded as 1 570 zone") {
  Harness h;
  const auto actions = Bypass(h, "kitchen_window", "1234");
  const auto result = Result(actions);
  REQUIRE(result);
  CHECK(result->accepted);
  CHECK(result->reason == "ok");
  CHECK(result->action == CommandAction::kBypass);
  CHECK(result->user == "anna");
  CHECK(result->message == "zone kitchen_window bypassed until unbypassed");
  const auto event = FindEvent(actions, "manual_bypass");
  REQUIRE(event);
  CHECK(event->cid == ContactId{1, 570, 0, 3});
  CHECK(event->category == EventCategory::kBypass);
  CHECK(event->zone == "kitchen_window");
  CHECK(event->device == "kitchen_window");
  CHECK(event->user == "anna");
  CHECK(event->mode == Mode::kDisarmed);
  CHECK(event->report);  // it reaches the platform
  CHECK_FALSE(event->silent);
  CHECK(h.panel.zone_status("kitchen_window") == ZoneStatus::kBypassed);
}

TEST_CASE("bypass: the zone shows bypassed while disarmed, open still its raw state") {
  Harness h;
  h.Read("kitchen_window", "latch", "open");
  const auto actions = Bypass(h, "kitchen_window", "1234");
  const auto update = ZoneUpdate(actions, "kitchen_window");
  REQUIRE(update);
  CHECK(update->status == ZoneStatus::kBypassed);
  CHECK(update->open);
  const auto closed = ZoneUpdate(h.Read("kitchen_window", "latch", "closed"), "kitchen_window");
  REQUIRE(closed);
  CHECK(closed->status == ZoneStatus::kBypassed);
  CHECK_FALSE(closed->open);
}

TEST_CASE("bypass: an open bypassed zone does not block arming and is not an open zone") {
  Harness h;
  h.Read("kitchen_window", "latch", "open");
  CHECK(Result(h.Send(CommandAction::kArmAway, "1234"))->reason == "zones_open");
  Bypass(h, "kitchen_window", "1234");
  const auto actions = h.Send(CommandAction::kArmAway, "1234");
  const auto result = Result(actions);
  REQUIRE(result);
  CHECK(result->accepted);
  CHECK(result->open_zones.empty());
  CHECK(result->message == "arming armed_away");
  CHECK_FALSE(FindEvent(actions, "zone_bypassed"));  // not a forced arm
  h.Advance(seconds(60));
  CHECK(h.panel.mode() == Mode::kArmedAway);
  CHECK(h.panel.zone_status("kitchen_window") == ZoneStatus::kBypassed);
}

TEST_CASE("bypass: a bypassed zone opened while armed raises no alarm and no entry delay") {
  Harness h;
  Bypass(h, "kitchen_window", "1234");
  Bypass(h, "front_door", "1234");
  h.ArmAndWait();
  REQUIRE(h.panel.mode() == Mode::kArmedAway);
  auto actions = h.Read("kitchen_window", "latch", "open");
  Harness::Append(actions, h.Open("front_door"));
  Harness::Append(actions, h.Advance(seconds(60)));
  CHECK_FALSE(HasAlarm(actions));
  CHECK_FALSE(SirenTurnedOn(actions));
  CHECK(h.panel.mode() == Mode::kArmedAway);
  // The zones that are not bypassed still work.
  const auto motion = h.Motion("living_pir", true);
  CHECK(FindEvent(motion, "burglary"));
  CHECK(h.panel.mode() == Mode::kTriggered);
}

TEST_CASE("bypass: a bypass without until_disarm lasts across disarm until UNBYPASS") {
  Harness h;
  Bypass(h, "kitchen_window", "1234");
  h.ArmAndWait();
  const auto disarm = h.Disarm();
  CHECK_FALSE(FindEvent(disarm, "bypass_restore"));
  CHECK(h.panel.zone_status("kitchen_window") == ZoneStatus::kBypassed);
  const auto actions = Unbypass(h, "kitchen_window", "2345");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->accepted);
  CHECK(Result(actions)->user == "ben");
  CHECK(Result(actions)->message == "zone kitchen_window no longer bypassed");
  const auto restore = FindEvent(actions, "bypass_restore");
  REQUIRE(restore);
  CHECK(restore->cid == ContactId{3, 570, 0, 3});
  CHECK(restore->category == EventCategory::kBypass);
  CHECK(restore->zone == "kitchen_window");
  CHECK(restore->user == "ben");
  CHECK(restore->report);
  const auto update = ZoneUpdate(actions, "kitchen_window");
  REQUIRE(update);
  CHECK(update->status == ZoneStatus::kClosed);
  // Watched again: opened while armed it alarms.
  h.ArmAndWait();
  CHECK(FindEvent(h.Read("kitchen_window", "latch", "open"), "burglary"));
}

TEST_CASE("bypass: until_disarm ends at the next disarm with a 3 570 restore naming the user") {
  Harness h;
  const auto bypass = Bypass(h, "kitchen_window", "1234", /*until_disarm=*/true);
  CHECK(Result(bypass)->message == "zone kitchen_window bypassed until the next disarm");
  h.ArmAndWait();
  CHECK(h.panel.zone_status("kitchen_window") == ZoneStatus::kBypassed);
  const auto disarm = h.Disarm("2345");
  const auto restore = FindEvent(disarm, "bypass_restore");
  REQUIRE(restore);
  CHECK(restore->cid == ContactId{3, 570, 0, 3});
  CHECK(restore->user == "ben");
  const auto disarmed = FindEvent(disarm, "disarmed");
  REQUIRE(disarmed);
  CHECK(disarmed->seq < restore->seq);
  const auto update = ZoneUpdate(disarm, "kitchen_window");
  REQUIRE(update);
  CHECK(update->status == ZoneStatus::kClosed);
  h.ArmAndWait();
  CHECK(FindEvent(h.Read("kitchen_window", "latch", "open"), "burglary"));
}

TEST_CASE("bypass: until_disarm outlasts a DISARM sent while already disarmed") {
  // Made for the arming to come: only a disarm that ends an armed period ends it.
  Harness h;
  Bypass(h, "kitchen_window", "1234", /*until_disarm=*/true);
  const auto disarm = h.Disarm();
  CHECK(Result(disarm)->reason == "already_disarmed");
  CHECK_FALSE(FindEvent(disarm, "bypass_restore"));
  CHECK(h.panel.zone_status("kitchen_window") == ZoneStatus::kBypassed);
}

TEST_CASE("bypass: a disarm during the exit delay ends an until_disarm bypass too") {
  Harness h;
  Bypass(h, "kitchen_window", "1234", /*until_disarm=*/true);
  h.Send(CommandAction::kArmAway, "1234");
  REQUIRE(h.panel.mode() == Mode::kArming);
  CHECK(FindEvent(h.Disarm(), "bypass_restore"));
  CHECK(h.panel.zone_status("kitchen_window") == ZoneStatus::kClosed);
}

TEST_CASE("bypass: BYPASS and UNBYPASS are refused while armed, arming, pending or triggered") {
  Harness h;
  Bypass(h, "living_motion", "1234");
  h.Send(CommandAction::kArmAway, "1234");
  REQUIRE(h.panel.mode() == Mode::kArming);
  auto result = Result(Bypass(h, "kitchen_window", "1234"));
  REQUIRE(result);
  CHECK_FALSE(result->accepted);
  CHECK(result->reason == "not_allowed");
  CHECK(result->message == "cannot bypass while arming: disarm first");
  h.Advance(seconds(60));
  REQUIRE(h.panel.mode() == Mode::kArmedAway);
  result = Result(Bypass(h, "kitchen_window", "1234"));
  CHECK(result->reason == "not_allowed");
  CHECK(result->message == "cannot bypass while armed_away: disarm first");
  result = Result(Unbypass(h, "living_motion", "1234"));
  CHECK(result->reason == "not_allowed");
  CHECK(result->message == "cannot unbypass while armed_away: disarm first");
  CHECK(h.panel.zone_status("living_motion") == ZoneStatus::kBypassed);
  h.Open("front_door");
  REQUIRE(h.panel.mode() == Mode::kPending);
  CHECK(Result(Bypass(h, "kitchen_window", "1234"))->message ==
        "cannot bypass while pending: disarm first");
  h.Advance(seconds(30));
  REQUIRE(h.panel.mode() == Mode::kTriggered);
  CHECK(Result(Bypass(h, "kitchen_window", "1234"))->reason == "not_allowed");
  CHECK(h.panel.zone_status("kitchen_window") != ZoneStatus::kBypassed);
}

TEST_CASE("bypass: a refusal while armed does not check the code or count towards lockout") {
  Harness h;
  h.ArmAndWait();
  std::vector<Action> actions;
  for (int i = 0; i < 10; ++i) Harness::Append(actions, Bypass(h, "kitchen_window", "0000"));
  CHECK(CountEvents(actions, "wrong_code") == 0);
  CHECK(Result(h.Disarm())->accepted);
}

TEST_CASE("bypass: fire, gas, water, tamper, panic and lock zones are never bypassed") {
  Harness h;
  for (const char* zone : {"smoke", "gas", "leak", "door_tamper", "panic_button", "front_lock"}) {
    CAPTURE(zone);
    const ZoneStatus before = h.panel.zone_status(zone);
    const auto actions = Bypass(h, zone, "1234");
    const auto result = Result(actions);
    REQUIRE(result);
    CHECK_FALSE(result->accepted);
    CHECK(result->reason == "not_allowed");
    CHECK(result->message.find("cannot be bypassed") != std::string::npos);
    CHECK(Events(actions).empty());
    CHECK(h.panel.zone_status(zone) == before);
  }
  CHECK(Result(Bypass(h, "smoke", "1234"))->message ==
        "zone smoke (fire_24h) cannot be bypassed: fire zones are never bypassed");
  // Still watched: smoke raises the fire alarm as ever.
  CHECK(FindEvent(h.Read("smoke_detector", "smoke", true), "fire"));
}

TEST_CASE("bypass: every burglary zone type and a held door may be bypassed") {
  Harness h(DoorHeldConfig());
  for (const char* zone :
       {"front_door", "hall_motion", "kitchen_window", "living_motion", "unit_door"}) {
    CAPTURE(zone);
    const auto result = Result(Bypass(h, zone, "1234"));
    REQUIRE(result);
    CHECK(result->accepted);
    CHECK(h.panel.zone_status(zone) == ZoneStatus::kBypassed);
  }
}

TEST_CASE("bypass: an unknown zone is refused as unknown_zone without checking the code") {
  Harness h;
  const auto actions = Bypass(h, "garage_door", "0000");
  const auto result = Result(actions);
  REQUIRE(result);
  CHECK_FALSE(result->accepted);
  CHECK(result->reason == "unknown_zone");
  CHECK(result->message == "no zone 'garage_door' in this installation");
  CHECK(Events(actions).empty());  // no wrong_code: the code was never looked at
  CHECK(Result(Unbypass(h, "garage_door", "1234"))->reason == "unknown_zone");
}

TEST_CASE("bypass: a command without a zone is refused as invalid_request") {
  Harness h;
  const auto result = Result(Bypass(h, "", "1234"));
  REQUIRE(result);
  CHECK(result->reason == "invalid_request");
  CHECK(result->message == "bypass needs a zone");
}

TEST_CASE("bypass: a vacant-house watch arms with a bypassed open window") {
  Harness h;
  h.Read("kitchen_window", "latch", "open");
  Bypass(h, "kitchen_window", "1234");
  WatchSpec spec;  // departure now
  spec.expected_return = h.now.wall + hours(48);
  spec.contact_phone = "+49 170 1234567";
  Command start;
  start.action = CommandAction::kWatchStart;
  start.code = "1234";
  start.source = "test";
  start.request_id = "watch-1";
  start.watch = spec;
  const auto result = Result(h.panel.Handle(start, h.now));
  REQUIRE(result);
  CHECK(result->accepted);
  CHECK(result->reason == "ok");
  CHECK(result->open_zones.empty());
  h.Advance(seconds(60));
  CHECK(h.panel.mode() == Mode::kArmedVacation);
}

TEST_CASE("bypass: without a code it is refused as invalid_code, not counted towards lockout") {
  Harness h;
  for (int i = 0; i < 10; ++i) {
    const auto result = Result(Bypass(h, "kitchen_window", std::nullopt));
    REQUIRE(result);
    CHECK(result->reason == "invalid_code");
    CHECK(result->message == "a code is required");
  }
  CHECK(Result(Bypass(h, "kitchen_window", "1234"))->accepted);
}

TEST_CASE("bypass: a wrong code is invalid_code and counts towards the disarm codes' lockout") {
  Harness h;
  h.ArmAndWait();
  // Four wrong disarm codes from the shared local command topic ...
  for (int i = 0; i < 4; ++i) {
    Command disarm;
    disarm.action = CommandAction::kDisarm;
    disarm.code = "0000";
    disarm.source = "mqtt";
    disarm.request_id = "wrong-" + std::to_string(i);
    CHECK(Result(h.panel.Handle(disarm, h.now))->reason == "invalid_code");
  }
  Command disarm;
  disarm.action = CommandAction::kDisarm;
  disarm.code = "1234";
  disarm.source = "keypad:hall_keypad";
  disarm.request_id = "right";
  REQUIRE(Result(h.panel.Handle(disarm, h.now))->accepted);
  // ... and a wrong bypass code from the same source is the fifth: the source is locked out.
  const auto wrong = Bypass(h, "kitchen_window", "0000", false, "mqtt");
  CHECK(Result(wrong)->reason == "locked_out");
  CHECK(FindEvent(wrong, "code_lockout"));
  CHECK(Result(Bypass(h, "kitchen_window", "1234", false, "mqtt"))->reason == "locked_out");
  CHECK(h.panel.zone_status("kitchen_window") == ZoneStatus::kClosed);
  // Another source is not locked out.
  CHECK(Result(Bypass(h, "kitchen_window", "1234", false, "keypad:hall_keypad"))->accepted);
}

TEST_CASE("bypass: one wrong bypass code records a local wrong_code event") {
  Harness h;
  const auto actions = Bypass(h, "kitchen_window", "0000");
  CHECK(Result(actions)->reason == "invalid_code");
  CHECK(Result(actions)->message == "wrong code");
  CHECK(CountEvents(actions, "wrong_code") == 1);
  CHECK_FALSE(FindEvent(actions, "manual_bypass"));
  CHECK(h.panel.zone_status("kitchen_window") == ZoneStatus::kClosed);
}

TEST_CASE("bypass: an arm_only code may not bypass, but may end a bypass") {
  Harness h;
  const auto refused = Result(Bypass(h, "kitchen_window", "3456"));
  REQUIRE(refused);
  CHECK(refused->reason == "not_allowed");
  CHECK(h.panel.zone_status("kitchen_window") == ZoneStatus::kClosed);
  Bypass(h, "kitchen_window", "1234");
  const auto actions = Unbypass(h, "kitchen_window", "3456");
  CHECK(Result(actions)->accepted);
  const auto restore = FindEvent(actions, "bypass_restore");
  REQUIRE(restore);
  CHECK(restore->user == "cleaner");
}

TEST_CASE("bypass: the duress code bypasses as the user it imitates and raises a silent 121") {
  Harness h;
  const auto actions = Bypass(h, "kitchen_window", "9999");
  CHECK(Result(actions)->accepted);
  CHECK(Result(actions)->user == "anna");
  const auto duress = FindEvent(actions, "duress");
  REQUIRE(duress);
  CHECK(duress->silent);
  const auto bypass = FindEvent(actions, "manual_bypass");
  REQUIRE(bypass);
  CHECK(bypass->user == "anna");
}

TEST_CASE("bypass: without code_required_to_bypass a zone is bypassed and unbypassed codeless") {
  PanelConfig config = StandardConfig();
  config.codes.code_required_to_bypass = false;
  Harness h(config);
  auto actions = Bypass(h, "kitchen_window", std::nullopt);
  CHECK(Result(actions)->accepted);
  const auto bypass = FindEvent(actions, "manual_bypass");
  REQUIRE(bypass);
  CHECK(bypass->user.empty());
  CHECK(h.panel.zone_status("kitchen_window") == ZoneStatus::kBypassed);
  actions = Unbypass(h, "kitchen_window", std::nullopt);
  CHECK(Result(actions)->accepted);
  CHECK(FindEvent(actions, "bypass_restore"));
  // The other refusals stand.
  CHECK(Result(Bypass(h, "smoke", std::nullopt))->reason == "not_allowed");
  // And arming still asks for its code: the policies are separate.
  CHECK(Result(h.Send(CommandAction::kArmAway, std::nullopt))->reason == "invalid_code");
}

TEST_CASE("bypass: bypassing a bypassed zone is accepted and records nothing") {
  Harness h;
  Bypass(h, "kitchen_window", "1234");
  auto actions = Bypass(h, "kitchen_window", "1234");
  auto result = Result(actions);
  REQUIRE(result);
  CHECK(result->accepted);
  CHECK(result->reason == "ok");
  CHECK(result->message == "zone kitchen_window is already bypassed until unbypassed");
  CHECK(Events(actions).empty());
  CHECK(All<ZoneChanged>(actions).empty());
  // Asked again with until_disarm, the bypass takes that lifetime (still no event).
  actions = Bypass(h, "kitchen_window", "1234", /*until_disarm=*/true);
  CHECK(Result(actions)->message ==
        "zone kitchen_window was already bypassed; now until the next disarm");
  CHECK(Events(actions).empty());
  h.ArmAndWait();
  CHECK(FindEvent(h.Disarm(), "bypass_restore"));
}

TEST_CASE("bypass: unbypassing a zone that is not bypassed is accepted and records nothing") {
  Harness h;
  const auto actions = Unbypass(h, "kitchen_window", "1234");
  const auto result = Result(actions);
  REQUIRE(result);
  CHECK(result->accepted);
  CHECK(result->reason == "ok");
  CHECK(result->message == "zone kitchen_window is not bypassed");
  CHECK(result->user == "anna");  // the code was checked
  CHECK(Events(actions).empty());
  CHECK(h.panel.zone_status("kitchen_window") == ZoneStatus::kClosed);
  CHECK(Result(Unbypass(h, "kitchen_window", "0000"))->reason == "invalid_code");
}

TEST_CASE("bypass: a bypassed held door raises no door_held alarm until it is unbypassed") {
  Harness h(DoorHeldConfig());
  Bypass(h, "unit_door", "1234");
  auto actions = h.Open("unit_door");
  Harness::Append(actions, h.Advance(seconds(600)));
  CHECK_FALSE(FindEvent(actions, "door_held"));
  // Unbypassed while still open: its limit starts afresh.
  Unbypass(h, "unit_door", "1234");
  CHECK_FALSE(FindEvent(h.Advance(seconds(119)), "door_held"));
  CHECK(FindEvent(h.Advance(seconds(1)), "door_held"));
}

TEST_CASE("bypass: bypassing a held door stops its running limit") {
  Harness h(DoorHeldConfig());
  h.Open("unit_door");
  h.Advance(seconds(100));
  Bypass(h, "unit_door", "1234");
  CHECK_FALSE(FindEvent(h.Advance(seconds(60)), "door_held"));
}

TEST_CASE("bypass: a bypassed chime zone does not chime when opened while disarmed") {
  PanelConfig config = StandardConfig();
  config.zones[0].chime = true;  // front_door
  Harness h(config);
  CHECK(LastPattern(h.Open("front_door"), OutputKind::kChime) == OutputPattern::kPulsed);
  h.Close("front_door");
  h.Advance(seconds(5));
  Bypass(h, "front_door", "1234");
  CHECK_FALSE(LastPattern(h.Open("front_door"), OutputKind::kChime));
}

// Snapshot -> Restore -> Start, as after a reboot of `down`.
struct Restarted {
  Panel panel;
  std::vector<Action> start;
  Now now;
};

Restarted Restart(const nlohmann::json& snapshot, Now now, PanelConfig config) {
  const Now later{MonoTime{} + seconds(3), now.wall + minutes(5)};
  std::string error;
  Panel restored =
      Panel::Restore(std::move(config), nlohmann::json::parse(snapshot.dump()), later, &error);
  REQUIRE_MESSAGE(error.empty(), error);
  auto start = restored.Start(later);
  return Restarted{std::move(restored), std::move(start), later};
}

TEST_CASE("bypass: a manual bypass and its lifetime survive a restart") {
  Harness h;
  Bypass(h, "kitchen_window", "1234");
  Bypass(h, "front_door", "1234", /*until_disarm=*/true);
  const nlohmann::json snapshot = h.panel.Snapshot(h.now);
  CHECK(snapshot["zones"]["kitchen_window"] ==
        nlohmann::json{{"active", false}, {"manual_bypassed", true}});
  CHECK(snapshot["zones"]["front_door"] == nlohmann::json{{"active", false},
                                                          {"bypass_until_disarm", true},
                                                          {"manual_bypassed", true}});
  Restarted r = Restart(snapshot, h.now, h.panel.config());
  CHECK(r.panel.zone_status("kitchen_window") == ZoneStatus::kBypassed);
  CHECK(r.panel.zone_status("front_door") == ZoneStatus::kBypassed);
  const auto zone = ZoneUpdate(r.start, "kitchen_window");
  REQUIRE(zone);
  CHECK(zone->status == ZoneStatus::kBypassed);
  CHECK_FALSE(FindEvent(r.start, "bypass_restore"));
  // The lifetimes too: arming and disarming ends only the until_disarm one.
  Harness after(h.panel.config());
  after.panel = std::move(r.panel);
  after.now = r.now;
  after.ArmAndWait();
  const auto disarm = after.Disarm();
  REQUIRE(CountEvents(disarm, "bypass_restore") == 1);
  CHECK(FindEvent(disarm, "bypass_restore")->zone == "front_door");
  CHECK(after.panel.zone_status("kitchen_window") == ZoneStatus::kBypassed);
  CHECK(after.panel.zone_status("front_door") == ZoneStatus::kClosed);
}

TEST_CASE("bypass: a manual bypass survives a restart through the store's zone rows") {
  Harness h;
  PanelSnapshot first = h.panel.SnapshotForStore(h.now);
  h.panel.Stored(first);
  Bypass(h, "kitchen_window", "1234", /*until_disarm=*/true);
  // Only the zone that changed is written, with its bypass.
  const PanelSnapshot changed = h.panel.SnapshotForStore(h.now);
  REQUIRE(changed.zones.size() == 1);
  CHECK(changed.zones[0].first == "kitchen_window");
  const nlohmann::json row = nlohmann::json::parse(changed.zones[0].second);
  CHECK(row.value("manual_bypassed", false));
  CHECK(row.value("bypass_until_disarm", false));
  // What Store::LoadSnapshot hands back: the panel with its zone rows as "zones".
  nlohmann::json loaded = changed.panel;
  for (const auto& [id, text] : first.zones) loaded["zones"][id] = nlohmann::json::parse(text);
  loaded["zones"]["kitchen_window"] = row;
  Restarted r = Restart(loaded, h.now, h.panel.config());
  CHECK(r.panel.zone_status("kitchen_window") == ZoneStatus::kBypassed);
  CHECK(r.panel.zone_status("front_door") == ZoneStatus::kClosed);
}

TEST_CASE("bypass: a bypassed zone that a new config makes a fire zone is watched again") {
  Harness h;
  Bypass(h, "kitchen_window", "1234");
  PanelConfig config = h.panel.config();
  config.zones[2].type = ZoneType::kFire24h;
  config.zones[2].property = "smoke";
  SUBCASE("reload") {
    const auto actions = h.panel.Reconfigure(config, h.now);
    const auto restore = FindEvent(actions, "bypass_restore");
    REQUIRE(restore);
    CHECK(restore->cid == ContactId{3, 570, 0, 3});
    CHECK(restore->text ==
          "zone kitchen_window no longer bypassed: it is fire_24h now, which is never bypassed");
    CHECK(h.panel.zone_status("kitchen_window") != ZoneStatus::kBypassed);
    const auto update = ZoneUpdate(actions, "kitchen_window");
    REQUIRE(update);
    CHECK(update->status != ZoneStatus::kBypassed);
  }
  SUBCASE("restart with the new config") {
    Restarted r = Restart(h.panel.Snapshot(h.now), h.now, config);
    CHECK(FindEvent(r.start, "bypass_restore"));
    CHECK(r.panel.zone_status("kitchen_window") != ZoneStatus::kBypassed);
    const auto update = ZoneUpdate(r.start, "kitchen_window");
    REQUIRE(update);
    CHECK(update->status != ZoneStatus::kBypassed);
  }
}

TEST_CASE("bypass: a stray bypass_until_disarm without manual_bypassed restores as no bypass") {
  Harness h;
  nlohmann::json snapshot = h.panel.Snapshot(h.now);
  snapshot["zones"]["kitchen_window"] = {{"active", false}, {"bypass_until_disarm", true}};
  Restarted r = Restart(snapshot, h.now, h.panel.config());
  CHECK(r.panel.zone_status("kitchen_window") == ZoneStatus::kClosed);
  CHECK_FALSE(r.panel.Snapshot(r.now)["zones"].contains("kitchen_window"));
}

}  // namespace
}  // namespace homesec::test
