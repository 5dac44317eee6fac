// homesecctl's verbs and options as data (verbs.cpp): the one list that the CLI11 command line,
// every --help and the shell completion are made from.
#pragma once

#include <string>
#include <vector>

#include "tools/homesecctl/args.hpp"

namespace homesec {

struct CtlOptionSpec {
  const char* name;   // "--last"
  const char* value;  // what its value is called in --help ("N"); nullptr: a flag
  const char* help;   // one line
};

struct CtlVerbSpec {
  const char* path = "";  // "status", or "user add": a subcommand of "user"
  CtlCommand command = CtlCommand::kHelp;
  const char* operands = nullptr;       // what its positional words are called ("MODE"); or none
  const char* operands_help = nullptr;  // one line, with `operands`
  const char* help = "";                // one line: the verb list in `homesecctl --help`
  std::vector<CtlOptionSpec> options = {};
  const char* footer = "";  // more about the verb, at the end of its --help
};

const std::vector<CtlVerbSpec>& CtlVerbSpecs();
// --config and --json: accepted before or after any verb.
const std::vector<CtlOptionSpec>& CtlGlobalOptions();
// The option of that long name in any verb (or a global one); nullptr if no verb has it.
const CtlOptionSpec* FindCtlOption(const std::string& name);

}  // namespace homesec
