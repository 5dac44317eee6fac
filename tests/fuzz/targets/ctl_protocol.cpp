// libFuzzer entry point for homesecctl's replies and status topics (body: FuzzCtlProtocol,
// tests/fuzz/fuzz_targets.hpp).
#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  homesec::fuzz::FuzzCtlProtocol(data, size);
  return 0;
}
