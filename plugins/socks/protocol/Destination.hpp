// Destination — where a client asks the proxy to go: an IPv4 or IPv6
// address, or a domain name, and a port (RFC 1928 §5 ATYP forms; HTTP
// CONNECT targets use the same type).
// Thread-safety: a plain value.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "ratatoskr/types.hpp"

namespace rtk::plugins::socks {

struct Destination {
  // The SOCKS ATYP values.
  enum class Kind : std::uint8_t { Ipv4 = 0x01, Domain = 0x03, Ipv6 = 0x04 };

  Kind kind = Kind::Ipv4;
  std::array<std::uint8_t, 16> ip{};  // Ipv4: the first 4 bytes; Ipv6: all 16
  std::string domain;                 // Domain only, as the client sent it
  std::uint16_t port = 0;

  static Destination ipv4(std::array<std::uint8_t, 4> a, std::uint16_t port);
  static Destination ipv6(const Ip6Address& a, std::uint16_t port);
  static Destination name(std::string domain, std::uint16_t port);

  // An IPv4 address as IPv4-mapped IPv6 (::ffff:a.b.c.d), an IPv6 one as is.
  // Only for Ipv4 and Ipv6.
  Ip6Address address() const;
  // "1.2.3.4:80", "[200::1]:80" or "name:80": for logs and errors.
  std::string describe() const;
  // The host part alone: "1.2.3.4", "200::1" or "name".
  std::string host() const;
};

// True for IPv4-mapped IPv6 addresses (::ffff:0:0/96).
bool isV4Mapped(const Ip6Address& a) noexcept;
// "1.2.3.4" for a v4-mapped address, the IPv6 text otherwise.
std::string formatIp(const Ip6Address& a);
// "1.2.3.4:80" or "[200::1]:80".
std::string formatIpPort(const Ip6Address& a, std::uint16_t port);

}  // namespace rtk::plugins::socks
