// libFuzzer entry point for stored PIN hashes (body: FuzzPinHash, tests/fuzz/fuzz_targets.hpp).
#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  homesec::fuzz::FuzzPinHash(data, size);
  return 0;
}
