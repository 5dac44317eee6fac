// Randomness for homesecctl: PIN salts and MQTT request/client ids, from the kernel (getrandom).
#include <sys/random.h>

#include "tools/homesecctl/ctl.hpp"

namespace homesec::ctl {

bool RandomBytes(std::span<std::uint8_t> out) {
  std::size_t filled = 0;
  while (filled < out.size()) {
    const ssize_t n = ::getrandom(out.data() + filled, out.size() - filled, 0);
    if (n <= 0) return false;
    filled += static_cast<std::size_t>(n);
  }
  return true;
}

std::string RandomHex() {
  std::uint8_t bytes[8] = {};
  RandomBytes(bytes);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const std::uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xf];
  }
  return out;
}

std::string NewRequestId() {
  return "homesecctl-" + RandomHex();
}

}  // namespace homesec::ctl
