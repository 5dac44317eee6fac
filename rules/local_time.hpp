// Local civil time for schedules (the vacant-house watch's daily report, keyholder hours). Pure:
// the time zone is a POSIX TZ rule string ("CST-8", "CET-1CEST,M3.5.0,M10.5.0/3",
// "EST5EDT,M3.2.0,M11.1.0") taken from the config, never the process's TZ or /etc/localtime, so
// tests and replays give the same answer on every machine.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rules/time.hpp"

namespace homesec {

// When a daylight-saving change happens, in local time (POSIX "Mm.w.d", "Jn", "n" with "/time").
struct TransitionRule {
  enum class Kind {
    kMonthWeekDay,  // Mm.w.d: day d (0 = Sunday) of week w (1..5, 5 = last) of month m
    kJulianNoLeap,  // Jn: day 1..365, February 29 never counted
    kZeroBasedDay,  // n: day 0..365, February 29 counted in leap years
  };
  Kind kind = Kind::kMonthWeekDay;
  int month = 0;  // kMonthWeekDay
  int week = 0;
  int weekday = 0;
  int day = 0;            // kJulianNoLeap / kZeroBasedDay
  int time_s = 2 * 3600;  // local time of the change; POSIX allows -167 h .. 167 h
  bool operator==(const TransitionRule&) const = default;
};

struct DaylightSaving {
  std::string name;      // "CEST"
  int utc_offset_s = 0;  // east of UTC, e.g. +7200
  TransitionRule start;  // in standard local time
  TransitionRule end;    // in daylight local time
  bool operator==(const DaylightSaving&) const = default;
};

struct TimeZoneRule {
  std::string std_name;  // "CET"
  int std_offset_s = 0;  // east of UTC (POSIX writes it west: "CET-1" is +3600)
  std::optional<DaylightSaving> dst;
  bool operator==(const TimeZoneRule&) const = default;
};

// The rule for UTC ("UTC0").
TimeZoneRule UtcRule();

// Parses a POSIX TZ rule. A DST name without rules gets the US rules (",M3.2.0,M11.1.0"), as glibc
// does. nullopt and `error` set ("offset hours must be 0..24 at position 4") when malformed.
std::optional<TimeZoneRule> ParseTimeZoneRule(std::string_view text, std::string* error);

struct LocalDateTime {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;
  int millisecond = 0;
  int weekday = 4;  // 0 = Sunday
  int utc_offset_s = 0;
  bool is_dst = false;
  bool operator==(const LocalDateTime&) const = default;
};

// The UTC offset in force at `t` (east of UTC, seconds).
int UtcOffsetAt(WallTime t, const TimeZoneRule& rule);
LocalDateTime ToLocal(WallTime t, const TimeZoneRule& rule);
// "2026-10-25T20:00:00+01:00".
std::string FormatLocal(const LocalDateTime& local);

// The first instant strictly after `after` at which the local clock reads hour:minute:00. On the
// day the clocks go forward and hour:minute falls into the gap, the end of the gap (the first
// instant after it); on the day they go back, the first of the two instants only, so a daily
// schedule fires exactly once a day.
WallTime NextLocalTime(WallTime after, int hour, int minute, const TimeZoneRule& rule);

}  // namespace homesec
