// Between homesecctl's two parsing steps: CLI11 (args.cpp) finds the verb and collects its words
// and options; CheckCtlWords (args_check.cpp) checks them as the command needs and fills CtlArgs.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tools/homesecctl/args.hpp"

namespace homesec {

struct CtlWords {
  CtlCommand command = CtlCommand::kHelp;
  std::vector<std::string> operands;  // the verb's positional words (arm's mode, a zone, a name)
  // Each option given, by its long name ("--last"): a flag maps to "", a value option to its
  // last value, and --type (repeatable) to all of them joined with ','.
  std::map<std::string, std::string> options;
};

// CtlArgs from the words, or the one-line error (CtlParseResult::usage is left to the caller).
CtlParseResult CheckCtlWords(const CtlWords& words);

}  // namespace homesec
