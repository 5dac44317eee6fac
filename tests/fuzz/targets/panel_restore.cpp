// libFuzzer entry point for the stored panel snapshot (body: FuzzPanelRestore,
// tests/fuzz/fuzz_targets.hpp).
#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  homesec::fuzz::FuzzPanelRestore(data, size);
  return 0;
}
