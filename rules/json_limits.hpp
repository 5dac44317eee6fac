// JSON from outside, parsed within limits: a size cap before any parsing and a nesting-depth
// limit checked by a scan that allocates nothing (nlohmann/json builds a node for every '[', so
// 8 MiB of '[' costs hundreds of MiB before it fails). Never throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace homesec {

struct JsonLimits {
  std::size_t max_bytes = 64 * 1024;
  // Deepest nesting of objects and arrays accepted. Zigbee2MQTT's bridge/devices, the deepest
  // payload homesec reads, nests about 8 levels (devices > definition > exposes > features >
  // features > values).
  int max_depth = 32;
  // Most values (numbers, strings, objects, arrays ...) accepted. A parsed value costs 16 bytes
  // and more, so a payload of tiny values ("[0,0,0,...]") grows about twenty-fold when parsed:
  // the count bounds that, the byte cap alone does not (the soak saw 4 MiB become 88 MiB).
  std::size_t max_values = 1000000;
};

// Nesting depth of `text` as a JSON scanner sees it (brackets outside strings), stopping as soon
// as it passes `stop_above`.
int JsonNestingDepth(std::string_view text, int stop_above);

// About how many values `text` holds (separators and containers outside strings, plus one), an
// upper bound that costs one pass and no allocation.
std::size_t JsonValueCount(std::string_view text);

// The parsed value, or nullopt and `error` saying why in words a person can act on ("larger than
// 65536 bytes", "nested deeper than 32 levels", "invalid JSON: parse error at line 1, column 17
// ..."). Strings in the result are valid UTF-8 (nlohmann's lexer refuses anything else).
std::optional<nlohmann::json> ParseJsonWithin(std::string_view text, const JsonLimits& limits,
                                              std::string* error);

// An integer read back from a document homesec wrote itself (a snapshot): within [low, high], or
// std::invalid_argument naming `what` (a snapshot reader catches it and reports the snapshot
// unreadable). nlohmann's get<int>() on a float such as 9e9 is undefined behaviour, which the
// fuzzer found in two snapshot readers: every integer of a snapshot is read through this.
std::int64_t IntegerIn(const nlohmann::json& json, std::int64_t low, std::int64_t high,
                       const char* what);
// The same for object[key], `fallback` when the key is absent or null.
std::int64_t IntegerIn(const nlohmann::json& object, const char* key, std::int64_t fallback,
                       std::int64_t low, std::int64_t high);

// `json` as compact text, with any string that is not valid UTF-8 (it can only have come from
// outside without passing ParseJsonWithin) written with U+FFFD instead of throwing
// type_error.316. Every JSON the daemon publishes or stores goes through this.
std::string DumpJson(const nlohmann::json& json);

}  // namespace homesec
