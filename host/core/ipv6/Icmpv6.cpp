#include "core/ipv6/Icmpv6.hpp"

#include <algorithm>

#include "ratatoskr/error.hpp"

namespace rtk::core::ipv6 {

namespace {
void add16(std::uint32_t& sum, std::uint8_t hi, std::uint8_t lo) { sum += static_cast<std::uint32_t>(hi) << 8 | lo; }
}  // namespace

std::uint16_t Icmpv6::checksum(const Ip6Address& source, const Ip6Address& destination, ByteView message) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < 16; i += 2) {
    add16(sum, source.bytes[i], source.bytes[i + 1]);
    add16(sum, destination.bytes[i], destination.bytes[i + 1]);
  }
  auto length = static_cast<std::uint32_t>(message.size());
  sum += length >> 16;
  sum += length & 0xffff;
  sum += kNextHeader;
  for (std::size_t i = 0; i < message.size(); i += 2) {
    // Bytes 2-3 are the checksum field itself: counted as zero.
    std::uint8_t hi = i == 2 ? 0 : message[i];
    std::uint8_t lo = i + 1 < message.size() ? (i + 1 == 3 ? 0 : message[i + 1]) : 0;
    add16(sum, hi, lo);
  }
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

Bytes Icmpv6::packetTooBig(ByteView original, std::uint32_t mtu) {
  if (original.size() < kIpv6HeaderBytes)
    throw Error(Errc::InvalidArgument, "ipv6: packet too big: original is shorter than an IPv6 header");
  const std::size_t quote = std::min(original.size(), kQuoteBytes);
  const std::size_t icmpBytes = 8 + quote;

  Ip6Address source, destination;  // of the reply: swapped
  std::copy_n(original.begin() + 24, 16, source.bytes.begin());
  std::copy_n(original.begin() + 8, 16, destination.bytes.begin());

  Bytes out(kIpv6HeaderBytes + icmpBytes, 0);
  out[0] = 0x60;
  out[4] = static_cast<std::uint8_t>(icmpBytes >> 8);
  out[5] = static_cast<std::uint8_t>(icmpBytes);
  out[6] = kNextHeader;
  out[7] = 255;
  std::copy(source.bytes.begin(), source.bytes.end(), out.begin() + 8);
  std::copy(destination.bytes.begin(), destination.bytes.end(), out.begin() + 24);

  std::uint8_t* icmp = out.data() + kIpv6HeaderBytes;
  icmp[0] = kTypePacketTooBig;
  icmp[1] = 0;
  icmp[4] = static_cast<std::uint8_t>(mtu >> 24);
  icmp[5] = static_cast<std::uint8_t>(mtu >> 16);
  icmp[6] = static_cast<std::uint8_t>(mtu >> 8);
  icmp[7] = static_cast<std::uint8_t>(mtu);
  std::copy_n(original.begin(), quote, icmp + 8);
  std::uint16_t sum = checksum(source, destination, ByteView(icmp, icmpBytes));
  icmp[2] = static_cast<std::uint8_t>(sum >> 8);
  icmp[3] = static_cast<std::uint8_t>(sum);
  return out;
}

}  // namespace rtk::core::ipv6
