// A chip of the kernel's gpio-sim driver (configfs /sys/kernel/config/gpio-sim), for the
// hardware tests: real libgpiod requests against a real kernel GPIO chip whose input levels the
// test sets through sysfs. Unavailable (with the reason) on kernels without gpio-sim, without
// configfs, or without the privilege to create a chip.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>

namespace homesec::test {

class KernelGpioSim {
 public:
  static constexpr const char* kConfigfs = "/sys/kernel/config/gpio-sim";

  // Empty when a chip can be created here; otherwise why not. Probed once.
  static const std::string& UnavailableReason() {
    static const std::string reason = [] {
      struct stat st {};
      if (stat(kConfigfs, &st) != 0 || !S_ISDIR(st.st_mode)) {
        return std::string(kConfigfs) +
               " is missing (kernel without CONFIG_GPIO_SIM, module gpio-sim not loaded, or "
               "configfs not mounted)";
      }
      KernelGpioSim probe;
      std::string error;
      if (!probe.Create(8, &error)) return "cannot create a gpio-sim chip: " + error;
      return std::string();
    }();
    return reason;
  }

  KernelGpioSim() = default;
  KernelGpioSim(const KernelGpioSim&) = delete;
  KernelGpioSim& operator=(const KernelGpioSim&) = delete;
  ~KernelGpioSim() { Destroy(); }

  // Creates and enables a one-bank chip with `num_lines` lines.
  bool Create(int num_lines, std::string* error) {
    static int counter = 0;
    dir_ = std::string(kConfigfs) + "/homesec-" + std::to_string(getpid()) + "-" +
           std::to_string(counter++);
    if (!MakeDir(dir_, error) || !MakeDir(dir_ + "/bank0", error) ||
        !Write(dir_ + "/bank0/num_lines", std::to_string(num_lines), error) ||
        !Write(dir_ + "/live", "1", error)) {
      return false;
    }
    chip_name_ = Read(dir_ + "/bank0/chip_name");
    dev_name_ = Read(dir_ + "/dev_name");
    if (chip_name_.empty() || dev_name_.empty()) {
      *error = "gpio-sim chip came up without chip_name/dev_name";
      return false;
    }
    return true;
  }

  const std::string& chip_name() const { return chip_name_; }

  // Sets an input line's level as a wire would: pull-up = high, pull-down = low.
  bool SetLevel(int offset, bool high) {
    std::string error;
    return Write(LineAttr(offset, "pull"), high ? "pull-up" : "pull-down", &error);
  }

  // The level the line is driven to (outputs) or pulled to (inputs).
  std::optional<bool> Level(int offset) const {
    const std::string text = Read(LineAttr(offset, "value"));
    if (text == "1") return true;
    if (text == "0") return false;
    return std::nullopt;
  }

 private:
  std::string LineAttr(int offset, const char* attr) const {
    return "/sys/devices/platform/" + dev_name_ + "/" + chip_name_ + "/sim_gpio" +
           std::to_string(offset) + "/" + attr;
  }

  static bool MakeDir(const std::string& path, std::string* error) {
    if (mkdir(path.c_str(), 0755) == 0) return true;
    *error = path + ": " + std::strerror(errno);
    return false;
  }

  static bool Write(const std::string& path, const std::string& text, std::string* error) {
    std::ofstream out(path);
    out << text;
    out.flush();
    if (out) return true;
    *error = "cannot write " + path;
    return false;
  }

  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::string text;
    std::getline(in, text);
    return text;
  }

  void Destroy() {
    if (dir_.empty()) return;
    std::string ignored;
    Write(dir_ + "/live", "0", &ignored);
    rmdir((dir_ + "/bank0").c_str());
    rmdir(dir_.c_str());
    dir_.clear();
  }

  std::string dir_;
  std::string chip_name_;
  std::string dev_name_;
};

}  // namespace homesec::test
