// fuzz_wire_announce: the Announce decoder (ironwood wire form) on arbitrary bodies.
#include "core/wire/Announce.hpp"
#include "../wire_common/WireRoundTrip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rtk::fuzz::roundTrip<rtk::core::wire::Announce>(data, size, [](const rtk::core::wire::Announce& a) { (void)a.check(); });
  return 0;
}
