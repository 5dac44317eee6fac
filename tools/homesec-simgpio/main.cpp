// homesec-simgpio: drives the simulated GPIO chip from outside the daemon (tests, the demo,
// hubs without GPIO). Levels are physical, as a wire would be; see docs/gpio.md.
//
//   homesec-simgpio [--dir DIR] set <chip> <line> <0|1>
//   homesec-simgpio [--dir DIR] get <chip> <line>
//   homesec-simgpio [--dir DIR] pulse <chip> <line> <ms>
//   homesec-simgpio [--dir DIR] list <chip>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sensors/line_backend.hpp"
#include "sensors/sim_chip.hpp"

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage: homesec-simgpio [--dir DIR] set <chip> <line> <0|1>\n"
               "       homesec-simgpio [--dir DIR] get <chip> <line>\n"
               "       homesec-simgpio [--dir DIR] pulse <chip> <line> <ms>\n"
               "       homesec-simgpio [--dir DIR] list <chip>\n"
               "DIR defaults to $HOMESEC_SIM_DIR or /run/homesec/sim; levels are physical.\n");
  return 2;
}

bool Drive(const std::string& dir, const std::string& chip, const std::string& line, bool level) {
  std::string error;
  if (homesec::DriveSimLine(dir, chip, line, level, &error)) return true;
  std::fprintf(stderr, "homesec-simgpio: %s line %s: %s\n", chip.c_str(), line.c_str(),
               error.c_str());
  return false;
}

int List(const std::string& dir, const std::string& chip) {
  std::error_code ec;
  std::vector<std::string> lines;
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/" + chip, ec)) {
    if (entry.is_directory()) lines.push_back(entry.path().filename().string());
  }
  if (ec) {
    std::fprintf(stderr, "homesec-simgpio: %s/%s: %s\n", dir.c_str(), chip.c_str(),
                 ec.message().c_str());
    return 1;
  }
  std::sort(lines.begin(), lines.end());
  for (const std::string& line : lines) {
    const std::optional<bool> level = homesec::ReadSimLevel(dir, chip, line);
    const std::string consumer = homesec::SimLineConsumer(dir, chip, line);
    std::printf("%-12s %-5s %s\n", line.c_str(), level ? (*level ? "1" : "0") : "unset",
                consumer.empty() ? "-" : consumer.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string dir = homesec::SimDir();
  if (args.size() >= 2 && args[0] == "--dir") {
    dir = args[1];
    args.erase(args.begin(), args.begin() + 2);
  }
  if (args.empty()) return Usage();
  const std::string& cmd = args[0];
  if (cmd == "list" && args.size() == 2) return List(dir, args[1]);
  if (args.size() < 3) return Usage();
  const std::string& chip = args[1];
  const std::string& line = args[2];
  if (cmd == "get" && args.size() == 3) {
    const std::optional<bool> level = homesec::ReadSimLevel(dir, chip, line);
    std::printf("%s\n", level ? (*level ? "1" : "0") : "unset");
    return level ? 0 : 1;
  }
  if (cmd == "set" && args.size() == 4 && (args[3] == "0" || args[3] == "1")) {
    return Drive(dir, chip, line, args[3] == "1") ? 0 : 1;
  }
  if (cmd == "pulse" && args.size() == 4) {
    int ms = 0;
    try {
      ms = std::stoi(args[3]);
    } catch (const std::exception&) {
      return Usage();
    }
    if (ms <= 0) return Usage();
    // A pulse leaves the rest level and returns to it.
    const bool rest = homesec::ReadSimLevel(dir, chip, line).value_or(false);
    if (!Drive(dir, chip, line, !rest)) return 1;
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    return Drive(dir, chip, line, rest) ? 0 : 1;
  }
  return Usage();
}
