// Restarting with a vacant-house watch: Snapshot()/Restore() in every state keeps the state, the
// registration and the schedules; missed reports are caught up once; the registration and the
// published documents never carry the keyholder's PIN.
#include <doctest/doctest.h>

#include "rules/vacant_watch.hpp"
#include "vacant_watch_test_support.hpp"

namespace homesec {
namespace {

using namespace watch_test;

// Round trip through text, as the daemon stores it.
VacantWatch Reload(const VacantWatch& watch, WatchConfig config = CentralEurope()) {
  std::string error;
  auto restored =
      VacantWatch::Restore(nlohmann::json::parse(watch.Snapshot().dump()), config, &error);
  REQUIRE_MESSAGE(restored.has_value(), error);
  return std::move(*restored);
}

void CheckSameAfterRestart(WatchDriver& d) {
  const VacantWatch restored = Reload(*d.watch);
  CHECK(restored.state() == d.watch->state());
  CHECK(restored.NextWallDeadline() == d.watch->NextWallDeadline());
  CHECK(restored.Registration() == d.watch->Registration());
  CHECK(restored.FlagsAlarms() == d.watch->FlagsAlarms());
  CHECK(restored.request() == d.watch->request());
}

TEST_CASE("restart: a scheduled watch keeps its departure") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  CheckSameAfterRestart(d);
}

TEST_CASE("restart: a blocked watch keeps its open zones and retries") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  d.open_zones = {"kitchen_window"};
  d.RunUntil(Utc("2026-10-21T07:00:10Z"));
  REQUIRE(d.watch->state() == WatchState::kBlocked);
  CheckSameAfterRestart(d);
}

TEST_CASE("restart: an active watch keeps its daily report schedule") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  d.RunUntil(Utc("2026-10-22T12:00:00Z"));
  REQUIRE(d.watch->state() == WatchState::kActive);
  CheckSameAfterRestart(d);
  CHECK(d.watch->NextWallDeadline() == Utc("2026-10-22T18:00:00Z"));
}

TEST_CASE("restart: a keyholder visit keeps its re-arm countdown") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  d.RunUntil(Utc("2026-10-24T09:00:00Z"));
  d.Absorb(d.watch->OnDisarm(KeyholderOf(*d.watch), true, d.now));
  REQUIRE(d.watch->state() == WatchState::kVisit);
  CheckSameAfterRestart(d);
  CHECK(Reload(*d.watch).NextWallDeadline() == Utc("2026-10-24T09:10:00Z"));
}

TEST_CASE("restart: an overdue watch stays overdue and is not reported again") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  d.RunUntil(Utc("2026-10-28T17:30:00Z"));
  REQUIRE(d.watch->state() == WatchState::kOverdue);
  CheckSameAfterRestart(d);
  VacantWatch restored = Reload(*d.watch);
  const WatchOutput out = restored.OnTick(d.now + Millis{1000});
  CHECK(out.events.empty());
}

TEST_CASE("restart: an ended watch stays ended") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  d.RunUntil(Utc("2026-10-22T12:00:00Z"));
  d.Absorb(d.watch->OnDisarm(Resident(), false, d.now));
  CheckSameAfterRestart(d);
  CHECK(Reload(*d.watch).IsOver());
}

TEST_CASE("restart: a pending arm request is asked again on the first tick") {
  WatchRequest request = WeekTrip();
  request.departure.reset();
  auto started = VacantWatch::Start(request, CentralEurope(), Utc("2026-10-21T07:00:00Z"));
  REQUIRE(started.watch.has_value());
  REQUIRE(started.watch->state() == WatchState::kArming);
  VacantWatch restored = Reload(*started.watch);
  const WatchOutput out = restored.OnTick(Utc("2026-10-21T07:00:05Z"));
  CHECK(out.arm_request.has_value());
}

TEST_CASE("restart: reports missed while down are caught up once, then on schedule") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  d.RunUntil(Utc("2026-10-22T12:00:00Z"));
  VacantWatch restored = Reload(*d.watch);
  // Down for three days.
  const WatchOutput out = restored.OnTick(Utc("2026-10-25T12:00:00Z"));
  REQUIRE(out.report_request.has_value());
  CHECK(out.report_request->due == Utc("2026-10-22T18:00:00Z"));
  CHECK(restored.NextWallDeadline() == Utc("2026-10-25T19:00:00Z"));
}

TEST_CASE("restart: a changed report time or time zone takes effect on restore") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  d.RunUntil(Utc("2026-10-22T12:00:00Z"));
  WatchConfig shanghai;
  shanghai.report_hour = 21;
  shanghai.report_minute = 30;
  shanghai.time_zone = Zone("CST-8");
  CHECK(Reload(*d.watch, shanghai).NextWallDeadline() == Utc("2026-10-22T13:30:00Z"));
}

TEST_CASE("reload: a new report time applies from the next report on") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  d.RunUntil(Utc("2026-10-22T12:00:00Z"));
  WatchConfig morning = CentralEurope();
  morning.report_hour = 7;
  d.watch->Reconfigure(morning, d.now);
  CHECK(d.watch->NextWallDeadline() == Utc("2026-10-23T05:00:00Z"));
}

TEST_CASE("restart: an unreadable snapshot is an error, not a crash") {
  std::string error;
  CHECK_FALSE(VacantWatch::Restore(nlohmann::json{{"version", 1}}, CentralEurope(), &error));
  CHECK(error.find("watch snapshot") != std::string::npos);
  nlohmann::json bad =
      WatchDriver(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z")).watch->Snapshot();
  bad["phase"] = "sleeping";
  CHECK_FALSE(VacantWatch::Restore(bad, CentralEurope(), &error));
  CHECK(error.find("sleeping") != std::string::npos);
}

TEST_CASE("registration: never contains the keyholder's PIN or its hash") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  d.RunUntil(Utc("2026-10-24T09:00:00Z"));
  d.Absorb(d.watch->OnDisarm(KeyholderOf(*d.watch), false, d.now));
  d.RunUntil(Utc("2026-10-28T18:00:00Z"));
  d.Absorb(d.watch->OnDisarm(Resident(), false, d.now));
  REQUIRE(d.publications.size() >= 5);
  for (const auto& doc : d.publications) {
    const std::string text = doc.dump();
    CHECK(text.find("pin") == std::string::npos);
    CHECK(text.find("5eed5eed") == std::string::npos);
    CHECK(text.find("feedface") == std::string::npos);
  }
  const auto keyholder = d.publications.front()["keyholder"];
  CHECK(keyholder == nlohmann::json{{"name", "Nina"},
                                    {"valid_from", "2026-10-23T00:00:00.000Z"},
                                    {"valid_until", "2026-10-26T00:00:00.000Z"},
                                    {"hours", "08:00-20:00"}});
}

TEST_CASE("registration: carries the trip for the patrol") {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  const auto doc = d.watch->Registration();
  CHECK(doc["watch_id"] == "w-2026-10-21");
  CHECK(doc["state"] == "scheduled");
  CHECK(doc["departure"] == "2026-10-21T07:00:00.000Z");
  CHECK(doc["expected_return"] == "2026-10-28T17:00:00.000Z");
  CHECK(doc["contact"] == "+49 170 1234567");
  CHECK(doc["notes"] == "lights on a timer; car stays in the yard");
  CHECK_FALSE(doc.contains("platform_ack"));
}

}  // namespace
}  // namespace homesec
