// libFuzzer entry point for the uplink ack topic (body: FuzzUplinkAck,
// tests/fuzz/fuzz_targets.hpp).
#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  homesec::fuzz::FuzzUplinkAck(data, size);
  return 0;
}
