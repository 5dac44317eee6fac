// libFuzzer entry point for the input journal rows (body: FuzzJournalRow,
// tests/fuzz/fuzz_targets.hpp).
#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  homesec::fuzz::FuzzJournalRow(data, size);
  return 0;
}
