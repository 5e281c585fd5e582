// fuzz_wire_sigreq: the SigReq decoder (ironwood wire form) on arbitrary bodies.
#include "core/wire/SigReq.hpp"
#include "../wire_common/WireRoundTrip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rtk::fuzz::roundTrip<rtk::core::wire::SigReq>(data, size);
  return 0;
}
