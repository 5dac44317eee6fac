// A wall time written as tests read it: Utc("2026-10-20T10:00:00Z"). The text must parse.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "rules/time.hpp"

namespace homesec {

inline WallTime Utc(const std::string& rfc3339) {
  const auto t = ParseRfc3339(rfc3339);
  REQUIRE(t.has_value());
  return *t;
}

}  // namespace homesec
