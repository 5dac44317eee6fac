// Test support for the vacant-house watch: a manual wall clock in milliseconds and a stand-in for
// the Panel's side of the contract (answers arm requests from a simulated set of open zones,
// collects events, reports and registration publications), so the tests read as a story.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "rules/local_time.hpp"
#include "rules/vacant_watch.hpp"
#include "tests/utc_support.hpp"

namespace homesec::watch_test {

inline TimeZoneRule Zone(const std::string& posix) {
  std::string error;
  const auto rule = ParseTimeZoneRule(posix, &error);
  REQUIRE_MESSAGE(rule.has_value(), error);
  return *rule;
}

inline WatchConfig CentralEurope() {
  WatchConfig config;
  config.report_hour = 20;
  config.report_minute = 0;
  config.time_zone = Zone("CET-1CEST,M3.5.0,M10.5.0/3");
  return config;
}

inline User Resident() {
  return User{1, "anna", Role::kMaster, "pbkdf2-sha256$1$00$00", std::nullopt, std::nullopt};
}

// Keyholder hash: opaque to the watch; a recognisable marker so leaks are easy to spot.
inline constexpr const char* kKeyholderHash = "pbkdf2-sha256$1000$5eed5eed$feedfacefeedface";

// Trip: Wednesday 21 Oct 2026 09:00 CEST to Wednesday 28 Oct 2026 18:00 CET (clocks go back on
// Sunday 25 Oct). Neighbour Nina waters the plants 23-25 Oct, 08:00-20:00 local.
inline WatchRequest WeekTrip() {
  WatchRequest request;
  request.id = "w-2026-10-21";
  request.departure = Utc("2026-10-21T07:00:00Z");
  request.expected_return = Utc("2026-10-28T17:00:00Z");
  request.contact_phone = "+49 170 1234567";
  request.notes = "lights on a timer; car stays in the yard";
  request.created_by = "anna";
  Keyholder nina;
  nina.name = "Nina";
  nina.user_number = 7;
  nina.valid_from = Utc("2026-10-23T00:00:00Z");
  nina.valid_until = Utc("2026-10-26T00:00:00Z");
  nina.hours = DailyHours{8 * 60, 20 * 60};
  nina.pin_hash = kKeyholderHash;
  request.keyholder = nina;
  request.rearm_after_keyholder = Seconds{600};
  return request;
}

inline User KeyholderOf(const VacantWatch& watch) {
  const auto user = watch.KeyholderUser();
  REQUIRE(user.has_value());
  return *user;
}

// Drives one watch like the Panel and the daemon would: the clock jumps from deadline to deadline
// (the daemon's timer), arm requests are answered from `open_zones`.
class WatchDriver {
 public:
  WatchDriver(WatchRequest request, WatchConfig config, WallTime start) : now(start) {
    auto started = VacantWatch::Start(std::move(request), std::move(config), now);
    REQUIRE_MESSAGE(started.watch.has_value(), started.output.error);
    watch.emplace(std::move(*started.watch));
    Absorb(started.output);
  }

  void Absorb(const WatchOutput& out) {
    events.insert(events.end(), out.events.begin(), out.events.end());
    if (out.registration_changed) publications.push_back(watch->Registration());
    if (out.registration_cleared) cleared = true;
    if (out.report_request) reports.push_back(*out.report_request);
    if (out.arm_request) {
      ++arm_requests;
      Absorb(watch->OnArmResult(ArmResult{open_zones.empty(), open_zones}, now));
    }
  }

  // Advances the manual clock to `until`, stopping at every deadline on the way.
  void RunUntil(WallTime until) {
    for (int guard = 0;; ++guard) {
      REQUIRE_MESSAGE(guard < 100000, "deadline does not advance");
      const auto deadline = watch->NextWallDeadline();
      if (!deadline || *deadline > until) break;
      now = std::max(now, *deadline);
      Absorb(watch->OnTick(now));
    }
    now = until;
    Absorb(watch->OnTick(now));
  }

  void Advance(Millis d) { RunUntil(now + d); }

  // Advances the manual clock in fixed steps, ticking at each, as a loop woken by other inputs
  // would: the watch must not care how often it is ticked.
  void StepUntil(WallTime until, Millis step) {
    while (now < until) {
      now = std::min(until, now + step);
      Absorb(watch->OnTick(now));
    }
  }

  std::vector<std::string> EventTypes() const {
    std::vector<std::string> types;
    for (const auto& e : events) types.push_back(e.type);
    return types;
  }
  bool Has(const std::string& type) const {
    for (const auto& e : events) {
      if (e.type == type) return true;
    }
    return false;
  }
  const Event& Last(const std::string& type) const {
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
      if (it->type == type) return *it;
    }
    FAIL("no event " << type);
    return events.front();
  }

  WallTime now;
  std::optional<VacantWatch> watch;
  std::vector<std::string> open_zones;
  std::vector<Event> events;
  std::vector<ReportRequest> reports;
  std::vector<nlohmann::json> publications;
  int arm_requests = 0;
  bool cleared = false;
};

}  // namespace homesec::watch_test
