// libFuzzer entry point for RFC 3339 times (body: FuzzRfc3339, tests/fuzz/fuzz_targets.hpp).
#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  homesec::fuzz::FuzzRfc3339(data, size);
  return 0;
}
