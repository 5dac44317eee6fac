// libFuzzer entry point for the stored event log (body: FuzzEventJson,
// tests/fuzz/fuzz_targets.hpp).
#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  homesec::fuzz::FuzzEventJson(data, size);
  return 0;
}
