// fuzz_wire_sigres: the SigRes decoder (ironwood wire form) on arbitrary bodies.
#include "core/wire/SigRes.hpp"
#include "../wire_common/WireRoundTrip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rtk::fuzz::roundTrip<rtk::core::wire::SigRes>(data, size, [](const rtk::core::wire::SigRes& r) { (void)r.check(rtk::PublicKey{}, rtk::PublicKey{}); });
  return 0;
}
