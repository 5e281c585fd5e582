// ICMPv6 echo packets built and read byte by byte, for tests that talk to
// the packet interface directly (RFC 4443 §4.1, RFC 8200 header).
#pragma once

#include "core/ipv6/Icmpv6.hpp"
#include "core/util/Bytes.hpp"

#include <ratatoskr/types.hpp>

#include <cstring>

namespace rtk::interop {

inline constexpr std::uint8_t kEchoRequest = 128, kEchoReply = 129, kNextIcmpv6 = 58;

struct Echo {
  Ip6Address source, destination;
  std::uint8_t type = 0;
  std::uint16_t id = 0, seq = 0;
  core::Bytes data;
};

inline core::Bytes buildEcho(const Echo& e) {
  core::Bytes icmp(8 + e.data.size(), 0);
  icmp[0] = e.type;
  icmp[4] = static_cast<std::uint8_t>(e.id >> 8);
  icmp[5] = static_cast<std::uint8_t>(e.id);
  icmp[6] = static_cast<std::uint8_t>(e.seq >> 8);
  icmp[7] = static_cast<std::uint8_t>(e.seq);
  std::copy(e.data.begin(), e.data.end(), icmp.begin() + 8);
  const std::uint16_t sum = core::ipv6::Icmpv6::checksum(e.source, e.destination, icmp);
  icmp[2] = static_cast<std::uint8_t>(sum >> 8);
  icmp[3] = static_cast<std::uint8_t>(sum);
  core::Bytes p(40 + icmp.size(), 0);
  p[0] = 0x60;
  p[4] = static_cast<std::uint8_t>(icmp.size() >> 8);
  p[5] = static_cast<std::uint8_t>(icmp.size());
  p[6] = kNextIcmpv6;
  p[7] = 64;
  std::memcpy(&p[8], e.source.bytes.data(), 16);
  std::memcpy(&p[24], e.destination.bytes.data(), 16);
  std::memcpy(&p[40], icmp.data(), icmp.size());
  return p;
}

// Parses an IPv6 packet carrying an ICMPv6 echo (no extension headers);
// checks the checksum. False for anything else.
inline bool parseEcho(const core::Bytes& p, Echo& e) {
  if (p.size() < 48 || (p[0] >> 4) != 6 || p[6] != kNextIcmpv6) return false;
  const std::size_t len = (std::size_t{p[4]} << 8) | p[5];
  if (len + 40 != p.size()) return false;
  std::memcpy(e.source.bytes.data(), &p[8], 16);
  std::memcpy(e.destination.bytes.data(), &p[24], 16);
  const core::ByteView icmp(p.data() + 40, len);
  e.type = icmp[0];
  if (e.type != kEchoRequest && e.type != kEchoReply) return false;
  core::Bytes zeroed(icmp.begin(), icmp.end());
  const std::uint16_t sum = static_cast<std::uint16_t>((zeroed[2] << 8) | zeroed[3]);
  zeroed[2] = zeroed[3] = 0;
  if (core::ipv6::Icmpv6::checksum(e.source, e.destination, zeroed) != sum) return false;
  e.id = static_cast<std::uint16_t>((icmp[4] << 8) | icmp[5]);
  e.seq = static_cast<std::uint16_t>((icmp[6] << 8) | icmp[7]);
  e.data.assign(icmp.begin() + 8, icmp.end());
  return true;
}

}  // namespace rtk::interop
