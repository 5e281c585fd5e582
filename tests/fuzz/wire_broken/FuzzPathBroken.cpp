// fuzz_wire_broken: the PathBroken decoder (ironwood wire form) on arbitrary bodies.
#include "core/wire/PathBroken.hpp"
#include "../wire_common/WireRoundTrip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rtk::fuzz::roundTrip<rtk::core::wire::PathBroken>(data, size);
  return 0;
}
