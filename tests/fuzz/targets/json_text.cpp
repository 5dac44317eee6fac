// libFuzzer entry point for JSON within limits and UTF-8 text (body: FuzzJsonText,
// tests/fuzz/fuzz_targets.hpp).
#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  homesec::fuzz::FuzzJsonText(data, size);
  return 0;
}
