// The homesecctl suites' way of running the command-line parser: Parse for a command line that
// must be accepted, ErrorOf for one that must be refused (its one-line message).
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tools/homesecctl/args.hpp"

namespace homesec {

inline CtlArgs Parse(std::vector<std::string> words) {
  const CtlParseResult result = ParseCtlArgs(words);
  INFO(result.error);
  REQUIRE(result.args.has_value());
  return *result.args;
}

inline std::string ErrorOf(std::vector<std::string> words) {
  const CtlParseResult result = ParseCtlArgs(words);
  CHECK_FALSE(result.args.has_value());
  return result.error;
}

}  // namespace homesec
