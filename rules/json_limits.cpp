// Bounded JSON parsing; see json_limits.hpp.
#include "rules/json_limits.hpp"

#include <algorithm>

#include "rules/text.hpp"

namespace homesec {

int JsonNestingDepth(std::string_view text, int stop_above) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > stop_above) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

std::size_t JsonValueCount(std::string_view text) {
  std::size_t values = 1;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == ',' || c == '[' || c == '{') {
      ++values;
    }
  }
  return values;
}

std::optional<nlohmann::json> ParseJsonWithin(std::string_view text, const JsonLimits& limits,
                                              std::string* error) {
  if (text.size() > limits.max_bytes) {
    *error = "larger than " + std::to_string(limits.max_bytes) + " bytes (" +
             std::to_string(text.size()) + ")";
    return std::nullopt;
  }
  if (JsonNestingDepth(text, limits.max_depth) > limits.max_depth) {
    *error = "nested deeper than " + std::to_string(limits.max_depth) + " levels";
    return std::nullopt;
  }
  if (const std::size_t values = JsonValueCount(text); values > limits.max_values) {
    *error = "more than " + std::to_string(limits.max_values) + " values (about " +
             std::to_string(values) + ")";
    return std::nullopt;
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    // what() is "[json.exception.parse_error.101] parse error at line 1, column 5: ...": the
    // part after the bracket is the useful one. It may quote the input: made printable.
    std::string what = e.what();
    if (const auto end = what.find("] "); what.starts_with("[json.") && end != std::string::npos) {
      what.erase(0, end + 2);
    }
    *error = "invalid JSON: " + PrintableText(what, 200);
    return std::nullopt;
  }
}

std::string DumpJson(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace homesec
