// fuzz_wire_lookup: the PathLookup decoder (ironwood wire form) on arbitrary bodies.
#include "core/wire/PathLookup.hpp"
#include "../wire_common/WireRoundTrip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rtk::fuzz::roundTrip<rtk::core::wire::PathLookup>(data, size);
  return 0;
}
