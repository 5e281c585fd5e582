// ICMPv6 messages the packet layer generates itself: Packet Too Big, sent
// back when a packet arrives that is larger than our interface MTU
// (yggdrasil ipv6rwc/ipv6rwc.go, ipv6rwc/icmpv6.go).
//
// Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/util/Bytes.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::core::ipv6 {

class Icmpv6 {
 public:
  static constexpr std::size_t kIpv6HeaderBytes = 40;
  static constexpr std::uint8_t kNextHeader = 58;         // ICMPv6
  static constexpr std::uint8_t kTypePacketTooBig = 2;
  // How much of the offending packet a Packet Too Big quotes. yggdrasil copies
  // the packet into a 512-byte buffer, so it quotes min(512, length) bytes.
  static constexpr std::size_t kQuoteBytes = 512;

  // The Packet Too Big answering `original` (an IPv6 packet of at least 40
  // bytes): from the original destination to the original source, hop limit
  // 255, traffic class and flow label 0, type 2 code 0, the MTU, then the
  // first min(512, size) bytes of the original. Throws
  // rtk::Error(Errc::InvalidArgument) when `original` is shorter than a header.
  static Bytes packetTooBig(ByteView original, std::uint32_t mtu);

  // The Internet checksum of an ICMPv6 message (RFC 4443 §2.3): the one's
  // complement of the one's complement sum over the IPv6 pseudo-header
  // (source, destination, upper-layer length, next header 58) and the
  // message with its checksum field taken as zero.
  static std::uint16_t checksum(const Ip6Address& source, const Ip6Address& destination, ByteView message);
};

}  // namespace rtk::core::ipv6
