// homesecd: parses the command line and runs the App. Everything else lives in daemon/app.cpp.
#include <cstdio>
#include <cstring>
#include <string>

#include "daemon/app.hpp"
#include "daemon/config.hpp"
#include "daemon/local_interface.hpp"

#ifndef HOMESEC_VERSION
#define HOMESEC_VERSION "0.1.0"
#endif

namespace {

constexpr const char* kDefaultConfig = "/etc/homesec/homesec.json";

void Usage(std::FILE* out) {
  std::fprintf(out,
               "usage: homesecd [--config PATH] [--check-config] [--version]\n"
               "  --config PATH    the installation config (default %s)\n"
               "  --check-config   validate the config, print every error, and exit\n"
               "  --version        print the version and exit\n",
               kDefaultConfig);
}

int CheckConfig(const std::string& path) {
  const homesec::ConfigResult result = homesec::LoadConfigFile(path);
  if (!result.config) {
    for (const homesec::ConfigError& error : result.errors) {
      std::fprintf(stderr, "%s: %s\n", path.c_str(), homesec::ToString(error).c_str());
    }
    return 1;
  }
  // Against the devices Zigbee2MQTT last said it has (saved by homesecd): a zone watching a
  // property its device does not expose, a configured device not paired. Warnings: the inventory
  // may be old, and pairing may come later.
  const std::string inventory_path = homesec::InventoryPath(*result.config);
  if (const std::optional<std::string> inventory = homesec::ReadSavedInventory(*result.config)) {
    for (const std::string& finding : homesec::CheckInventory(*result.config, *inventory)) {
      std::printf("warning: %s (Zigbee2MQTT's inventory as saved in %s)\n", finding.c_str(),
                  inventory_path.c_str());
    }
  }
  std::printf("config OK: %s\n%s", path.c_str(), homesec::ConfigSummary(*result.config).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path = kDefaultConfig;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      config_path = arg.substr(std::strlen("--config="));
    } else if (arg == "--check-config") {
      check_only = true;
    } else if (arg == "--version") {
      std::printf("homesecd %s\n", HOMESEC_VERSION);
      return 0;
    } else if (arg == "--help" || arg == "-h") {
      Usage(stdout);
      return 0;
    } else {
      std::fprintf(stderr, "homesecd: unknown argument '%s'\n", arg.c_str());
      Usage(stderr);
      return 2;
    }
  }
  if (check_only) return CheckConfig(config_path);
  homesec::App app(config_path);
  return app.Run();
}
