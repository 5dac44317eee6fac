// Duress (issue 11): locally a duress disarm is the imitated user's normal disarm, byte for
// byte — result, events, their local numbering — while the platform gets the silent 121 first.
#include <doctest/doctest.h>

#include "rules/event_json.hpp"
#include "tests/unit/rules/panel_test_support.hpp"

namespace homesec::test {
namespace {

SilentHistory SilentOf(const Harness& h) {
  const nlohmann::json snapshot = h.panel.Snapshot(h.now);
  if (!snapshot.contains("silent")) return {};
  return SilentHistoryFromJson(snapshot["silent"]).value_or(SilentHistory{});
}

// What the local broker would carry for these actions: the event topic's payloads (local
// numbering, silent events left out), the results and the states; and what the house shows:
// outputs and squawks.
std::vector<std::string> LocalView(const Harness& h, const std::vector<Action>& actions) {
  std::vector<std::string> out;
  const SilentHistory silent = SilentOf(h);
  for (const Action& action : actions) {
    if (const auto* record = std::get_if<RecordEvent>(&action)) {
      if (!record->event.silent) {
        out.push_back("event " + LocalEventPayload(record->event, "hub-test", silent));
      }
    } else if (const auto* result = std::get_if<CommandResult>(&action)) {
      out.push_back("result " + result->request_id + " " + result->reason + " " + result->message +
                    " " + result->user);
    } else if (const auto* state = std::get_if<StateChanged>(&action)) {
      out.push_back("state " + std::string(ToString(state->mode)));
    } else if (const auto* zone = std::get_if<ZoneChanged>(&action)) {
      out.push_back("zone " + zone->zone + " " + std::string(ToString(zone->status)));
    } else if (const auto* output = std::get_if<SetOutput>(&action)) {
      // Sirens, strobes, deterrents, chimes: what anyone in the house sees and hears.
      out.push_back("output " + std::string(ToString(output->kind)) + " " +
                    std::string(ToString(output->pattern)) + " " +
                    std::to_string(output->duration.count()));
    } else if (const auto* squawk = std::get_if<Squawk>(&action)) {
      out.push_back(squawk->armed ? "squawk armed" : "squawk disarmed");
    }
  }
  return out;
}

// Arms, disarms with `code`, then lets a door open and close (the events after the disarm).
std::vector<std::string> Scenario(Harness& h, const std::string& code) {
  std::vector<std::string> view = LocalView(h, h.ArmAndWait());
  for (const std::string& line : LocalView(h, h.Disarm(code))) view.push_back(line);
  for (const std::string& line : LocalView(h, h.Open("front_door"))) view.push_back(line);
  for (const std::string& line : LocalView(h, h.Close("front_door"))) view.push_back(line);
  for (const std::string& line : LocalView(h, h.ArmAndWait())) view.push_back(line);
  return view;
}

TEST_CASE("duress: locally a duress disarm is anna's disarm, byte for byte, numbering included") {
  Harness normal;
  Harness duress;
  const std::vector<std::string> expected = Scenario(normal, "1234");
  const std::vector<std::string> seen = Scenario(duress, "9999");
  CHECK(seen == expected);
  // The disarm's two chirps are part of what it looks like.
  CHECK(std::find(seen.begin(), seen.end(), "squawk disarmed") != seen.end());
  bool named_anna = false;
  for (const std::string& line : seen) {
    CHECK(line.find("duress") == std::string::npos);
    named_anna = named_anna || line.find("disarmed by anna") != std::string::npos;
  }
  CHECK(named_anna);
}

TEST_CASE("duress: the platform gets the silent 121 with the duress user, before the disarm") {
  Harness h;
  h.ArmAndWait();
  const std::vector<Event> events = Events(h.Disarm("9999"));
  REQUIRE(events.size() >= 2);
  CHECK(events[0].type == "duress");
  CHECK(events[0].silent);
  CHECK(events[0].report);
  CHECK(events[0].priority == Priority::kCritical);
  CHECK(events[0].cid == ContactId{1, 121, 0, 9});
  CHECK(events[0].user == "anna-duress");
  const auto disarmed = std::find_if(events.begin(), events.end(),
                                     [](const Event& e) { return e.type == "disarmed"; });
  REQUIRE(disarmed != events.end());
  CHECK(disarmed->seq == events[0].seq + 1);  // the uplink numbering is the panel's, unchanged
  CHECK(disarmed->user == "anna");
  CHECK(disarmed->cid.number == 1);
  CHECK(disarmed->text == "disarmed by anna");
}

TEST_CASE("duress: codes.duress_imitates chooses whose disarm it imitates") {
  PanelConfig config = StandardConfig();
  config.codes.duress_imitates = "ben";
  Harness h(config);
  h.ArmAndWait();
  const auto actions = h.Disarm("9999");
  REQUIRE(Result(actions));
  CHECK(Result(actions)->user == "ben");
  REQUIRE(FindEvent(actions, "disarmed"));
  CHECK(FindEvent(actions, "disarmed")->cid.number == 2);
  CHECK(FindEvent(actions, "disarmed")->text == "disarmed by ben");
}

TEST_CASE("duress: without a master or user to imitate, a named arm_only user is not chosen") {
  CodePolicy policy;
  policy.duress_imitates = "cleaner";
  const std::vector<User> users = StandardConfig().users;
  CHECK(DuressImitation(users, policy)->name == "anna");
  const std::vector<User> only_duress{users[4]};
  CHECK_FALSE(DuressImitation(only_duress, policy));
  CHECK(DuressImitation({users[2], users[1], users[4]}, CodePolicy{})->name == "ben");
}

TEST_CASE("duress: the silent history survives a restart, so local numbering goes on") {
  Harness h;
  h.ArmAndWait();
  h.Disarm("9999");
  const SilentHistory before = SilentOf(h);
  REQUIRE(before.total == 1);
  std::string error;
  Panel restored = Panel::Restore(h.panel.config(), h.panel.Snapshot(h.now), h.now, &error);
  CHECK(error.empty());
  const nlohmann::json snapshot = restored.Snapshot(h.now);
  REQUIRE(snapshot.contains("silent"));
  CHECK(SilentHistoryFromJson(snapshot["silent"]) == before);
}

TEST_CASE("local numbering: events after a silent one follow on without a gap") {
  SilentHistory silent;
  CHECK(silent.LocalSeq(7) == 7);
  silent.Add(8);
  silent.Add(12);
  CHECK(silent.Contains(8));
  CHECK_FALSE(silent.Contains(9));
  CHECK(silent.LocalSeq(7) == 7);
  CHECK(silent.LocalSeq(9) == 8);
  CHECK(silent.LocalSeq(13) == 11);
  Event event;
  event.seq = 9;
  CHECK(LocalEvent(event, silent)->seq == 8);
  event.silent = true;
  CHECK_FALSE(LocalEvent(event, silent));
  // Bounded: the oldest seqs are dropped, the total still counts them.
  for (std::uint64_t seq = 100; seq < 100 + 2 * kSilentSeqsKept; ++seq) silent.Add(seq);
  CHECK(silent.recent.size() == kSilentSeqsKept);
  CHECK(silent.total == 2 + 2 * kSilentSeqsKept);
  CHECK(silent.Below(100000) == silent.total);
  CHECK(SilentHistoryFromJson(SilentHistoryToJson(silent)) == silent);
  CHECK_FALSE(SilentHistoryFromJson(nlohmann::json{{"total", -1}}));
}

}  // namespace
}  // namespace homesec::test
