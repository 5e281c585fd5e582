// The checksum lwIP computes over every byte a TCP or UDP socket sends
// (folded into tcp_write's copy: LWIP_CHECKSUM_ON_COPY). lwIP's portable
// routine adds one 16-bit word at a time; this one adds four 32-bit loads
// per step into 64-bit accumulators. A 32-bit load holds two 16-bit words,
// and since 2^16 is 1 in ones'-complement arithmetic the upper word needs no
// shift back: folding the 64-bit total gives the same sum. For the same
// reason the buffer's alignment does not matter (the loads are unaligned).
#include "LwipChecksum.hpp"

#include <bit>
#include <cstring>

namespace {

std::uint32_t load32(const unsigned char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace

extern "C" std::uint16_t rtk_lwip_chksum(const void* data, int len) {
  const auto* p = static_cast<const unsigned char*>(data);
  std::size_t n = len > 0 ? static_cast<std::size_t>(len) : 0;
  // Four independent sums keep the adds from waiting on each other; each
  // stays far below 2^64 for any length lwIP passes (at most 64 KiB).
  std::uint64_t a = 0, b = 0, c = 0, d = 0;
  for (; n >= 16; n -= 16, p += 16) {
    a += load32(p);
    b += load32(p + 4);
    c += load32(p + 8);
    d += load32(p + 12);
  }
  std::uint64_t sum = a + b + c + d;
  for (; n >= 4; n -= 4, p += 4) sum += load32(p);
  if (n >= 2) {
    std::uint16_t w;
    std::memcpy(&w, p, sizeof w);
    sum += w;
    p += 2;
    n -= 2;
  }
  if (n == 1) {
    // The odd byte is the first of its pair, the second being zero.
    sum += std::endian::native == std::endian::little ? std::uint64_t{*p} : std::uint64_t{*p} << 8;
  }
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}
