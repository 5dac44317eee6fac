// Bounded JSON parsing; see json_limits.hpp.
#include "rules/json_limits.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "rules/text.hpp"

namespace homesec {

namespace {

// One pass over `text` as a JSON scanner sees it, outside strings: the deepest nesting (stopping
// once it passes `stop_above`) and an upper bound of the values (separators and containers).
struct JsonShape {
  int depth = 0;
  std::size_t values = 1;
};

JsonShape ScanJson(std::string_view text, int stop_above) {
  JsonShape shape;
  int depth = 0;
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
      ++shape.values;
      shape.depth = std::max(shape.depth, ++depth);
      if (shape.depth > stop_above) return shape;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (c == ',') {
      ++shape.values;
    }
  }
  return shape;
}

}  // namespace

int JsonNestingDepth(std::string_view text, int stop_above) {
  return ScanJson(text, stop_above).depth;
}

std::size_t JsonValueCount(std::string_view text) {
  return ScanJson(text, std::numeric_limits<int>::max()).values;
}

std::optional<nlohmann::json> ParseJsonWithin(std::string_view text, const JsonLimits& limits,
                                              std::string* error) {
  if (text.size() > limits.max_bytes) {
    *error = "larger than " + std::to_string(limits.max_bytes) + " bytes (" +
             std::to_string(text.size()) + ")";
    return std::nullopt;
  }
  const JsonShape shape = ScanJson(text, limits.max_depth);
  if (shape.depth > limits.max_depth) {
    *error = "nested deeper than " + std::to_string(limits.max_depth) + " levels";
    return std::nullopt;
  }
  if (shape.values > limits.max_values) {
    *error = "more than " + std::to_string(limits.max_values) + " values (about " +
             std::to_string(shape.values) + ")";
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

std::int64_t IntegerIn(const nlohmann::json& json, std::int64_t low, std::int64_t high,
                       const char* what) {
  if (!json.is_number_integer()) {
    throw std::invalid_argument(std::string(what) + ": not an integer");
  }
  const bool above =
      json.is_number_unsigned() && json.get<std::uint64_t>() > static_cast<std::uint64_t>(high);
  const std::int64_t value = above ? high : json.get<std::int64_t>();
  if (above || value < low || value > high) {
    throw std::invalid_argument(std::string(what) + ": out of range");
  }
  return value;
}

std::int64_t IntegerIn(const nlohmann::json& object, const char* key, std::int64_t fallback,
                       std::int64_t low, std::int64_t high) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return fallback;
  return IntegerIn(*it, low, high, key);
}

std::string DumpJson(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace homesec
