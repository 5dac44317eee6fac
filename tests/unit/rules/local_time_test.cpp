// Local civil time from POSIX TZ rules: parsing, UTC -> local across both daylight-saving changes
// (Central Europe, US Eastern, southern hemisphere), and the next occurrence of a daily local time
// through the spring gap and the autumn repeat.
#include <doctest/doctest.h>

#include <string>

#include "rules/local_time.hpp"
#include "tests/utc_support.hpp"

namespace homesec {
namespace {

TimeZoneRule Zone(const std::string& posix) {
  std::string error;
  const auto rule = ParseTimeZoneRule(posix, &error);
  REQUIRE_MESSAGE(rule.has_value(), error);
  return *rule;
}

std::string Local(const std::string& utc, const TimeZoneRule& rule) {
  return FormatLocal(ToLocal(Utc(utc), rule));
}

const char* const kCet = "CET-1CEST,M3.5.0,M10.5.0/3";
const char* const kUsEastern = "EST5EDT,M3.2.0,M11.1.0";

TEST_CASE("time zone rule: China has one fixed offset, eight hours east") {
  const TimeZoneRule china = Zone("CST-8");
  CHECK(china.std_name == "CST");
  CHECK(china.std_offset_s == 8 * 3600);
  CHECK_FALSE(china.dst.has_value());
  CHECK(Local("2026-01-15T20:30:00Z", china) == "2026-01-16T04:30:00+08:00");
  CHECK(Local("2026-07-15T20:30:00Z", china) == "2026-07-16T04:30:00+08:00");
}

TEST_CASE("time zone rule: Central Europe parses its names, offsets and rules") {
  const TimeZoneRule cet = Zone(kCet);
  CHECK(cet.std_offset_s == 3600);
  REQUIRE(cet.dst.has_value());
  CHECK(cet.dst->name == "CEST");
  CHECK(cet.dst->utc_offset_s == 7200);
  CHECK(cet.dst->start ==
        TransitionRule{TransitionRule::Kind::kMonthWeekDay, 3, 5, 0, 0, 2 * 3600});
  CHECK(cet.dst->end == TransitionRule{TransitionRule::Kind::kMonthWeekDay, 10, 5, 0, 0, 3 * 3600});
}

TEST_CASE("time zone rule: a DST name without rules gets the US rules") {
  CHECK(Zone("EST5EDT") == Zone(kUsEastern));
}

TEST_CASE("time zone rule: quoted names, explicit DST offset and Julian days") {
  const TimeZoneRule rule = Zone("<+0330>-3:30<+0430>-4:30,J79/24,J263/24");
  CHECK(rule.std_name == "+0330");
  CHECK(rule.std_offset_s == 3 * 3600 + 1800);
  REQUIRE(rule.dst.has_value());
  CHECK(rule.dst->utc_offset_s == 4 * 3600 + 1800);
  CHECK(rule.dst->start.kind == TransitionRule::Kind::kJulianNoLeap);
  CHECK(rule.dst->start.time_s == 24 * 3600);
  // J79/24 = the end of 20 March: 21 March 00:00 local standard time is 20:30 UTC on the 20th.
  CHECK(Local("2025-03-20T20:29:59Z", rule) == "2025-03-20T23:59:59+03:30");
  CHECK(Local("2025-03-20T20:30:00Z", rule) == "2025-03-21T01:00:00+04:30");
}

TEST_CASE("time zone rule: malformed rules say what is wrong and where") {
  std::string error;
  CHECK_FALSE(ParseTimeZoneRule("CET", &error).has_value());
  CHECK(error.find("expected offset hours") != std::string::npos);
  CHECK_FALSE(ParseTimeZoneRule("CET-1CEST,M13.5.0,M10.5.0", &error).has_value());
  CHECK(error.find("month must be 1..12") != std::string::npos);
  CHECK_FALSE(ParseTimeZoneRule("CET-1CEST,M3.5.0", &error).has_value());
  CHECK(error.find("DST end rule") != std::string::npos);
  CHECK_FALSE(ParseTimeZoneRule("C-1", &error).has_value());
  CHECK(error.find("at least 3 characters") != std::string::npos);
  CHECK_FALSE(ParseTimeZoneRule("CET-1CEST,M3.5.0,M10.5.0/3x", &error).has_value());
}

TEST_CASE("local time: Central Europe springs forward at 01:00 UTC on the last Sunday of March") {
  const TimeZoneRule cet = Zone(kCet);
  CHECK(Local("2026-03-29T00:59:59Z", cet) == "2026-03-29T01:59:59+01:00");
  CHECK(Local("2026-03-29T01:00:00Z", cet) == "2026-03-29T03:00:00+02:00");
  CHECK(ToLocal(Utc("2026-03-29T01:00:00Z"), cet).is_dst);
}

TEST_CASE("local time: Central Europe falls back at 01:00 UTC on the last Sunday of October") {
  const TimeZoneRule cet = Zone(kCet);
  CHECK(Local("2026-10-25T00:59:59Z", cet) == "2026-10-25T02:59:59+02:00");
  CHECK(Local("2026-10-25T01:00:00Z", cet) == "2026-10-25T02:00:00+01:00");
  CHECK_FALSE(ToLocal(Utc("2026-10-25T01:00:00Z"), cet).is_dst);
}

TEST_CASE("local time: US Eastern changes on the second Sunday of March and first of November") {
  const TimeZoneRule us = Zone(kUsEastern);
  CHECK(Local("2026-03-08T06:59:59Z", us) == "2026-03-08T01:59:59-05:00");
  CHECK(Local("2026-03-08T07:00:00Z", us) == "2026-03-08T03:00:00-04:00");
  CHECK(Local("2026-11-01T05:59:59Z", us) == "2026-11-01T01:59:59-04:00");
  CHECK(Local("2026-11-01T06:00:00Z", us) == "2026-11-01T01:00:00-05:00");
}

TEST_CASE("local time: southern hemisphere summer spans the new year") {
  const TimeZoneRule sydney = Zone("AEST-10AEDT,M10.1.0,M4.1.0/3");
  CHECK(Local("2026-01-15T00:00:00Z", sydney) == "2026-01-15T11:00:00+11:00");
  CHECK(Local("2026-07-15T00:00:00Z", sydney) == "2026-07-15T10:00:00+10:00");
}

TEST_CASE("local time: fields and milliseconds") {
  const LocalDateTime local = ToLocal(Utc("2026-10-24T18:00:00.250Z"), Zone(kCet));
  CHECK(local.year == 2026);
  CHECK(local.month == 10);
  CHECK(local.day == 24);
  CHECK(local.hour == 20);
  CHECK(local.millisecond == 250);
  CHECK(local.weekday == 6);  // Saturday
  CHECK(local.utc_offset_s == 7200);
}

TEST_CASE("next local time: is strictly after the given instant") {
  const TimeZoneRule china = Zone("CST-8");
  CHECK(NextLocalTime(Utc("2026-05-01T11:59:00Z"), 20, 0, china) == Utc("2026-05-01T12:00:00Z"));
  CHECK(NextLocalTime(Utc("2026-05-01T12:00:00Z"), 20, 0, china) == Utc("2026-05-02T12:00:00Z"));
}

TEST_CASE("next local time: a daily 20:00 follows Central Europe's autumn change") {
  const TimeZoneRule cet = Zone(kCet);
  CHECK(NextLocalTime(Utc("2026-10-24T18:00:00Z"), 20, 0, cet) == Utc("2026-10-25T19:00:00Z"));
}

TEST_CASE("next local time: a time in the spring gap fires at the end of the gap") {
  CHECK(NextLocalTime(Utc("2026-03-28T12:00:00Z"), 2, 30, Zone(kCet)) ==
        Utc("2026-03-29T01:00:00Z"));
  CHECK(NextLocalTime(Utc("2026-03-07T12:00:00Z"), 2, 30, Zone(kUsEastern)) ==
        Utc("2026-03-08T07:00:00Z"));
}

TEST_CASE("next local time: a repeated autumn time fires once, at its first occurrence") {
  const TimeZoneRule cet = Zone(kCet);
  const WallTime first = NextLocalTime(Utc("2026-10-24T12:00:00Z"), 2, 30, cet);
  CHECK(first == Utc("2026-10-25T00:30:00Z"));
  CHECK(NextLocalTime(first, 2, 30, cet) == Utc("2026-10-26T01:30:00Z"));
  const TimeZoneRule us = Zone(kUsEastern);
  const WallTime us_first = NextLocalTime(Utc("2026-10-31T12:00:00Z"), 1, 30, us);
  CHECK(us_first == Utc("2026-11-01T05:30:00Z"));
  CHECK(NextLocalTime(us_first, 1, 30, us) == Utc("2026-11-02T06:30:00Z"));
}

TEST_CASE("next local time: between the two occurrences of a repeated time, the next day") {
  // 01:45 UTC on 25 Oct is 02:45 CET, after the second 02:30 too; 01:00 UTC is 02:00 CET, between.
  CHECK(NextLocalTime(Utc("2026-10-25T01:00:00Z"), 2, 30, Zone(kCet)) ==
        Utc("2026-10-26T01:30:00Z"));
}

}  // namespace
}  // namespace homesec
