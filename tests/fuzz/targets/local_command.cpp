// libFuzzer entry point for the local command topic (body: FuzzLocalCommand,
// tests/fuzz/fuzz_targets.hpp).
#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  homesec::fuzz::FuzzLocalCommand(data, size);
  return 0;
}
