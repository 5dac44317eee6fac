// Who could have disarmed: explain's list and the code check of a disarm answer by one rule
// (MayDisarm, rules/codes.hpp), the vacant-house watch's keyholder included: inside her dates and
// daily hours she is listed and her code disarms, outside them neither.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/unit/rules/journal_test_support.hpp"
#include "tests/unit/rules/panel_watch_test_support.hpp"

namespace homesec::test {
namespace {

// The week's trip journaled from its registration on 20 Oct to the front door opening at
// `entry` (UTC) while the house is armed armed_vacation, and the entry delay running out.
Recorder TripBurglary(const std::string& entry) {
  Now now{kEpoch.mono, Utc("2026-10-20T10:00:00Z")};
  Recorder recorder(WatchConfigured(), now);
  AllClosed(recorder, now);
  Command start = Cmd(CommandAction::kWatchStart, "1234", "watch-1");
  start.watch = WeekTrip();
  recorder.Handle(start, now);
  recorder.RunUntil(now, now + (Utc(entry) - now.wall));
  recorder.Handle(Read("front_door", "contact", std::string("open")), now);
  recorder.RunUntil(now, now + minutes(1));
  return recorder;
}

std::vector<std::string> CouldDisarm(const Recorder& recorder) {
  const std::optional<Event> alarm = recorder.Last("burglary");
  REQUIRE(alarm);
  const Explanation e = ExplainOf(recorder, *alarm);
  CHECK(e.reproduced);
  return e.could_disarm;
}

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

TEST_CASE("explain: the watch's keyholder inside her dates and hours could have disarmed") {
  // Saturday 24 Oct, 12:00 CEST: inside Nina's 08:00-20:00.
  const auto could = CouldDisarm(TripBurglary("2026-10-24T10:00:00Z"));
  CHECK(Contains(could, "Nina (keyholder)"));
  CHECK(Contains(could, "anna (master)"));
  CHECK_FALSE(Contains(could, "cleaner (arm_only)"));
}

TEST_CASE("explain: the watch's keyholder outside her daily hours could not have disarmed") {
  // Saturday 24 Oct, 23:00 CEST.
  const auto could = CouldDisarm(TripBurglary("2026-10-24T21:00:00Z"));
  CHECK_FALSE(Contains(could, "Nina (keyholder)"));
  CHECK(Contains(could, "anna (master)"));
}

TEST_CASE("explain: the panel's list of who may disarm agrees with each code's disarm") {
  struct Code {
    const char* user;
    const char* pin;
  };
  for (const std::string time : {"2026-10-22T10:00:00Z", "2026-10-24T10:00:00Z",
                                 "2026-10-24T21:00:00Z", "2026-10-27T10:00:00Z"}) {
    for (const Code c : {Code{"anna", "1234"}, Code{"ben", "2345"}, Code{"cleaner", "3456"},
                         Code{"keyholder", "5555"}, Code{"Nina", "4711"}}) {
      WatchHarness h;
      h.Watch(CommandAction::kWatchStart, WeekTrip());
      h.RunUntil(time);
      REQUIRE(h.panel.mode() == Mode::kArmedVacation);
      bool listed = false;
      for (const User& user : h.panel.UsersWhoMayDisarm(h.now.wall)) {
        listed = listed || user.name == c.user;
      }
      const auto result = Result(h.Disarm(c.pin));
      REQUIRE(result);
      CAPTURE(time);
      CAPTURE(c.user);
      CHECK(result->accepted == listed);
    }
  }
}

}  // namespace homesec::test
