// libFuzzer entry point for homesecctl's command line (body: FuzzCtlArgs,
// tests/fuzz/fuzz_targets.hpp).
#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  homesec::fuzz::FuzzCtlArgs(data, size);
  return 0;
}
