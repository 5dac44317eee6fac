// homesecctl events: its filters (--type, --zone, --since), the dispatch statuses shown with
// their events, and the join of the stored history with the live event stream for --follow
// (no event twice, none missed).
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "rules/event_json.hpp"
#include "tests/unit/homesecctl/args_test_support.hpp"
#include "tools/homesecctl/event_feed.hpp"

namespace homesec {
namespace {

constexpr const char* kHub = "hub-1";
const WallTime kNow = WallTime{} + std::chrono::hours(24 * 365 * 56);

Event MakeEvent(std::uint64_t seq, std::string type, EventCategory category, std::string zone = {},
                WallTime time = kNow) {
  Event event;
  event.seq = seq;
  event.type = std::move(type);
  event.category = category;
  event.zone = std::move(zone);
  event.time = time;
  event.text = event.type;
  return event;
}

std::string LivePayload(const Event& event) {
  return EventToJson(event, kHub).dump();
}

std::string DispatchNotice(std::uint64_t seq, const std::string& status, const std::string& note) {
  return nlohmann::json{{"type", "dispatch"},
                        {"id", std::string(kHub) + ":" + std::to_string(seq)},
                        {"status", status},
                        {"note", note},
                        {"time", FormatRfc3339(kNow)}}
      .dump();
}

TEST_CASE("homesecctl events args: --follow, --type (repeated and comma lists), --zone, --since") {
  const CtlArgs args = Parse({"events", "--follow", "--type", "burglary,fire", "--type=trouble",
                              "--zone", "front_door", "--since", "2h"});
  CHECK(args.follow);
  CHECK(args.event_types == std::vector<std::string>{"burglary", "fire", "trouble"});
  CHECK(args.event_zone == "front_door");
  REQUIRE(args.since_age);
  CHECK(*args.since_age == std::chrono::hours(2));
  CHECK_FALSE(args.since);
  CHECK_FALSE(args.last_given);
  const CtlArgs absolute = Parse({"events", "--since", "2026-12-01T08:00:00+08:00", "--last", "5"});
  REQUIRE(absolute.since);
  CHECK(FormatRfc3339(*absolute.since) == "2026-12-01T00:00:00.000Z");
  CHECK(absolute.last == 5);
  CHECK(absolute.last_given);
}

TEST_CASE("homesecctl events args: relative ages in seconds, minutes, hours and days") {
  CHECK(ParseAge("45s") == std::chrono::seconds(45));
  CHECK(ParseAge("30m") == std::chrono::minutes(30));
  CHECK(ParseAge("1d") == std::chrono::hours(24));
  CHECK_FALSE(ParseAge("0m"));
  CHECK_FALSE(ParseAge("-3h"));
  CHECK_FALSE(ParseAge("3"));
  CHECK_FALSE(ParseAge("h"));
  CHECK_FALSE(ParseAge("3w"));
  CHECK_FALSE(ParseAge("99999999999d"));
}

TEST_CASE("homesecctl events args: a bad filter value is one clear line") {
  CHECK(ErrorOf({"events", "--type", "burglery"}).find("did you mean 'burglary'") !=
        std::string::npos);
  CHECK(ErrorOf({"events", "--type", "burglary,"}).find("empty type") != std::string::npos);
  CHECK(ErrorOf({"events", "--zone", "front door"}).find("--zone: invalid zone id") !=
        std::string::npos);
  CHECK(ErrorOf({"events", "--since", "yesterday"}).find("--since: expected an RFC 3339 time") !=
        std::string::npos);
  CHECK(ErrorOf({"status", "--follow"}) == "--follow does not apply to this command");
  CHECK(ErrorOf({"events", "--follow=yes"}) == "--follow takes no value");
}

std::string ReadDoc(const std::string& name) {
  std::ifstream file(std::string(HOMESEC_TEST_DATA_DIR) + "/../../docs/" + name);
  REQUIRE(file.good());
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The first cell of every table row `pattern` matches (its first group).
void CollectTypes(const std::string& doc, const std::string& pattern, std::set<std::string>& out) {
  const std::regex row(pattern);
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), row); it != std::sregex_iterator();
       ++it) {
    out.insert((*it)[1]);
  }
}

TEST_CASE(
    "homesecctl events args: every documented event type can be filtered on, and only "
    "those") {
  std::set<std::string> documented;
  // docs/events.md's "Event types": "| `burglary` | 1 131 01 ... | alarm | critical |".
  CollectTypes(ReadDoc("events.md"), R"(\n\| `([a-z_]+)` \| [0-9][^|]*\| [a-z_]+ \|)", documented);
  // The watch's: "| `watch_registered` | `watch` | normal |", and the hub-only ones after it.
  CollectTypes(ReadDoc("vacant-house-watch.md"),
               R"(\n\| `([a-z_]+)` \| `(watch|access)` \| [a-z]+ \|)", documented);
  REQUIRE(documented.size() > 40);
  for (const std::string& type : documented) {
    INFO(type);
    if (type == "duress" || type == "silent_panic") {
      // Never shown locally: a filter for them is refused rather than always empty.
      CHECK_FALSE(ParseCtlArgs({"events", "--type", type}).args);
    } else {
      CHECK(ParseCtlArgs({"events", "--type", type}).args);
    }
  }
  for (const std::string& type : KnownEventTypes()) {
    INFO(type);
    CHECK(documented.contains(type));
  }
}

TEST_CASE("homesecctl events: the filters combine with AND, --type takes a type or a category") {
  CtlArgs args =
      Parse({"events", "--type", "burglary,trouble", "--zone", "front_door", "--since", "30m"});
  const EventFilter filter = FilterFor(args, kNow);
  CHECK(Matches(MakeEvent(1, "burglary", EventCategory::kAlarm, "front_door"), filter));
  CHECK(Matches(MakeEvent(2, "battery_low", EventCategory::kTrouble, "front_door"), filter));
  CHECK_FALSE(Matches(MakeEvent(3, "fire", EventCategory::kAlarm, "front_door"), filter));
  CHECK_FALSE(Matches(MakeEvent(4, "burglary", EventCategory::kAlarm, "kitchen"), filter));
  CHECK_FALSE(Matches(
      MakeEvent(5, "burglary", EventCategory::kAlarm, "front_door", kNow - std::chrono::hours(1)),
      filter));
  CHECK(Matches(MakeEvent(6, "burglary", EventCategory::kAlarm, "front_door",
                          kNow - std::chrono::minutes(30)),
                filter));
  CHECK(Matches(MakeEvent(7, "armed", EventCategory::kArming), EventFilter{}));
}

TEST_CASE("homesecctl events: dispatch statuses appear under their alarm, received only there") {
  const std::vector<DispatchStatus> history{{7, "received", kNow, ""},
                                            {7, "dispatched", kNow, "patrol 7, ETA 6 min"},
                                            {7, "on_scene", kNow, ""}};
  const Event alarm = MakeEvent(7, "burglary", EventCategory::kAlarm, "front_door");
  const Event armed = MakeEvent(6, "armed", EventCategory::kArming);
  CHECK(StatusesToShow(alarm, history).size() == 3);
  CHECK(StatusesToShow(armed, {{6, "received", kNow, ""}}).empty());
  const ShownEvent shown{alarm, StatusesToShow(alarm, history)};
  const std::string table = FormatShownEvents({shown});
  INFO(table);
  const std::size_t event_row = table.find("burglary");
  const std::size_t dispatched = table.find("> dispatched");
  REQUIRE(event_row != std::string::npos);
  REQUIRE(dispatched != std::string::npos);
  CHECK(event_row < dispatched);
  CHECK(table.find("patrol 7, ETA 6 min") != std::string::npos);
  const nlohmann::json json = nlohmann::json::parse(EventJsonLine(shown, kHub));
  CHECK(json["id"] == "hub-1:7");
  REQUIRE(json["dispatch"].size() == 3);
  CHECK(json["dispatch"][1]["status"] == "dispatched");
  CHECK(json["dispatch"][1]["note"] == "patrol 7, ETA 6 min");
  CHECK(EventJsonLine(shown, kHub).find('\n') == EventJsonLine(shown, kHub).size() - 1);
}

TEST_CASE("homesecctl events --follow: a live event already in the history is not printed twice") {
  EventFeed feed(EventFilter{}, kHub, /*json=*/true);
  const std::string history =
      feed.History({{MakeEvent(1, "armed", EventCategory::kArming), {}},
                    {MakeEvent(2, "burglary", EventCategory::kAlarm, "front_door"), {}}},
                   2);
  CHECK(std::count(history.begin(), history.end(), '\n') == 2);
  // Committed before the read, published after the subscription: arrives live as well.
  CHECK(feed.Live(LivePayload(MakeEvent(2, "burglary", EventCategory::kAlarm))).print.empty());
  const auto next = feed.Live(LivePayload(MakeEvent(3, "disarmed", EventCategory::kDisarming)));
  CHECK_FALSE(next.gap_to);
  CHECK(nlohmann::json::parse(next.print)["seq"] == 3);
  CHECK(feed.Live(LivePayload(MakeEvent(3, "disarmed", EventCategory::kDisarming))).print.empty());
  CHECK(feed.last_seq() == 3);
}

TEST_CASE("homesecctl events --follow: a live event past the next seq asks for the gap first") {
  EventFeed feed(EventFilter{}, kHub, /*json=*/false);
  feed.History({{MakeEvent(4, "armed", EventCategory::kArming), {}}}, 4);
  const std::string live = LivePayload(MakeEvent(7, "burglary", EventCategory::kAlarm));
  const auto first = feed.Live(live);
  REQUIRE(first.gap_from);
  REQUIRE(first.gap_to);
  CHECK(*first.gap_from == 5);
  CHECK(*first.gap_to == 6);
  CHECK(first.print.empty());
  // The store has 5 and 6 (and older rows, and 7 itself, which are ignored here).
  const std::string gap =
      feed.FillGap({{MakeEvent(6, "alarm_restore", EventCategory::kRestore), {}},
                    {MakeEvent(4, "armed", EventCategory::kArming), {}},
                    {MakeEvent(5, "exit_error", EventCategory::kAlarm), {}},
                    {MakeEvent(7, "burglary", EventCategory::kAlarm), {}}},
                   6);
  INFO(gap);
  CHECK(gap.find("exit_error") < gap.find("alarm_restore"));
  CHECK(gap.find("armed ") == std::string::npos);
  CHECK(gap.find("burglary") == std::string::npos);
  const auto then = feed.Live(live);
  CHECK_FALSE(then.gap_to);
  CHECK(then.print.find("burglary") != std::string::npos);
}

TEST_CASE("homesecctl events --follow: filters apply live and a dispatch shows with its alarm") {
  CtlArgs args = Parse({"events", "--follow", "--type", "alarm"});
  EventFeed feed(FilterFor(args, kNow), kHub, /*json=*/false);
  CHECK(feed.History({}, 0).empty());
  CHECK(feed.Live(LivePayload(MakeEvent(1, "armed", EventCategory::kArming))).print.empty());
  const std::string alarm =
      feed.Live(LivePayload(MakeEvent(2, "burglary", EventCategory::kAlarm, "front_door"))).print;
  CHECK(alarm.find("SEQ") == 0);  // the header, once, before the first line
  CHECK(alarm.find("burglary") != std::string::npos);
  const std::string dispatch = feed.Live(DispatchNotice(2, "dispatched", "patrol 7")).print;
  INFO(dispatch);
  CHECK(dispatch.find("> dispatched for 2 burglary: patrol 7") != std::string::npos);
  CHECK(dispatch.find("SEQ") == std::string::npos);
  // A status for an event the filter left out is not shown.
  CHECK(feed.Live(DispatchNotice(1, "closed", "")).print.empty());
}

TEST_CASE("homesecctl events --follow: JSON is one object per line, dispatch notices with seq") {
  EventFeed feed(EventFilter{}, kHub, /*json=*/true);
  feed.History({}, 0);
  const std::string line = feed.Live(DispatchNotice(9, "on_scene", "")).print;
  REQUIRE(!line.empty());
  CHECK(line.back() == '\n');
  CHECK(std::count(line.begin(), line.end(), '\n') == 1);
  const nlohmann::json json = nlohmann::json::parse(line);
  CHECK(json["type"] == "dispatch");
  CHECK(json["seq"] == 9);
  CHECK(json["status"] == "on_scene");
  // Not an event or a notice: nothing, and nothing thrown.
  CHECK(feed.Live("not json").print.empty());
  CHECK(feed.Live(R"({"seq":"x"})").print.empty());
  CHECK(feed.Live(R"({"type":"dispatch","id":"other-hub:3","status":"closed"})").print.size() > 0);
}

}  // namespace
}  // namespace homesec
