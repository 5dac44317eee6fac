// Vacant-house watch vocabulary: state names, keyholder daily hours and the validation of a
// resident's watch request (messages a resident can act on, one per problem).
#include <array>
#include <cctype>
#include <cstdio>
#include <utility>

#include "rules/vacant_watch.hpp"

namespace homesec {
namespace {

constexpr std::array<std::pair<WatchState, std::string_view>, 8> kStateNames{{
    {WatchState::kScheduled, "scheduled"},
    {WatchState::kArming, "arming"},
    {WatchState::kBlocked, "blocked"},
    {WatchState::kActive, "active"},
    {WatchState::kVisit, "visit"},
    {WatchState::kOverdue, "overdue"},
    {WatchState::kEnded, "ended"},
    {WatchState::kCancelled, "cancelled"},
}};

constexpr std::size_t kMaxNotes = 500;
constexpr std::size_t kMaxContact = 40;

// "HH:MM" -> minutes after midnight.
std::optional<int> ParseClock(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (std::size_t i : {0, 1, 3, 4}) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
  }
  const int h = (text[0] - '0') * 10 + (text[1] - '0');
  const int m = (text[3] - '0') * 10 + (text[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

std::string FormatClock(int minutes) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60 % 24, minutes % 60);
  return buf;
}

bool IsPhoneNumber(std::string_view text) {
  int digits = 0;
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      ++digits;
    } else if (c != '+' && c != ' ' && c != '-' && c != '(' && c != ')' && c != '/') {
      return false;
    }
  }
  return digits >= 3;
}

}  // namespace

std::string_view ToString(WatchState state) {
  for (const auto& [value, name] : kStateNames) {
    if (value == state) return name;
  }
  return "unknown";
}

std::optional<WatchState> ParseWatchState(std::string_view text) {
  for (const auto& [value, name] : kStateNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

std::optional<DailyHours> ParseDailyHours(std::string_view text) {
  const std::size_t dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto from = ParseClock(text.substr(0, dash));
  const auto to = ParseClock(text.substr(dash + 1));
  if (!from || !to || *from == *to) return std::nullopt;
  return DailyHours{*from, *to};
}

std::string ToString(const DailyHours& hours) {
  return FormatClock(hours.from_minute) + "-" + FormatClock(hours.to_minute);
}

std::vector<std::string> ValidateWatchRequest(const WatchRequest& request, WallTime now) {
  std::vector<std::string> errors;
  const WallTime departure = request.departure.value_or(now);
  if (departure < now - kDepartureGrace) {
    errors.push_back("departure " + FormatRfc3339(departure) +
                     " is in the past; use \"now\" or a later time");
  }
  if (request.expected_return <= departure) {
    errors.push_back("expected return " + FormatRfc3339(request.expected_return) +
                     " must be after the departure " + FormatRfc3339(departure));
  }
  if (request.contact_phone.empty()) {
    errors.push_back("a contact phone number is required (the patrol calls it)");
  } else if (request.contact_phone.size() > kMaxContact || !IsPhoneNumber(request.contact_phone)) {
    errors.push_back("contact '" + request.contact_phone +
                     "' is not a phone number (digits, spaces, + - ( ) /)");
  }
  if (request.notes.size() > kMaxNotes) {
    errors.push_back("notes are limited to " + std::to_string(kMaxNotes) + " characters");
  }
  if (request.created_by.empty()) errors.push_back("the resident creating the watch is unknown");
  if (request.rearm_after_keyholder && request.rearm_after_keyholder->count() <= 0) {
    errors.push_back("rearm_after_keyholder must be a positive number of seconds");
  }
  if (request.keyholder) {
    const Keyholder& k = *request.keyholder;
    if (k.name.empty()) errors.push_back("keyholder: a name is required");
    if (k.user_number < 1 || k.user_number > 999) {
      errors.push_back("keyholder: user number must be 1..999 (Contact ID user)");
    }
    if (k.pin_hash.empty()) errors.push_back("keyholder: a PIN is required");
    if (k.valid_until <= k.valid_from) {
      errors.push_back("keyholder: valid_until must be after valid_from");
    } else if (k.valid_from < departure || k.valid_until > request.expected_return) {
      errors.push_back("keyholder: the window " + FormatRfc3339(k.valid_from) + " to " +
                       FormatRfc3339(k.valid_until) + " must lie inside the trip");
    }
    if (k.hours &&
        (k.hours->from_minute < 0 || k.hours->from_minute >= 1440 || k.hours->to_minute < 0 ||
         k.hours->to_minute >= 1440 || k.hours->from_minute == k.hours->to_minute)) {
      errors.push_back("keyholder: daily hours must be two different times 00:00..23:59");
    }
  } else if (request.rearm_after_keyholder) {
    errors.push_back("rearm_after_keyholder needs a keyholder");
  }
  return errors;
}

}  // namespace homesec
