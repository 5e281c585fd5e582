#include "core/wire/Uvarint.hpp"

namespace rtk::core::wire {

int decodeUvarint(ByteView in, std::uint64_t& value) {
  std::uint64_t x = 0;
  unsigned shift = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (i == kMaxUvarintBytes) {  // an 11th byte: Go reports overflow after reading it
      value = 0;
      return -static_cast<int>(i + 1);
    }
    const std::uint8_t b = in[i];
    if (b < 0x80) {
      if (i == kMaxUvarintBytes - 1 && b > 1) {  // the 10th byte carries only bit 63
        value = 0;
        return -static_cast<int>(i + 1);
      }
      value = x | static_cast<std::uint64_t>(b) << shift;
      return static_cast<int>(i + 1);
    }
    x |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    shift += 7;
  }
  value = 0;
  return 0;
}

}  // namespace rtk::core::wire
