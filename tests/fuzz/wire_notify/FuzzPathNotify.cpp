// fuzz_wire_notify: the PathNotify decoder (ironwood wire form) on arbitrary bodies.
#include "core/wire/PathNotify.hpp"
#include "../wire_common/WireRoundTrip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rtk::fuzz::roundTrip<rtk::core::wire::PathNotify>(data, size, [](const rtk::core::wire::PathNotify& n) { (void)n.check(); });
  return 0;
}
