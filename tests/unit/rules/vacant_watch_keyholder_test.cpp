// Keyholder visits during a vacant-house watch: the code's window and daily hours, the visit
// record, and re-arming when the keyholder arms or after a quiet period.
#include <doctest/doctest.h>

#include "rules/vacant_watch.hpp"
#include "vacant_watch_test_support.hpp"

namespace homesec {
namespace {

using namespace watch_test;

// A watch that has armed at its departure and runs until 28 Oct.
WatchDriver ActiveTrip() {
  WatchDriver d(WeekTrip(), CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  d.RunUntil(Utc("2026-10-21T08:00:00Z"));
  REQUIRE(d.watch->state() == WatchState::kActive);
  return d;
}

TEST_CASE("keyholder: the PIN is valid inside the window and daily hours") {
  WatchDriver d = ActiveTrip();
  // 24 Oct 08:00 and 19:59 CEST are inside the hours; 20:00 is not.
  CHECK(d.watch->IsKeyholderCodeValid(Utc("2026-10-24T06:00:00Z")));
  CHECK(d.watch->IsKeyholderCodeValid(Utc("2026-10-24T17:59:00Z")));
  CHECK_FALSE(d.watch->IsKeyholderCodeValid(Utc("2026-10-24T18:00:00Z")));
  CHECK_FALSE(d.watch->IsKeyholderCodeValid(Utc("2026-10-24T05:59:00Z")));
}

TEST_CASE("keyholder: the PIN is a wrong code before and after its dates") {
  WatchDriver d = ActiveTrip();
  CHECK_FALSE(d.watch->IsKeyholderCodeValid(Utc("2026-10-22T12:00:00Z")));
  CHECK_FALSE(d.watch->IsKeyholderCodeValid(Utc("2026-10-26T12:00:00Z")));
}

TEST_CASE("keyholder: daily hours follow local time across the DST change") {
  WatchDriver d = ActiveTrip();
  // Sunday 25 Oct is CET from 03:00: 08:00 local is 07:00 UTC.
  CHECK_FALSE(d.watch->IsKeyholderCodeValid(Utc("2026-10-25T06:59:00Z")));
  CHECK(d.watch->IsKeyholderCodeValid(Utc("2026-10-25T07:00:00Z")));
}

TEST_CASE("keyholder: hours that wrap past midnight") {
  WatchRequest request = WeekTrip();
  REQUIRE(request.keyholder);
  request.keyholder->hours = DailyHours{22 * 60, 6 * 60};
  WatchDriver d(request, CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  d.RunUntil(Utc("2026-10-21T08:00:00Z"));
  CHECK(d.watch->IsKeyholderCodeValid(Utc("2026-10-23T21:00:00Z")));  // 23:00 CEST
  CHECK(d.watch->IsKeyholderCodeValid(Utc("2026-10-24T03:00:00Z")));  // 05:00 CEST
  CHECK_FALSE(d.watch->IsKeyholderCodeValid(Utc("2026-10-24T10:00:00Z")));
}

TEST_CASE("keyholder: the PIN is not valid once the watch is over") {
  WatchDriver d = ActiveTrip();
  d.Absorb(d.watch->Cancel("anna", d.now));
  CHECK_FALSE(d.watch->IsKeyholderCodeValid(Utc("2026-10-24T09:00:00Z")));
}

TEST_CASE("keyholder: the code-checker user carries the keyholder role and window") {
  WatchDriver d = ActiveTrip();
  const User user = KeyholderOf(*d.watch);
  CHECK(user.role == Role::kKeyholder);
  CHECK(user.number == 7);
  CHECK(user.pin_hash == kKeyholderHash);
  CHECK(user.valid_from == Utc("2026-10-23T00:00:00Z"));
  CHECK(user.valid_until == Utc("2026-10-26T00:00:00Z"));
}

TEST_CASE("keyholder: a disarm is a visit, not the end of the watch") {
  WatchDriver d = ActiveTrip();
  d.RunUntil(Utc("2026-10-24T09:00:00Z"));
  d.Absorb(d.watch->OnDisarm(KeyholderOf(*d.watch), false, d.now));
  CHECK(d.watch->state() == WatchState::kVisit);
  CHECK_FALSE(d.cleared);
  CHECK(d.Last("keyholder_visit").category == EventCategory::kAccess);
  CHECK(d.Last("keyholder_visit").cid.number == 7);
}

TEST_CASE("keyholder: arming when leaving returns the watch to active") {
  WatchDriver d = ActiveTrip();
  d.RunUntil(Utc("2026-10-24T09:00:00Z"));
  d.Absorb(d.watch->OnDisarm(KeyholderOf(*d.watch), false, d.now));
  d.RunUntil(Utc("2026-10-24T09:05:00Z"));
  d.Absorb(d.watch->OnArmResult(ArmResult{true, {}}, d.now));
  CHECK(d.watch->state() == WatchState::kActive);
  CHECK(d.Has("watch_rearmed"));
}

TEST_CASE("keyholder: re-arm waits for the whole delay with every zone closed") {
  WatchDriver d = ActiveTrip();
  d.RunUntil(Utc("2026-10-24T09:00:00Z"));
  d.Absorb(d.watch->OnDisarm(KeyholderOf(*d.watch), true, d.now));
  CHECK(d.watch->NextWallDeadline() == Utc("2026-10-24T09:10:00Z"));
  d.RunUntil(Utc("2026-10-24T09:08:00Z"));
  d.Absorb(d.watch->OnZoneOpened(d.now));  // back in for the watering can
  d.RunUntil(Utc("2026-10-24T09:12:00Z"));
  CHECK(d.watch->state() == WatchState::kVisit);
  d.Absorb(d.watch->OnZonesAllClosed(d.now));
  d.RunUntil(Utc("2026-10-24T09:21:59Z"));
  CHECK(d.watch->state() == WatchState::kVisit);
  d.RunUntil(Utc("2026-10-24T09:22:00Z"));
  CHECK(d.watch->state() == WatchState::kActive);
}

TEST_CASE("keyholder: without a re-arm delay the watch waits for the keyholder to arm") {
  WatchRequest request = WeekTrip();
  request.rearm_after_keyholder.reset();
  WatchDriver d(request, CentralEurope(), Utc("2026-10-20T10:00:00Z"));
  d.RunUntil(Utc("2026-10-24T09:00:00Z"));
  d.Absorb(d.watch->OnDisarm(KeyholderOf(*d.watch), true, d.now));
  d.Absorb(d.watch->OnZonesAllClosed(d.now));
  const int requests = d.arm_requests;
  d.RunUntil(Utc("2026-10-24T12:00:00Z"));
  CHECK(d.arm_requests == requests);
  CHECK(d.watch->state() == WatchState::kVisit);
}

TEST_CASE("keyholder: a re-arm refused for an open zone waits in the visit") {
  WatchDriver d = ActiveTrip();
  d.RunUntil(Utc("2026-10-24T09:00:00Z"));
  d.Absorb(d.watch->OnDisarm(KeyholderOf(*d.watch), true, d.now));
  d.open_zones = {"bathroom_window"};  // the panel sees what the watch did not
  d.RunUntil(Utc("2026-10-24T09:10:00Z"));
  CHECK(d.watch->state() == WatchState::kVisit);
  CHECK(d.Last("watch_rearm_blocked").text.find("bathroom_window") != std::string::npos);
  d.open_zones.clear();
  d.Absorb(d.watch->OnZonesAllClosed(d.now));
  d.RunUntil(Utc("2026-10-24T09:20:00Z"));
  CHECK(d.watch->state() == WatchState::kActive);
}

TEST_CASE("keyholder: a keyholder disarm never ends the watch, a resident's does") {
  WatchDriver d = ActiveTrip();
  d.RunUntil(Utc("2026-10-24T09:00:00Z"));
  d.Absorb(d.watch->OnDisarm(KeyholderOf(*d.watch), false, d.now));
  CHECK_FALSE(d.Has("watch_ended"));
  d.Absorb(d.watch->OnDisarm(Resident(), false, d.now));
  CHECK(d.watch->state() == WatchState::kEnded);
}

}  // namespace
}  // namespace homesec
