// libFuzzer entry point for Zigbee2MQTT topic + payload (body: FuzzZigbeeDecoder,
// tests/fuzz/fuzz_targets.hpp).
#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  homesec::fuzz::FuzzZigbeeDecoder(data, size);
  return 0;
}
