// fuzz_wire_bloom: the bloom filter decoder (ironwood wire form) on arbitrary
// bodies; whatever decodes is also queried.
#include "core/wire/BloomFilter.hpp"
#include "../wire_common/WireRoundTrip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rtk::fuzz::roundTrip<rtk::core::wire::BloomFilter>(data, size, [](const rtk::core::wire::BloomFilter& b) {
    static const std::uint8_t key[32] = {1, 2, 3};
    (void)b.test(rtk::core::ByteView(key, sizeof key));
  });
  return 0;
}
