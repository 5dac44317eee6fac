// The input journal: the serialiser's round trip for every Input variant, the reader's rejection
// of damaged rows, and replays (explain, dry run) that reproduce what a recorded panel did,
// across a restart and a reconfigure.
#include <doctest/doctest.h>

#include <map>

#include "rules/input_json.hpp"
#include "rules/journal_replay.hpp"
#include "tests/unit/rules/journal_test_support.hpp"

namespace homesec::test {

TEST_CASE("journal: every Input variant survives the round trip, PINs replaced by their owner") {
  WatchSpec spec;
  spec.departure = kEpoch.wall;
  spec.expected_return = kEpoch.wall + hours(72);
  spec.contact_phone = "+41 79 000 00 00";
  spec.notes = "cat inside";
  spec.keyholder =
      WatchKeyholderSpec{"neighbour", "8888", kEpoch.wall, kEpoch.wall + hours(48), "08:00-20:00"};
  spec.rearm_after_keyholder = seconds(300);
  spec.salt = {1, 2, 3, 254};
  Command watch = Cmd(CommandAction::kWatchStart, "1234", "w1");
  watch.watch = spec;
  Command bypass = Cmd(CommandAction::kBypass, "2345", "b1");
  bypass.zone = "kitchen_window";
  bypass.until_disarm = true;
  bypass.force = true;
  Command pair = Cmd(CommandAction::kPair, "1234", "p1");
  pair.pair_time = seconds(120);
  pair.pair_device = "hall_pir";
  Command walk = Cmd(CommandAction::kWalkTest, "1234", "t1");
  walk.walk_zones = {"front_door", "kitchen_smoke"};
  walk.walk_time = seconds(600);
  Command trouble_ack = Cmd(CommandAction::kTroubleAck, "2345", "a1");
  trouble_ack.trouble = "battery_low:front_door";
  Command patrol = Cmd(CommandAction::kPatrolCheckIn, std::nullopt, "c1");
  patrol.note = "all quiet";
  patrol.officer = "Officer 7";
  const std::vector<std::pair<Input, std::string>> inputs{
      {Read("front_door", "contact", std::string("open")), ""},
      {Read("living_pir", "occupancy", true), ""},
      {Read("smoke_detector", "battery", 37.25), ""},
      {Reading{"front_door", "contact", std::monostate{}, true}, ""},
      {watch, "anna"},
      {bypass, "ben"},
      {pair, "anna"},
      {walk, "anna"},
      {Cmd(CommandAction::kWalkTestStop, "2345", "t2"), "ben"},
      {Cmd(CommandAction::kMemoryClear, "2345", "m1"), "ben"},
      {trouble_ack, "ben"},
      {patrol, ""},
      {Cmd(CommandAction::kDisarm, "0000", "d1"), ""},
      {UplinkLink{true}, ""},
      {Tick{}, ""},
      {WatchAck{"watch-1", "registered"}, ""},
      {StoreHealth{false, "disk full"}, ""},
      {PairingRefused{"permit_join failed"}, ""},
  };
  for (const auto& [input, owner] : inputs) {
    const nlohmann::json json = InputToJson(input, owner);
    CAPTURE(json.dump());
    std::string error;
    const std::optional<Input> back = InputFromJson(nlohmann::json::parse(json.dump()), &error);
    REQUIRE_MESSAGE(back, error);
    REQUIRE(back->index() == input.index());
    CHECK(InputToJson(*back, owner) == json);
    CHECK(json.dump().find("1234") == std::string::npos);
    CHECK(json.dump().find("8888") == std::string::npos);
    if (const auto* command = std::get_if<Command>(&*back)) {
      const auto& original = std::get<Command>(input);
      CHECK(command->action == original.action);
      CHECK(command->zone == original.zone);
      CHECK(command->until_disarm == original.until_disarm);
      CHECK(command->pair_time == original.pair_time);
      CHECK(command->walk_zones == original.walk_zones);
      CHECK(command->walk_time == original.walk_time);
      CHECK(command->trouble == original.trouble);
      if (original.code) {
        CHECK(command->code == (owner.empty() ? WrongPin() : SyntheticPin(owner)));
      }
      if (original.watch) {
        REQUIRE(command->watch);
        CHECK(command->watch->salt == original.watch->salt);
        CHECK(command->watch->expected_return == original.watch->expected_return);
        CHECK(command->watch->keyholder->pin == SyntheticPin("neighbour"));
      }
    }
    if (const auto* reading = std::get_if<Reading>(&*back)) {
      CHECK(reading->value == std::get<Reading>(input).value);
      CHECK(reading->initial == std::get<Reading>(input).initial);
    }
  }
  CHECK(SyntheticPin("anna") != SyntheticPin("ben"));
  CHECK(SyntheticPin("anna") == SyntheticPin("anna"));
  CHECK(SyntheticPin("anna").size() == 12);
}

TEST_CASE("journal: the config survives the round trip") {
  PanelConfig config = StandardConfig();
  config.timing[Mode::kArmedAway] = ModeTiming{seconds(45), seconds(20), seconds(240)};
  config.zones[2].cross_zone_group = "ground";
  config.zones[1].swinger_limit = 0;
  config.users[3].valid_from = kEpoch.wall;
  config.users[3].valid_until = kEpoch.wall + hours(5);
  std::string error;
  config.watch.time_zone = *ParseTimeZoneRule("CET-1CEST,M3.5.0,M10.5.0/3", &error);
  config.codes.duress_imitates = "ben";
  const nlohmann::json json = PanelConfigToJson(config);
  const std::optional<PanelConfig> back = PanelConfigFromJson(json, &error);
  REQUIRE_MESSAGE(back, error);
  CHECK(PanelConfigToJson(*back) == json);
  CHECK(back->watch.time_zone == config.watch.time_zone);
  CHECK(back->users == config.users);
  CHECK(ConfigHash(json.dump()) == ConfigHash(PanelConfigToJson(*back).dump()));
  CHECK(ConfigHash(json.dump()).size() == 64);
}

TEST_CASE("journal: damaged rows are refused with the field that is wrong") {
  const std::vector<std::pair<std::string, std::string>> bad{
      {"", "not JSON"},
      {"{", "not JSON"},
      {"[]", "not an object"},
      {"{}", "input.t: missing"},
      {R"({"t":"warp"})", "unknown input type"},
      {R"({"t":"reading","p":"contact","v":"open"})", "reading.d: missing"},
      {R"({"t":"reading","d":"x","p":"contact"})", "reading.v: missing"},
      {R"({"t":"reading","d":"x","p":"contact","v":[1]})", "reading.v"},
      {R"({"t":"reading","d":7,"p":"contact","v":"open"})", "reading.d: not a string"},
      {R"({"t":"command","a":"FLY"})", "unknown value"},
      {R"({"t":"command"})", "command.a: missing"},
      {R"({"t":"command","a":"DISARM","code":"1234"})", "command.code: not an object"},
      {R"({"t":"command","a":"DISARM","code":{}})", "must name a user"},
      {R"({"t":"command","a":"PAIR","pair_time":-4})", "negative"},
      {R"({"t":"command","a":"WALK_TEST","walk_zones":[1]})", "not a list of strings"},
      {R"({"t":"command","a":"WALK_TEST","walk_time":-1})", "negative"},
      {R"({"t":"command","a":"PAIR","pair_time":1e300})", "not an integer"},
      {R"({"t":"command","a":"WATCH_START","watch":{"salt":"zz"}})", "not hex"},
      {R"({"t":"command","a":"WATCH_START","watch":{"keyholder":{"name":"n"}}})",
       "keyholder.from: missing"},
      {R"({"t":"command","a":"WATCH_START","watch":{"return":9000000000000000000}})",
       "out of range"},
      {R"({"t":"uplink","connected":"yes"})", "not a boolean"},
  };
  for (const auto& pair : bad) {
    const std::string& body = pair.first;
    const std::string& why = pair.second;
    CAPTURE(body);
    JournalRow row;
    row.id = 42;
    row.body = body;
    std::string error;
    CHECK_FALSE(ParseJournalRow(row, &error));
    CHECK(error.find("journal row 42") != std::string::npos);
    CHECK_MESSAGE(error.find(why) != std::string::npos, error);
  }
  JournalRow restore;
  restore.kind = JournalKind::kRestore;
  restore.config_hash = "abc";
  restore.body = "[1]";
  std::string error;
  CHECK_FALSE(ParseJournalRow(restore, &error));
  CHECK(error.find("snapshot") != std::string::npos);
  restore.body = "{}";
  restore.config_hash.clear();
  CHECK_FALSE(ParseJournalRow(restore, &error));
  CHECK(error.find("no config") != std::string::npos);
  std::string config_error;
  CHECK_FALSE(PanelConfigFromJson(nlohmann::json::parse(R"({"zones":[{"id":"a","type":"moat"}]})"),
                                  &config_error));
  CHECK(config_error.find("config.zones[0].type") != std::string::npos);
}

TEST_CASE("journal: a replay reproduces every recorded event, across a restart and a reload") {
  Now now = kEpoch;
  PanelConfig config = StandardConfig();
  config.zones[2].cross_zone_group = "ground";
  config.zones[3].cross_zone_group = "ground";
  Recorder recorder = AwayAlarm(config, now);
  REQUIRE(recorder.Last("burglary"));
  recorder.Handle(Cmd(CommandAction::kDisarm, "9999", "d1"), now);  // duress: silent 121
  REQUIRE(recorder.Last("duress"));
  recorder.Restart(now, minutes(10));
  recorder.Handle(Cmd(CommandAction::kArmAway, "0001", "r2"), now);  // wrong code
  recorder.Handle(Cmd(CommandAction::kArmAway, "2345", "r3"), now);
  recorder.RunUntil(now, now + minutes(2));
  PanelConfig reloaded = config;
  reloaded.timing[Mode::kArmedAway].entry_delay = seconds(20);
  recorder.Reconfigure(reloaded, now);
  recorder.Handle(Read("kitchen_window", "latch", std::string("open")), now);
  recorder.RunUntil(now, now + seconds(5));
  recorder.Handle(Read("living_pir", "occupancy", true), now);
  recorder.RunUntil(now, now + minutes(5));
  REQUIRE(recorder.Last("intrusion_confirmed"));

  // Only ticks that did something are in the journal.
  std::size_t ticks = 0;
  for (const JournalEntry& entry : recorder.Entries()) {
    ticks += entry.input && std::holds_alternative<Tick>(*entry.input) ? 1 : 0;
  }
  CHECK(ticks > 0);
  CHECK(ticks < 20);

  const std::vector<Event> replayed = ReplayedEvents(recorder.Entries(), recorder.Lookup());
  REQUIRE(replayed.size() == recorder.events().size());
  for (std::size_t i = 0; i < replayed.size(); ++i) {
    CAPTURE(recorder.events()[i].type);
    CHECK(replayed[i] == recorder.events()[i]);
  }
}

TEST_CASE("journal: explain names the reading, the mode, the delays and who could disarm") {
  Now now = kEpoch;
  Recorder recorder = AwayAlarm(StandardConfig(), now);
  const std::optional<Event> alarm = recorder.Last("burglary");
  REQUIRE(alarm);
  const Explanation e = ExplainOf(recorder, *alarm);
  CHECK(e.reproduced);
  CHECK(e.mismatch.empty());
  CHECK(e.mode == Mode::kPending);
  CHECK(e.armed_mode == Mode::kArmedAway);
  CHECK(e.armed_by == "anna");
  REQUIRE(e.readings.size() == 1);
  CHECK(e.readings[0].zone == "front_door");
  CHECK(e.readings[0].device == "front_door");
  CHECK(e.readings[0].value == "open");
  CHECK(e.readings[0].time == kEpoch.wall + minutes(2));
  REQUIRE(e.delays.size() == 2);
  CHECK(e.delays[0].kind == "exit");
  CHECK(e.delays[0].length == seconds(60));
  CHECK(e.delays[1].kind == "entry");
  CHECK(e.delays[1].length == seconds(30));
  CHECK(e.delays[1].started == kEpoch.wall + minutes(2));
  // Master and user may disarm; arm_only and duress are never listed, the keyholder without a
  // window (StandardConfig) is.
  CHECK(e.could_disarm ==
        std::vector<std::string>{"anna (master)", "ben (user)", "keyholder (keyholder)"});
  const std::string text = FormatExplanation(e);
  CHECK(text.find("reproduced exactly") != std::string::npos);
  CHECK(text.find("front_door contact=open") != std::string::npos);
  CHECK(text.find("entry delay 30 s") != std::string::npos);
  CHECK(text.find("duress") == std::string::npos);
  CHECK(ExplanationToJson(e)["readings"][0]["value"] == "open");
}

TEST_CASE("journal: explain says so when the replay does not reproduce the event") {
  Now now = kEpoch;
  Recorder recorder = AwayAlarm(StandardConfig(), now);
  const std::optional<Event> recorded = recorder.Last("burglary");
  REQUIRE(recorded);
  Event alarm = *recorded;
  alarm.zone = "kitchen_window";  // the log says otherwise than the journal
  const Explanation e = ExplainOf(recorder, alarm);
  CHECK_FALSE(e.reproduced);
  CHECK(e.mismatch.find("kitchen_window") != std::string::npos);
  CHECK(FormatExplanation(e).find("DOES NOT MATCH") != std::string::npos);
}

TEST_CASE("journal: explain of a cross-zone confirmation names the first zone") {
  Now now = kEpoch;
  PanelConfig config = StandardConfig();
  config.zones[2].cross_zone_group = "ground";
  config.zones[3].cross_zone_group = "ground";
  Recorder recorder = ArmedAway(config, now);
  recorder.Handle(Read("kitchen_window", "latch", std::string("open")), now);
  recorder.RunUntil(now, now + seconds(20));
  recorder.Handle(Read("living_pir", "occupancy", true), now);
  const std::optional<Event> confirmed = recorder.Last("intrusion_confirmed");
  REQUIRE(confirmed);
  const Explanation e = ExplainOf(recorder, *confirmed);
  CHECK(e.reproduced);
  CHECK(e.mode == Mode::kTriggered);
  REQUIRE(e.readings.size() == 2);
  CHECK(e.readings[0].zone == "kitchen_window");
  CHECK(e.readings[1].zone == "living_motion");
  const std::string text = FormatExplanation(e);
  CHECK(text.find("cross-zone group ground") != std::string::npos);
  CHECK(text.find("kitchen_window alarmed first") != std::string::npos);
  CHECK(text.find("swinger limit 2") != std::string::npos);
}

TEST_CASE("journal: a dry run lists the alarms and delays another config changes") {
  Now now = kEpoch;
  Recorder recorder = AwayAlarm(StandardConfig(), now);
  std::string error;

  SUBCASE("the same config: no difference") {
    const auto result = DryRun(recorder.Entries(), StandardConfig(), recorder.Lookup(), &error);
    REQUIRE_MESSAGE(result, error);
    CHECK(result->differences.empty());
    // The burglary, and recent_closing (459): an alarm within 2 minutes of the arming.
    CHECK(result->recorded_alarms == 2);
    CHECK(result->new_alarms == 2);
    CHECK(FormatDryRun(*result).find("no difference") != std::string::npos);
  }
  SUBCASE("front door bypassed in away: the alarm would not have been raised") {
    PanelConfig candidate = StandardConfig();
    candidate.zones[0].bypass_in = {Mode::kArmedAway};
    const auto result = DryRun(recorder.Entries(), candidate, recorder.Lookup(), &error);
    REQUIRE_MESSAGE(result, error);
    CHECK(result->new_alarms == 0);
    bool not_raised = false;
    for (const auto& d : result->differences) {
      not_raised = not_raised || (d.kind == "alarm_not_raised" && d.zone == "front_door");
    }
    CHECK(not_raised);
    CHECK(FormatDryRun(*result).find("burglary in front_door would not have been raised") !=
          std::string::npos);
  }
  SUBCASE("front door an instant zone: no entry delay") {
    PanelConfig candidate = StandardConfig();
    candidate.zones[0].type = ZoneType::kPerimeter;
    const auto result = DryRun(recorder.Entries(), candidate, recorder.Lookup(), &error);
    REQUIRE_MESSAGE(result, error);
    bool removed = false;
    bool type_changed = false;
    for (const auto& d : result->differences) {
      removed = removed || (d.kind == "delay_removed" && d.zone == "front_door");
      type_changed = type_changed || (d.kind == "zone_changed" && d.zone == "front_door");
    }
    CHECK(removed);
    CHECK(type_changed);
  }
  SUBCASE("a longer entry delay: disarmed in time, no alarm") {
    // Disarmed 35 s after the door opened: too late for 30 s, in time for 45 s.
    Now t = kEpoch;
    Recorder late(StandardConfig(), t);
    late.Handle(Read("front_door", "contact", std::string("closed")), t);
    late.Handle(Read("kitchen_window", "latch", std::string("closed")), t);
    late.Handle(Read("hall_pir", "occupancy", false), t);
    late.Handle(Read("living_pir", "occupancy", false), t);
    late.Handle(Cmd(CommandAction::kArmAway, "1234", "r1"), t);
    late.RunUntil(t, t + minutes(2));
    late.Handle(Read("front_door", "contact", std::string("open")), t);
    late.RunUntil(t, t + seconds(35));
    late.Handle(Cmd(CommandAction::kDisarm, "1234", "d1"), t);
    REQUIRE(late.Last("burglary"));
    PanelConfig candidate = StandardConfig();
    candidate.timing[Mode::kArmedAway].entry_delay = seconds(45);
    const auto result = DryRun(late.Entries(), candidate, late.Lookup(), &error);
    REQUIRE_MESSAGE(result, error);
    CHECK(result->recorded_alarms == 2);  // burglary and recent_closing
    CHECK(result->new_alarms == 0);
    bool changed = false;
    bool not_raised = false;
    for (const auto& d : result->differences) {
      changed = changed || (d.kind == "delay_changed" && d.text.find("45 s") != std::string::npos);
      not_raised = not_raised || d.kind == "alarm_not_raised";
    }
    CHECK(changed);
    CHECK(not_raised);
  }
}

}  // namespace homesec::test
