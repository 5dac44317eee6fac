// Config section "watch": the vacant-house watch's installation settings (the daily report's
// local time, the hub's time zone as a POSIX TZ rule, how often a blocked watch asks the panel to
// arm again). Individual watches are not configured here: residents register them.
#include <cctype>

#include "daemon/config_sections.hpp"
#include "rules/local_time.hpp"

namespace homesec {
namespace {

// "HH:MM" (24-hour) -> hour and minute.
bool ParseReportTime(const std::string& text, int& hour, int& minute) {
  if (text.size() != 5 || text[2] != ':') return false;
  for (const std::size_t i : {0u, 1u, 3u, 4u}) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  hour = (text[0] - '0') * 10 + (text[1] - '0');
  minute = (text[3] - '0') * 10 + (text[4] - '0');
  return hour <= 23 && minute <= 59;
}

}  // namespace

void ReadWatch(const nlohmann::json* watch, ConfigErrors& errors, WatchConfig& out) {
  if (watch == nullptr) return;
  ObjectReader reader(*watch, "watch", errors, {"report_time", "time_zone", "arm_retry_s"});
  if (!reader.ok()) return;
  std::string report_time;
  if (reader.String("report_time", report_time)) {
    int hour = 0;
    int minute = 0;
    if (ParseReportTime(report_time, hour, minute)) {
      out.report_hour = hour;
      out.report_minute = minute;
    } else {
      errors.Add(reader.PathOf("report_time"), "'" + report_time + "' is not a time of day",
                 "24-hour local time as HH:MM, e.g. \"20:00\"");
    }
  }
  std::string time_zone;
  if (reader.String("time_zone", time_zone)) {
    std::string why;
    if (const auto rule = ParseTimeZoneRule(time_zone, &why)) {
      out.time_zone = *rule;
    } else {
      errors.Add(reader.PathOf("time_zone"), "'" + time_zone + "' is not a POSIX TZ rule: " + why,
                 "a rule, not a zone name: \"CST-8\" (China), \"CET-1CEST,M3.5.0,M10.5.0/3\" "
                 "(Central Europe), \"EST5EDT,M3.2.0,M11.1.0\" (US Eastern)");
    }
  }
  reader.Duration("arm_retry_s", out.arm_retry, 10, 3600);
}

}  // namespace homesec
