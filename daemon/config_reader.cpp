// Field getters over nlohmann::json that report instead of throwing; see config_reader.hpp.
#include "daemon/config_reader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace homesec {

void ConfigErrors::Add(std::string path, std::string message, std::string hint) {
  errors_.push_back(ConfigError{std::move(path), std::move(message), std::move(hint)});
}

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates) {
  // A third of the word's length (at least 2) catches transpositions and dropped letters
  // ("kitchn_window", "entry_dealy_s") without suggesting unrelated names.
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  std::size_t best = std::numeric_limits<std::size_t>::max();
  std::size_t best_prefix = 0;
  std::string match;
  for (const std::string& candidate : candidates) {
    const std::size_t distance = EditDistance(word, candidate);
    // On a tie the longer shared prefix wins: "armed_nite" is armed_night, not armed_home.
    const std::size_t prefix = static_cast<std::size_t>(
        std::mismatch(word.begin(), word.end(), candidate.begin(), candidate.end()).first -
        word.begin());
    if (distance < best || (distance == best && prefix > best_prefix)) {
      best = distance;
      best_prefix = prefix;
      match = candidate;
    }
  }
  return best <= limit ? match : std::string();
}

std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string match = ClosestMatch(word, candidates);
  return match.empty() ? std::string() : "did you mean '" + match + "'?";
}

std::string JoinAlternatives(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

std::string JoinPath(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string IndexPath(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

std::string JsonTypeName(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "an integer";
    case nlohmann::json::value_t::number_float:
      return "a number with a fraction";
    default:
      return "an unsupported value";
  }
}

ObjectReader::ObjectReader(const nlohmann::json& value, std::string path, ConfigErrors& errors,
                           std::initializer_list<std::string_view> known_keys)
    : path_(std::move(path)), errors_(errors) {
  if (!value.is_object()) {
    errors_.Add(path_.empty() ? "(top level)" : path_,
                "expected an object, got " + JsonTypeName(value));
    return;
  }
  object_ = &value;
  std::vector<std::string> known(known_keys.begin(), known_keys.end());
  for (const auto& item : value.items()) {
    const std::string& key = item.key();
    if (key.starts_with("_")) continue;  // "_comment": JSON has no comments
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string hint = DidYouMean(key, known);
    if (hint.empty()) hint = "known keys here: " + JoinAlternatives(known);
    errors_.Add(PathOf(key), "unknown key", std::move(hint));
  }
}

bool ObjectReader::Has(std::string_view key) const {
  return Get(key) != nullptr;
}

const nlohmann::json* ObjectReader::Get(std::string_view key) const {
  if (object_ == nullptr) return nullptr;
  const auto it = object_->find(std::string(key));
  return it == object_->end() ? nullptr : &*it;
}

const nlohmann::json* ObjectReader::Require(std::string_view key, std::string_view hint) {
  if (object_ == nullptr) return nullptr;
  const nlohmann::json* value = Get(key);
  if (value == nullptr) errors_.Add(PathOf(key), "missing (required)", std::string(hint));
  return value;
}

bool ObjectReader::String(std::string_view key, std::string& out, bool required) {
  const nlohmann::json* value = required ? Require(key) : Get(key);
  if (value == nullptr) return false;
  if (!value->is_string()) {
    errors_.Add(PathOf(key), "expected a string, got " + JsonTypeName(*value));
    return false;
  }
  out = value->get<std::string>();
  return true;
}

bool ObjectReader::Bool(std::string_view key, bool& out) {
  const nlohmann::json* value = Get(key);
  if (value == nullptr) return false;
  if (!value->is_boolean()) {
    errors_.Add(PathOf(key), "expected true or false, got " + JsonTypeName(*value),
                value->is_string() ? "write it without quotes" : "");
    return false;
  }
  out = value->get<bool>();
  return true;
}

bool ObjectReader::Int(std::string_view key, int& out, int min, int max, bool required) {
  const nlohmann::json* value = required ? Require(key) : Get(key);
  if (value == nullptr) return false;
  if (!value->is_number_integer()) {
    errors_.Add(PathOf(key), "expected an integer, got " + JsonTypeName(*value),
                value->is_string() ? "write the number without quotes" : "");
    return false;
  }
  // Read as int64 first so an out-of-range literal is reported, not wrapped.
  const std::int64_t number = value->get<std::int64_t>();
  if (number < min || number > max) {
    errors_.Add(PathOf(key), "out of range: " + std::to_string(number),
                "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return false;
  }
  out = static_cast<int>(number);
  return true;
}

bool ObjectReader::Duration(std::string_view key, Seconds& out, int min_s, int max_s) {
  int seconds = 0;
  if (!Int(key, seconds, min_s, max_s)) return false;
  out = Seconds{seconds};
  return true;
}

bool ObjectReader::DurationMs(std::string_view key, Millis& out, int min_ms, int max_ms) {
  int ms = 0;
  if (!Int(key, ms, min_ms, max_ms)) return false;
  out = Millis{ms};
  return true;
}

bool ObjectReader::Choice(std::string_view key, std::string& out,
                          const std::vector<std::string>& choices, bool required) {
  std::string text;
  if (!String(key, text, required)) return false;
  if (std::find(choices.begin(), choices.end(), text) == choices.end()) {
    std::string hint = DidYouMean(text, choices);
    hint += (hint.empty() ? "one of " : " (one of ") + JoinAlternatives(choices) +
            (hint.empty() ? "" : ")");
    errors_.Add(PathOf(key), "unknown value '" + text + "'", std::move(hint));
    return false;
  }
  out = std::move(text);
  return true;
}

}  // namespace homesec
