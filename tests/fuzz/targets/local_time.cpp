// libFuzzer entry point for POSIX TZ rules and daily hours (body: FuzzLocalTime,
// tests/fuzz/fuzz_targets.hpp).
#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  homesec::fuzz::FuzzLocalTime(data, size);
  return 0;
}
