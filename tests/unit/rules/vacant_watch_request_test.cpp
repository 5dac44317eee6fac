// Validating a resident's vacant-house watch request: each mistake gets a message the resident
// can act on; state names and keyholder hours round-trip.
#include <doctest/doctest.h>

#include "rules/vacant_watch.hpp"
#include "vacant_watch_test_support.hpp"

namespace homesec {
namespace {

using namespace watch_test;

// Not Utc(): REQUIRE cannot run during static initialisation.
const WallTime kNow = *ParseRfc3339("2026-10-20T10:00:00Z");

// True when exactly one message was produced and it contains `fragment`.
bool OnlyError(const WatchRequest& request, const std::string& fragment) {
  const auto errors = ValidateWatchRequest(request, kNow);
  const bool ok = errors.size() == 1 && errors[0].find(fragment) != std::string::npos;
  if (!ok) {
    for (const auto& e : errors) MESSAGE(e);
  }
  return ok;
}

TEST_CASE("watch request: a complete trip is valid") {
  CHECK(ValidateWatchRequest(WeekTrip(), kNow).empty());
}

TEST_CASE("watch request: return before departure is refused") {
  WatchRequest request = WeekTrip();
  request.expected_return = Utc("2026-10-21T06:00:00Z");
  request.keyholder.reset();
  request.rearm_after_keyholder.reset();
  CHECK(OnlyError(request, "must be after the departure"));
}

TEST_CASE("watch request: a departure more than a minute in the past is refused") {
  WatchRequest request = WeekTrip();
  request.departure = kNow - Seconds{61};
  request.keyholder.reset();
  request.rearm_after_keyholder.reset();
  CHECK(OnlyError(request, "is in the past"));
  request.departure = kNow - Seconds{59};
  CHECK(ValidateWatchRequest(request, kNow).empty());
}

TEST_CASE("watch request: a contact phone is required and must look like one") {
  WatchRequest request = WeekTrip();
  request.contact_phone = "";
  CHECK(OnlyError(request, "contact phone number is required"));
  request.contact_phone = "call my sister";
  CHECK(OnlyError(request, "is not a phone number"));
}

TEST_CASE("watch request: the keyholder window must lie inside the trip") {
  WatchRequest request = WeekTrip();
  REQUIRE(request.keyholder);
  request.keyholder->valid_until = Utc("2026-10-29T00:00:00Z");
  CHECK(OnlyError(request, "must lie inside the trip"));
}

TEST_CASE("watch request: the keyholder needs a name, a user number and a PIN") {
  WatchRequest request = WeekTrip();
  REQUIRE(request.keyholder);
  request.keyholder->name = "";
  request.keyholder->user_number = 0;
  request.keyholder->pin_hash = "";
  const auto errors = ValidateWatchRequest(request, kNow);
  CHECK(errors.size() == 3);
}

TEST_CASE("watch request: a re-arm delay needs a keyholder") {
  WatchRequest request = WeekTrip();
  request.keyholder.reset();
  CHECK(OnlyError(request, "needs a keyholder"));
}

TEST_CASE("watch request: Start refuses an invalid request with every message") {
  WatchRequest request = WeekTrip();
  request.contact_phone = "";
  request.expected_return = Utc("2026-10-21T06:00:00Z");
  const auto started = VacantWatch::Start(request, CentralEurope(), kNow);
  CHECK_FALSE(started.watch.has_value());
  CHECK_FALSE(started.output.accepted);
  CHECK(started.output.error.find("contact") != std::string::npos);
  CHECK(started.output.error.find("expected return") != std::string::npos);
}

TEST_CASE("watch request: an empty id is derived from the creation time") {
  WatchRequest request = WeekTrip();
  request.id = "";
  const auto started = VacantWatch::Start(request, CentralEurope(), kNow);
  REQUIRE(started.watch.has_value());
  CHECK_FALSE(started.watch->id().empty());
  CHECK(started.output.events.at(0).watch_id == started.watch->id());
}

TEST_CASE("watch state names round-trip") {
  for (auto state :
       {WatchState::kScheduled, WatchState::kArming, WatchState::kBlocked, WatchState::kActive,
        WatchState::kVisit, WatchState::kOverdue, WatchState::kEnded, WatchState::kCancelled}) {
    CHECK(ParseWatchState(ToString(state)) == state);
  }
  CHECK_FALSE(ParseWatchState("sleeping").has_value());
}

TEST_CASE("keyholder hours parse as HH:MM-HH:MM") {
  CHECK(ParseDailyHours("08:00-10:30") == DailyHours{480, 630});
  CHECK(ToString(DailyHours{1320, 360}) == "22:00-06:00");
  CHECK_FALSE(ParseDailyHours("8-10").has_value());
  CHECK_FALSE(ParseDailyHours("08:00-08:00").has_value());
  CHECK_FALSE(ParseDailyHours("24:00-08:00").has_value());
}

}  // namespace
}  // namespace homesec
