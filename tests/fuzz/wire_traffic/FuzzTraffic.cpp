// fuzz_wire_traffic: the Traffic decoder (ironwood wire form) on arbitrary bodies.
#include "core/wire/Traffic.hpp"
#include "../wire_common/WireRoundTrip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rtk::fuzz::roundTrip<rtk::core::wire::Traffic>(data, size);
  return 0;
}
