// libFuzzer entry point for the retained topics homesecd reads back on the local broker (body:
// FuzzLocalRetained, tests/fuzz/fuzz_targets.hpp).
#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  homesec::fuzz::FuzzLocalRetained(data, size);
  return 0;
}
