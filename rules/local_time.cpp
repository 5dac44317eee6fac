// POSIX TZ rule parsing and UTC <-> local civil time conversion (see local_time.hpp). Civil-date
// arithmetic follows Howard Hinnant's days_from_civil / civil_from_days, which are exact for the
// proleptic Gregorian calendar and need no tables.
#include "rules/local_time.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace homesec {
namespace {

constexpr std::int64_t kDay_s = 86400;

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

std::int64_t DaysFromCivil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = FloorDiv(y, 400);
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct CivilDate {
  std::int64_t year;
  int month;
  int day;
};

CivilDate CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = FloorDiv(z, 146097);
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

int WeekdayFromDays(std::int64_t z) {
  return static_cast<int>(z >= -4 ? (z + 4) % 7 : (z + 5) % 7 + 6);
}

bool IsLeap(std::int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int DaysInMonth(std::int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Seconds since the epoch, in local (unshifted) terms, at which `rule` happens in year `y`.
std::int64_t TransitionLocalSeconds(std::int64_t y, const TransitionRule& rule) {
  std::int64_t days = 0;
  switch (rule.kind) {
    case TransitionRule::Kind::kJulianNoLeap:
      days = DaysFromCivil(y, 1, 1) + rule.day - 1 + (IsLeap(y) && rule.day >= 60 ? 1 : 0);
      break;
    case TransitionRule::Kind::kZeroBasedDay:
      days = DaysFromCivil(y, 1, 1) + rule.day;
      break;
    case TransitionRule::Kind::kMonthWeekDay: {
      const std::int64_t first = DaysFromCivil(y, rule.month, 1);
      int mday = 1 + (rule.weekday - WeekdayFromDays(first) + 7) % 7 + (rule.week - 1) * 7;
      if (mday > DaysInMonth(y, rule.month)) mday -= 7;  // week 5 = the last one
      days = first + mday - 1;
      break;
    }
  }
  return days * kDay_s + rule.time_s;
}

int OffsetAtSeconds(std::int64_t utc_s, const TimeZoneRule& rule) {
  if (!rule.dst) return rule.std_offset_s;
  const std::int64_t year = CivilFromDays(FloorDiv(utc_s + rule.std_offset_s, kDay_s)).year;
  const std::int64_t start = TransitionLocalSeconds(year, rule.dst->start) - rule.std_offset_s;
  const std::int64_t end = TransitionLocalSeconds(year, rule.dst->end) - rule.dst->utc_offset_s;
  // Southern hemisphere rules start late in the year and end early in the next.
  const bool in_dst =
      start < end ? (utc_s >= start && utc_s < end) : !(utc_s >= end && utc_s < start);
  return in_dst ? rule.dst->utc_offset_s : rule.std_offset_s;
}

// A small cursor over the rule text, so errors can say where they are.
class RuleParser {
 public:
  RuleParser(std::string_view text, std::string* error) : text_(text), error_(error) {}

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  bool Accept(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }

  bool Fail(const std::string& message) {
    if (error_ != nullptr) *error_ = message + " at position " + std::to_string(pos_);
    return false;
  }

  bool Name(std::string* name) {
    if (Accept('<')) {
      const std::size_t close = text_.find('>', pos_);
      if (close == std::string_view::npos) return Fail("unterminated '<' in zone name");
      *name = std::string(text_.substr(pos_, close - pos_));
      pos_ = close + 1;
    } else {
      const std::size_t begin = pos_;
      while (!AtEnd() && std::isalpha(static_cast<unsigned char>(Peek()))) ++pos_;
      *name = std::string(text_.substr(begin, pos_ - begin));
    }
    if (name->size() < 3) return Fail("zone name must have at least 3 characters");
    return true;
  }

  bool Number(int* value, int min, int max, const char* what) {
    const std::size_t begin = pos_;
    long v = 0;
    while (!AtEnd() && std::isdigit(static_cast<unsigned char>(Peek())) && pos_ - begin < 4) {
      v = v * 10 + (Peek() - '0');
      ++pos_;
    }
    if (pos_ == begin) return Fail(std::string("expected ") + what);
    if (v < min || v > max) {
      pos_ = begin;
      return Fail(std::string(what) + " must be " + std::to_string(min) + ".." +
                  std::to_string(max));
    }
    *value = static_cast<int>(v);
    return true;
  }

  // [+-]hh[:mm[:ss]] -> seconds (sign applied).
  bool Duration(int* seconds, int max_hours, const char* what) {
    int sign = 1;
    if (Accept('-')) {
      sign = -1;
    } else {
      Accept('+');
    }
    int h = 0, m = 0, s = 0;
    if (!Number(&h, 0, max_hours, (std::string(what) + " hours").c_str())) return false;
    if (Accept(':')) {
      if (!Number(&m, 0, 59, (std::string(what) + " minutes").c_str())) return false;
      if (Accept(':') && !Number(&s, 0, 59, (std::string(what) + " seconds").c_str())) {
        return false;
      }
    }
    *seconds = sign * (h * 3600 + m * 60 + s);
    return true;
  }

  bool Transition(TransitionRule* rule) {
    if (Accept('M')) {
      rule->kind = TransitionRule::Kind::kMonthWeekDay;
      if (!Number(&rule->month, 1, 12, "month")) return false;
      if (!Accept('.')) return Fail("expected '.' after month");
      if (!Number(&rule->week, 1, 5, "week")) return false;
      if (!Accept('.')) return Fail("expected '.' after week");
      if (!Number(&rule->weekday, 0, 6, "weekday")) return false;
    } else if (Accept('J')) {
      rule->kind = TransitionRule::Kind::kJulianNoLeap;
      if (!Number(&rule->day, 1, 365, "Julian day")) return false;
    } else {
      rule->kind = TransitionRule::Kind::kZeroBasedDay;
      if (!Number(&rule->day, 0, 365, "day of year")) return false;
    }
    rule->time_s = 2 * 3600;
    if (Accept('/')) return Duration(&rule->time_s, 167, "transition time");
    return true;
  }

 private:
  std::string_view text_;
  std::string* error_;
  std::size_t pos_ = 0;
};

std::string TwoDigits(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

}  // namespace

TimeZoneRule UtcRule() {
  return TimeZoneRule{"UTC", 0, std::nullopt};
}

std::optional<TimeZoneRule> ParseTimeZoneRule(std::string_view text, std::string* error) {
  RuleParser p(text, error);
  TimeZoneRule rule;
  int west_s = 0;
  if (!p.Name(&rule.std_name)) return std::nullopt;
  if (!p.Duration(&west_s, 24, "offset")) return std::nullopt;
  rule.std_offset_s = -west_s;
  if (p.AtEnd()) return rule;

  DaylightSaving dst;
  if (!p.Name(&dst.name)) return std::nullopt;
  dst.utc_offset_s = rule.std_offset_s + 3600;
  if (!p.AtEnd() && p.Peek() != ',') {
    if (!p.Duration(&west_s, 24, "DST offset")) return std::nullopt;
    dst.utc_offset_s = -west_s;
  }
  if (p.AtEnd()) {
    // No rules: glibc's default is the US rules.
    dst.start = TransitionRule{TransitionRule::Kind::kMonthWeekDay, 3, 2, 0, 0, 7200};
    dst.end = TransitionRule{TransitionRule::Kind::kMonthWeekDay, 11, 1, 0, 0, 7200};
  } else {
    if (!p.Accept(',')) {
      p.Fail("expected ',' before the DST start rule");
      return std::nullopt;
    }
    if (!p.Transition(&dst.start)) return std::nullopt;
    if (!p.Accept(',')) {
      p.Fail("expected ',' before the DST end rule");
      return std::nullopt;
    }
    if (!p.Transition(&dst.end)) return std::nullopt;
    if (!p.AtEnd()) {
      p.Fail("unexpected text after the DST end rule");
      return std::nullopt;
    }
  }
  rule.dst = std::move(dst);
  return rule;
}

int UtcOffsetAt(WallTime t, const TimeZoneRule& rule) {
  return OffsetAtSeconds(FloorDiv(t.time_since_epoch().count(), 1000), rule);
}

LocalDateTime ToLocal(WallTime t, const TimeZoneRule& rule) {
  const std::int64_t ms = t.time_since_epoch().count();
  const std::int64_t utc_s = FloorDiv(ms, 1000);
  const int offset = OffsetAtSeconds(utc_s, rule);
  const std::int64_t local_s = utc_s + offset;
  const std::int64_t days = FloorDiv(local_s, kDay_s);
  const std::int64_t sod = local_s - days * kDay_s;
  const CivilDate date = CivilFromDays(days);
  LocalDateTime local;
  local.year = static_cast<int>(date.year);
  local.month = date.month;
  local.day = date.day;
  local.hour = static_cast<int>(sod / 3600);
  local.minute = static_cast<int>(sod % 3600 / 60);
  local.second = static_cast<int>(sod % 60);
  local.millisecond = static_cast<int>(ms - utc_s * 1000);
  local.weekday = WeekdayFromDays(days);
  local.utc_offset_s = offset;
  local.is_dst = rule.dst && offset == rule.dst->utc_offset_s && offset != rule.std_offset_s;
  return local;
}

std::string FormatLocal(const LocalDateTime& local) {
  char buf[64];
  const int off = std::abs(local.utc_offset_s);
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%s:%s", local.year, local.month,
                local.day, local.hour, local.minute, local.second,
                local.utc_offset_s < 0 ? '-' : '+', TwoDigits(off / 3600).c_str(),
                TwoDigits(off % 3600 / 60).c_str());
  return buf;
}

WallTime NextLocalTime(WallTime after, int hour, int minute, const TimeZoneRule& rule) {
  const std::int64_t after_s = FloorDiv(after.time_since_epoch().count(), 1000);
  const std::int64_t after_day = FloorDiv(after_s + OffsetAtSeconds(after_s, rule), kDay_s);
  const std::int64_t clock_s = hour * 3600 + minute * 60;
  // Offsets are at most +-25 h, so the wanted day is at most two local days after `after`'s.
  for (std::int64_t day = after_day - 1; day <= after_day + 3; ++day) {
    const std::int64_t local_s = day * kDay_s + clock_s;
    std::optional<std::int64_t> fire;
    const int offsets[2] = {rule.std_offset_s,
                            rule.dst ? rule.dst->utc_offset_s : rule.std_offset_s};
    for (int offset : offsets) {
      const std::int64_t u = local_s - offset;
      if (OffsetAtSeconds(u, rule) == offset && (!fire || u < *fire)) fire = u;
    }
    if (!fire) {
      // The clocks skip this time today: fire at the end of the gap, i.e. the first second whose
      // offset is the new one.
      std::int64_t lo = local_s - std::max(offsets[0], offsets[1]);
      std::int64_t hi = local_s - std::min(offsets[0], offsets[1]);
      const int late_offset = OffsetAtSeconds(hi, rule);
      while (lo < hi) {
        const std::int64_t mid = lo + (hi - lo) / 2;
        if (OffsetAtSeconds(mid, rule) == late_offset) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      fire = lo;
    }
    const WallTime candidate{Millis{*fire * 1000}};
    if (candidate > after) return candidate;
  }
  // Unreachable for sane rules; a day later keeps a schedule moving rather than spinning.
  return after + std::chrono::hours(24);
}

}  // namespace homesec
