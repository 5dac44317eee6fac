// Test support for the vacant-house watch through the Panel: the standard installation with
// armed_vacation timings and a Central European report time, a week's trip with a keyholder, and
// a harness that registers watches and runs the manual clock to a wall time.
#pragma once

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "rules/local_time.hpp"
#include "tests/unit/rules/panel_test_support.hpp"
#include "tests/utc_support.hpp"

namespace homesec::test {

// Standard installation with its own armed_vacation timings and a Central European report time.
inline PanelConfig WatchConfigured() {
  PanelConfig config = StandardConfig();
  config.timing[Mode::kArmedVacation] = ModeTiming{Seconds{30}, Seconds{10}, Seconds{180}};
  std::string error;
  const auto zone = ParseTimeZoneRule("CET-1CEST,M3.5.0,M10.5.0/3", &error);
  REQUIRE(zone.has_value());
  config.watch.time_zone = *zone;
  config.watch.report_hour = 20;
  config.watch.report_minute = 0;
  config.watch.arm_retry = Seconds{60};
  return config;
}

// Trip: Wednesday 21 Oct 2026 09:00 CEST to Wednesday 28 Oct 2026 18:00 CET. Nina waters the
// plants 23-25 Oct, 08:00-20:00 local, with PIN 4711; re-arm 10 min after her visit.
inline WatchSpec WeekTrip() {
  WatchSpec spec;
  spec.departure = Utc("2026-10-21T07:00:00Z");
  spec.expected_return = Utc("2026-10-28T17:00:00Z");
  spec.contact_phone = "+49 170 1234567";
  spec.notes = "lights on a timer";
  WatchKeyholderSpec nina;
  nina.name = "Nina";
  nina.pin = "4711";
  nina.valid_from = Utc("2026-10-23T00:00:00Z");
  nina.valid_until = Utc("2026-10-26T00:00:00Z");
  nina.hours = "08:00-20:00";
  spec.keyholder = nina;
  spec.rearm_after_keyholder = Seconds{600};
  spec.salt.assign(kSalt.begin(), kSalt.end());
  return spec;
}

class WatchHarness : public Harness {
 public:
  explicit WatchHarness(const std::string& start = "2026-10-20T10:00:00Z")
      : Harness(WatchConfigured()) {
    now.wall = Utc(start);
  }

  std::vector<Action> Watch(CommandAction action, std::optional<WatchSpec> spec,
                            const std::string& code = "1234") {
    Command command;
    command.action = action;
    command.code = code;
    command.source = "test";
    command.request_id = "watch-" + std::to_string(++requests);
    command.watch = std::move(spec);
    return panel.Handle(command, now);
  }

  std::vector<Action> RunUntil(const std::string& rfc3339) {
    return Advance(Utc(rfc3339) - now.wall);
  }

  int requests = 0;
};

inline std::optional<nlohmann::json> LastRegistration(const std::vector<Action>& actions) {
  const auto changes = All<WatchChanged>(actions);
  if (changes.empty() || changes.back().registration.empty()) return std::nullopt;
  return nlohmann::json::parse(changes.back().registration);
}

inline std::string StateOf(const std::vector<Action>& actions) {
  const auto registration = LastRegistration(actions);
  return registration ? registration->value("state", "") : "";
}

}  // namespace homesec::test
