// Fuzz target bodies: the small text parsers under everything else. RFC 3339 times, POSIX TZ
// rules and keyholder hours, stored PIN hashes, JSON within limits and the UTF-8 helpers, each
// with the invariants its callers rely on.
#include <charconv>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "rules/codes.hpp"
#include "rules/json_limits.hpp"
#include "rules/local_time.hpp"
#include "rules/text.hpp"
#include "rules/time.hpp"
#include "rules/vacant_watch.hpp"
#include "tests/fuzz/fuzz_hub.hpp"
#include "tests/fuzz/fuzz_targets.hpp"

namespace homesec::fuzz {
namespace {

bool Digits(std::string_view text, std::size_t pos, std::size_t count, int min, int max) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  return value >= min && value <= max;
}

// The grammar rules/time.hpp promises: YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM), with the
// field ranges of RFC 3339 section 5.6 (and its lower-case 't' and 'z'). Day-of-month limits are
// left to the parser (a 31st of a short month is a separate question).
bool IsRfc3339Shaped(std::string_view text) {
  if (!Digits(text, 0, 4, 0, 9999) || text.size() < 20 || text[4] != '-' ||
      !Digits(text, 5, 2, 1, 12) || text[7] != '-' || !Digits(text, 8, 2, 1, 31) ||
      (text[10] != 'T' && text[10] != 't') || !Digits(text, 11, 2, 0, 23) || text[13] != ':' ||
      !Digits(text, 14, 2, 0, 59) || text[16] != ':' || !Digits(text, 17, 2, 0, 60)) {
    return false;
  }
  std::size_t pos = 19;
  if (text[pos] == '.') {
    const std::size_t digits_start = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == digits_start) return false;
  }
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) return pos + 1 == text.size();
  return pos + 6 == text.size() && (text[pos] == '+' || text[pos] == '-') &&
         Digits(text, pos + 1, 2, 0, 23) && text[pos + 3] == ':' && Digits(text, pos + 4, 2, 0, 59);
}

}  // namespace

void FuzzRfc3339(const std::uint8_t* data, std::size_t size) {
  const std::string text(AsText(data, size));
  const std::optional<WallTime> time = ParseRfc3339(text);
  if (!time) return;
  Require(IsRfc3339Shaped(text), "ParseRfc3339 accepts only YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)");
  // Stored and published times are formatted and read back: the round trip keeps the instant.
  const std::string formatted = FormatRfc3339(*time);
  const std::optional<WallTime> again = ParseRfc3339(formatted);
  Require(again.has_value() && *again == *time, "FormatRfc3339 output parses to the same time");
  Consume(FormatLocal(ToLocal(*time, FuzzPanelConfig().watch.time_zone)));
}

void FuzzLocalTime(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = AsText(data, size);
  const auto [rule_text, hours_text] = SplitAtNewline(text);
  if (const std::optional<DailyHours> hours = ParseDailyHours(hours_text)) {
    Require(hours->from_minute >= 0 && hours->from_minute < 1440 && hours->to_minute >= 0 &&
                hours->to_minute < 1440,
            "daily hours are minutes of a day");
    Require(ParseDailyHours(ToString(*hours)) == hours, "daily hours round-trip");
  }
  std::string error;
  const std::optional<TimeZoneRule> rule = ParseTimeZoneRule(rule_text, &error);
  if (!rule) {
    Require(!error.empty(), "a refused TZ rule says why");
    return;
  }
  // The watch's schedule: today's and the next days' report times, across both DST changes.
  WallTime t = FuzzNow().wall;
  for (int day = 0; day < 3; ++day) {
    Consume(FormatLocal(ToLocal(t, *rule)));
    Consume(std::to_string(UtcOffsetAt(t, *rule)));
    const WallTime next = NextLocalTime(t, 20, 0, *rule);
    Require(next > t, "NextLocalTime is after its start");
    t = next;
  }
}

void FuzzPinHash(const std::uint8_t* data, std::size_t size) {
  const auto [pin, encoded] = SplitAtNewline(AsText(data, size));
  Consume(CheckPinFormat(pin, 4));
  // A stored hash names its own work factor; a large one is slow by design, not a bug, so only
  // cheap ones are computed (the parser still sees every shape through the cheap ones).
  const std::size_t first = encoded.find('$');
  const std::size_t second = encoded.find('$', first == std::string_view::npos ? 0 : first + 1);
  if (first != std::string_view::npos && second != std::string_view::npos) {
    long iterations = 0;
    const char* begin = encoded.data() + first + 1;
    const char* end = encoded.data() + second;
    const auto [ptr, ec] = std::from_chars(begin, end, iterations);
    if (ec == std::errc() && iterations > 1000) return;
  }
  Consume(VerifyPin(pin, encoded) ? "match" : "no match");
}

void FuzzJsonText(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = AsText(data, size);
  Require(IsValidUtf8(PrintableText(text)), "PrintableText is valid UTF-8");
  Require(PrintableText(text, 40).size() <= 40 + 3, "PrintableText is cut to its limit");
  if (IsValidUtf8(text)) {
    const std::string cut = CutUtf8(text, text.size() / 2);
    Require(IsValidUtf8(cut) && cut.size() <= text.size() / 2, "CutUtf8 keeps UTF-8 valid");
  }
  JsonLimits limits;
  limits.max_bytes = 4096;
  limits.max_depth = 8;
  std::string error;
  const std::optional<nlohmann::json> json = ParseJsonWithin(text, limits, &error);
  if (!json) {
    Require(!error.empty(), "refused JSON says why");
    Consume(error);
    return;
  }
  Require(JsonNestingDepth(text, limits.max_depth) <= limits.max_depth, "depth limit holds");
  Consume(json->dump());  // its strings are valid UTF-8: dumping never throws
}

}  // namespace homesec::fuzz
