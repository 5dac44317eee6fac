// homesecctl: the resident's and installer's command line (see `homesecctl --help`). Parses the
// arguments, loads the same config homesecd uses, and hands over to one command.
#include <iostream>
#include <string>
#include <vector>

#include "daemon/config.hpp"
#include "tools/homesecctl/args.hpp"
#include "tools/homesecctl/ctl.hpp"

int main(int argc, char** argv) {
  using namespace homesec;
  const std::vector<std::string> words(argv + 1, argv + argc);
  const CtlParseResult parsed = ParseCtlArgs(words);
  if (!parsed.args) {
    std::cerr << "homesecctl: " << parsed.error << "\n\n" << parsed.usage;
    return ctl::kExitUsage;
  }
  const CtlArgs& args = *parsed.args;
  if (args.command == CtlCommand::kHelp) {
    std::cout << parsed.usage;
    return ctl::kExitOk;
  }

  const ConfigResult config = LoadConfigFile(args.config_path);
  if (!config.config) {
    std::cerr << "homesecctl: " << args.config_path << " has errors:\n";
    for (const ConfigError& error : config.errors) std::cerr << "  " << ToString(error) << "\n";
    return ctl::kExitUsage;
  }

  switch (args.command) {
    case CtlCommand::kTroubles:
      if (args.ack) return ctl::RunTroubleAck(args, *config.config);
      return ctl::RunStatus(args, *config.config);
    case CtlCommand::kStatus:
    case CtlCommand::kZones:
    case CtlCommand::kDevices:
      return ctl::RunStatus(args, *config.config);
    case CtlCommand::kArm:
    case CtlCommand::kDisarm:
      return ctl::RunArmOrDisarm(args, *config.config);
    case CtlCommand::kBypass:
    case CtlCommand::kUnbypass:
      return ctl::RunBypass(args, *config.config);
    case CtlCommand::kPair:
      return ctl::RunPair(args, *config.config);
    case CtlCommand::kWalkTest:
      return ctl::RunWalkTest(args, *config.config);
    case CtlCommand::kMemory:
      return ctl::RunMemory(args, *config.config);
    case CtlCommand::kEvents:
      return ctl::RunEvents(args, *config.config);
    case CtlCommand::kExplain:
      return ctl::RunExplain(args, *config.config);
    case CtlCommand::kDryRun:
      return ctl::RunDryRun(args, *config.config);
    case CtlCommand::kUserAdd:
      return ctl::RunUserAdd(args, *config.config);
    case CtlCommand::kUserList:
      return ctl::RunUserList(args, *config.config);
    case CtlCommand::kUserRemove:
      return ctl::RunUserRemove(args, *config.config);
    case CtlCommand::kWatchStart:
    case CtlCommand::kWatchExtend:
    case CtlCommand::kWatchCancel:
      return ctl::RunWatchCommand(args, *config.config);
    case CtlCommand::kWatchShow:
      return ctl::RunWatchShow(args, *config.config);
    case CtlCommand::kHelp:
      break;
  }
  return ctl::kExitOk;
}
