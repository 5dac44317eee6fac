// String forms of the GPIO line settings in etc/homesec.json ("bias": "pull_up",
// "role": "contact"). Parse also accepts the hyphenated spellings gpioset/gpioinfo use
// ("pull-up", "as-is").
#include "sensors/source_config.hpp"

#include <array>
#include <string>
#include <utility>

namespace homesec {
namespace {

constexpr std::array<std::pair<Bias, std::string_view>, 4> kBiases{{
    {Bias::kAsIs, "as_is"},
    {Bias::kDisabled, "disabled"},
    {Bias::kPullUp, "pull_up"},
    {Bias::kPullDown, "pull_down"},
}};

constexpr std::array<std::pair<LineRole, std::string_view>, 5> kLineRoles{{
    {LineRole::kContact, "contact"},
    {LineRole::kLatch, "latch"},
    {LineRole::kTamper, "tamper"},
    {LineRole::kPanic, "panic"},
    {LineRole::kKeyswitch, "keyswitch"},
}};

std::string Underscored(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '-') c = '_';
  }
  return out;
}

}  // namespace

std::string_view ToString(Bias bias) {
  for (const auto& [value, name] : kBiases) {
    if (value == bias) return name;
  }
  return "unknown";
}

std::optional<Bias> ParseBias(std::string_view text) {
  const std::string normalised = Underscored(text);
  for (const auto& [value, name] : kBiases) {
    if (name == normalised) return value;
  }
  return std::nullopt;
}

std::string_view ToString(LineRole role) {
  for (const auto& [value, name] : kLineRoles) {
    if (value == role) return name;
  }
  return "unknown";
}

std::optional<LineRole> ParseLineRole(std::string_view text) {
  for (const auto& [value, name] : kLineRoles) {
    if (name == text) return value;
  }
  return std::nullopt;
}

}  // namespace homesec
