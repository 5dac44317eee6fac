// Active troubles carry since when and whether they were acknowledged, as a DSC or Vista
// keypad's trouble view does: TROUBLE_ACK with a user code acknowledges them (all, or one by
// id), a trouble that clears and comes back is a new, unacknowledged one, and both facts
// survive a restart through the snapshot.
#include <doctest/doctest.h>

#include <algorithm>

#include "tests/unit/rules/panel_test_support.hpp"

namespace homesec::test {
namespace {

PanelConfig SupervisedConfig() {
  PanelConfig config = StandardConfig();
  config.devices.push_back(DeviceSupervision{"kitchen_window", seconds(0), seconds(60)});
  config.uplink_zone_number = 999;
  return config;
}

std::optional<ActiveTrouble> Trouble(const Panel& panel, const std::string& id) {
  for (const ActiveTrouble& trouble : panel.troubles()) {
    if (TroubleId(trouble) == id) return trouble;
  }
  return std::nullopt;
}

// The trouble `id`, which must be active (REQUIREd before it is read).
ActiveTrouble Active(const Panel& panel, const std::string& id) {
  const auto trouble = Trouble(panel, id);
  REQUIRE_MESSAGE(trouble, "no active trouble " << id);
  return *trouble;
}

// The command result among `actions`, which must be there.
CommandResult Answer(const std::vector<Action>& actions) {
  const auto result = Result(actions);
  REQUIRE(result);
  return *result;
}

std::vector<Action> Ack(Harness& h, const std::string& code, const std::string& trouble = {}) {
  Command command;
  command.action = CommandAction::kTroubleAck;
  command.code = code;
  command.trouble = trouble;
  command.source = "test";
  command.request_id = "ack-" + code + trouble;
  return h.panel.Handle(command, h.now);
}

TEST_CASE("trouble ack: a trouble records the wall time of the input that raised it") {
  Harness h(SupervisedConfig());
  h.Read("smoke_detector", "battery_low", true);
  const WallTime battery_at = h.now.wall;
  h.Read("kitchen_window", "available", false);
  h.Advance(seconds(60));  // the grace period: the trouble begins when it ends
  const auto battery = Trouble(h.panel, "battery_low:smoke_detector");
  const auto unavailable = Trouble(h.panel, "device_unavailable:kitchen_window");
  REQUIRE(battery);
  REQUIRE(unavailable);
  CHECK(battery->since == battery_at);
  CHECK(unavailable->since == battery_at + seconds(60));
  CHECK_FALSE(battery->acknowledged);
  CHECK_FALSE(unavailable->acknowledged);
  // Later inputs do not move it.
  h.Advance(minutes(30));
  h.Read("smoke_detector", "battery_low", true);
  CHECK(Active(h.panel, "battery_low:smoke_detector").since == battery_at);
}

// The marks the snapshot keeps, by trouble id.
std::vector<std::string> MarkIds(const Harness& h) {
  std::vector<std::string> ids;
  const nlohmann::json snapshot = h.panel.Snapshot(h.now);
  if (!snapshot.contains("trouble_marks")) return ids;
  for (const auto& [id, mark] : snapshot["trouble_marks"].items()) ids.push_back(id);
  return ids;
}

std::vector<std::string> ActiveIds(const Harness& h) {
  std::vector<std::string> ids;
  for (const ActiveTrouble& trouble : h.panel.troubles()) ids.push_back(TroubleId(trouble));
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST_CASE("trouble ack: every kind of trouble has its mark exactly while its flag is up") {
  Harness h(SupervisedConfig());
  h.Read("smoke_detector", "battery_low", true);
  h.panel.Handle(UplinkLink{false}, h.now);
  h.panel.Handle(StoreHealth{false, "disk full"}, h.now);
  h.Read("front_lock", "lock_state", "jammed");
  h.Read("kitchen_window", "available", false);
  h.Advance(seconds(60));
  CHECK(ActiveIds(h) ==
        std::vector<std::string>{"battery_low:smoke_detector", "device_unavailable:kitchen_window",
                                 "lock_jammed:front_lock", "store_failure", "uplink_lost"});
  CHECK(MarkIds(h) == ActiveIds(h));
  h.Read("smoke_detector", "battery_low", false);
  h.panel.Handle(UplinkLink{true}, h.now);
  h.panel.Handle(StoreHealth{true, ""}, h.now);
  h.Read("front_lock", "lock_state", "locked");
  h.Read("kitchen_window", "available", true);
  CHECK(ActiveIds(h).empty());
  CHECK(MarkIds(h).empty());
}

TEST_CASE("trouble ack: a user code acknowledges every active trouble, logged locally") {
  Harness h(SupervisedConfig());
  h.Read("smoke_detector", "battery_low", true);
  h.panel.Handle(UplinkLink{false}, h.now);
  const auto actions = Ack(h, "2345");
  const auto result = Result(actions);
  REQUIRE(result);
  CHECK(result->accepted);
  CHECK(result->user == "ben");
  const auto event = FindEvent(actions, "trouble_ack");
  REQUIRE(event);
  CHECK(event->user == "ben");
  CHECK_FALSE(event->report);  // the household's log, not the platform's
  CHECK(event->text.find("battery_low:smoke_detector") != std::string::npos);
  CHECK(event->text.find("uplink_lost") != std::string::npos);
  for (const ActiveTrouble& trouble : h.panel.troubles()) CHECK(trouble.acknowledged);
  // Nothing left to acknowledge: accepted, no second event.
  const auto again = Ack(h, "2345");
  CHECK(Answer(again).accepted);
  CHECK_FALSE(FindEvent(again, "trouble_ack"));
}

TEST_CASE("trouble ack: one trouble by id, the others stay unacknowledged") {
  Harness h(SupervisedConfig());
  h.Read("smoke_detector", "battery_low", true);
  h.panel.Handle(UplinkLink{false}, h.now);
  CHECK(Answer(Ack(h, "1234", "uplink_lost")).accepted);
  CHECK(Active(h.panel, "uplink_lost").acknowledged);
  CHECK_FALSE(Active(h.panel, "battery_low:smoke_detector").acknowledged);
}

TEST_CASE("trouble ack: a wrong code or an unknown trouble id is refused and changes nothing") {
  Harness h(SupervisedConfig());
  h.Read("smoke_detector", "battery_low", true);
  const auto wrong = Ack(h, "0000");
  CHECK_FALSE(Answer(wrong).accepted);
  CHECK_FALSE(FindEvent(wrong, "trouble_ack"));
  const auto unknown = Ack(h, "1234", "battery_low:front_door");
  CHECK_FALSE(Answer(unknown).accepted);
  CHECK(Answer(unknown).reason == "unknown_trouble");
  CHECK_FALSE(Active(h.panel, "battery_low:smoke_detector").acknowledged);
}

TEST_CASE("trouble ack: an unknown trouble id with a wrong code is an unknown trouble, no guess") {
  // The id is checked before the code, as BYPASS checks its zone: a request that cannot be
  // carried out costs no lockout attempt, so the id error wins and the code is not counted.
  Harness h(SupervisedConfig());
  h.Read("smoke_detector", "battery_low", true);
  for (int i = 0; i < 2 * StandardConfig().codes.max_wrong; ++i) {
    const auto actions = Ack(h, "0000", "battery_low:front_door");
    CHECK(Answer(actions).reason == "unknown_trouble");
    CHECK_FALSE(FindEvent(actions, "wrong_code"));
    CHECK_FALSE(FindEvent(actions, "code_lockout"));
  }
  // No lockout was earned: the right code still acknowledges.
  CHECK(Answer(Ack(h, "1234")).accepted);
  CHECK(Active(h.panel, "battery_low:smoke_detector").acknowledged);
}

TEST_CASE("trouble ack: works while armed, as a keypad's trouble view does") {
  Harness h(SupervisedConfig());
  h.ArmAndWait();
  h.Read("smoke_detector", "battery_low", true);
  CHECK(Answer(Ack(h, "1234")).accepted);
  CHECK(Active(h.panel, "battery_low:smoke_detector").acknowledged);
  CHECK(h.panel.mode() == Mode::kArmedAway);
}

TEST_CASE("trouble ack: a trouble that clears and comes back is unacknowledged, since anew") {
  Harness h(SupervisedConfig());
  h.Read("smoke_detector", "battery_low", true);
  Ack(h, "1234");
  REQUIRE(Active(h.panel, "battery_low:smoke_detector").acknowledged);
  h.Advance(minutes(5));
  h.Read("smoke_detector", "battery_low", false);
  CHECK_FALSE(Trouble(h.panel, "battery_low:smoke_detector"));
  h.Advance(minutes(5));
  h.Read("smoke_detector", "battery_low", true);
  const auto back = Trouble(h.panel, "battery_low:smoke_detector");
  REQUIRE(back);
  CHECK_FALSE(back->acknowledged);
  CHECK(back->since == h.now.wall);
}

TEST_CASE("trouble ack: since and acknowledged survive a restart through the snapshot") {
  Harness h(SupervisedConfig());
  h.Read("smoke_detector", "battery_low", true);
  const WallTime since = h.now.wall;
  h.panel.Handle(UplinkLink{false}, h.now);
  Ack(h, "1234", "battery_low:smoke_detector");
  h.Advance(minutes(10));
  const nlohmann::json snapshot = nlohmann::json::parse(h.panel.Snapshot(h.now).dump());
  const Now later{MonoTime{} + seconds(3), h.now.wall + minutes(5)};
  std::string error;
  Panel restored = Panel::Restore(h.panel.config(), snapshot, later, &error);
  REQUIRE_MESSAGE(error.empty(), error);
  restored.Start(later);
  const auto battery = Trouble(restored, "battery_low:smoke_detector");
  const auto uplink = Trouble(restored, "uplink_lost");
  REQUIRE(battery);
  REQUIRE(uplink);
  CHECK(battery->since == since);
  CHECK(battery->acknowledged);
  CHECK(uplink->since == since);
  CHECK_FALSE(uplink->acknowledged);
}

TEST_CASE(
    "trouble ack: a snapshot from before trouble marks restores them as begun at the "
    "restart, unacknowledged") {
  Harness h(SupervisedConfig());
  h.Read("smoke_detector", "battery_low", true);
  Ack(h, "1234");
  nlohmann::json snapshot = nlohmann::json::parse(h.panel.Snapshot(h.now).dump());
  REQUIRE(snapshot.contains("trouble_marks"));
  snapshot.erase("trouble_marks");
  const Now later{MonoTime{} + seconds(3), h.now.wall + hours(2)};
  std::string error;
  Panel restored = Panel::Restore(h.panel.config(), snapshot, later, &error);
  REQUIRE_MESSAGE(error.empty(), error);
  restored.Start(later);
  const auto battery = Trouble(restored, "battery_low:smoke_detector");
  REQUIRE(battery);
  CHECK(battery->since == later.wall);
  CHECK_FALSE(battery->acknowledged);
}

TEST_CASE("trouble ack: an unreadable trouble mark drops that mark, not the snapshot") {
  Harness h(SupervisedConfig());
  h.Read("smoke_detector", "battery_low", true);
  nlohmann::json snapshot = nlohmann::json::parse(h.panel.Snapshot(h.now).dump());
  snapshot["trouble_marks"]["battery_low:smoke_detector"] = {{"since_ms", "yesterday"}};
  snapshot["trouble_marks"]["uplink_lost"] = 7;
  std::string error;
  Panel restored = Panel::Restore(h.panel.config(), snapshot, h.now, &error);
  REQUIRE_MESSAGE(error.empty(), error);
  restored.Start(h.now);
  REQUIRE(Trouble(restored, "battery_low:smoke_detector"));
  CHECK(Active(restored, "battery_low:smoke_detector").since == h.now.wall);
  CHECK_FALSE(Trouble(restored, "uplink_lost"));  // not active: its stray mark is gone
  CHECK(restored.Snapshot(h.now)["trouble_marks"].size() == 1);
}

}  // namespace
}  // namespace homesec::test
