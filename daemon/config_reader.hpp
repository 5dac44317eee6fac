// Reading one JSON object of the config while collecting every mistake in it: each field getter
// records a ConfigError with the field's JSON path and a hint instead of throwing, so one pass
// reports everything an installer got wrong. Unknown keys are errors with a did-you-mean, because
// a misspelled key that is silently ignored leaves an option at its default without anyone
// noticing ("entry_dealy_s" would keep the 30 s default).
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/config.hpp"
#include "rules/time.hpp"

namespace homesec {

// Collects errors across the whole config.
class ConfigErrors {
 public:
  void Add(std::string path, std::string message, std::string hint = {});
  bool empty() const { return errors_.empty(); }
  std::size_t size() const { return errors_.size(); }
  std::vector<ConfigError> Take() { return std::move(errors_); }

 private:
  std::vector<ConfigError> errors_;
};

// Levenshtein distance, for did-you-mean hints.
std::size_t EditDistance(std::string_view a, std::string_view b);
// The candidate closest to `word` if it is close enough to be a plausible typo, else empty.
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);
// "did you mean 'x'?" or empty when nothing is close.
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);
// "a, b or c".
std::string JoinAlternatives(const std::vector<std::string>& words);
// "path.key" (or "key" at the top level).
std::string JoinPath(const std::string& path, std::string_view key);
// "path[index]".
std::string IndexPath(const std::string& path, std::size_t index);
// "a string", "a number", ... for "expected X, got Y" messages.
std::string JsonTypeName(const nlohmann::json& value);

// One JSON object being read. Construction checks that the value is an object and reports every
// key not in `known_keys` (keys starting with '_' are comments and ignored). Getters leave the
// output untouched when the key is absent or invalid, so defaults set beforehand survive.
class ObjectReader {
 public:
  ObjectReader(const nlohmann::json& value, std::string path, ConfigErrors& errors,
               std::initializer_list<std::string_view> known_keys);

  // False when the value was not an object (already reported); getters then do nothing.
  bool ok() const { return object_ != nullptr; }
  const std::string& path() const { return path_; }
  std::string PathOf(std::string_view key) const { return JoinPath(path_, key); }
  bool Has(std::string_view key) const;
  // The raw value, or nullptr when absent.
  const nlohmann::json* Get(std::string_view key) const;
  // Reports "missing" with a hint when absent; returns the value otherwise.
  const nlohmann::json* Require(std::string_view key, std::string_view hint = {});

  // Each returns true when the key was present and valid (and `out` was set).
  bool String(std::string_view key, std::string& out, bool required = false);
  bool Bool(std::string_view key, bool& out);
  bool Int(std::string_view key, int& out, int min, int max, bool required = false);
  bool Duration(std::string_view key, Seconds& out, int min_s, int max_s);
  bool DurationMs(std::string_view key, Millis& out, int min_ms, int max_ms);
  // A string that must be one of `choices` (did-you-mean on a miss).
  bool Choice(std::string_view key, std::string& out, const std::vector<std::string>& choices,
              bool required = false);

  ConfigErrors& errors() { return errors_; }

 private:
  const nlohmann::json* object_ = nullptr;
  std::string path_;
  ConfigErrors& errors_;
};

}  // namespace homesec
