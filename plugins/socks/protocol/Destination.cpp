#include "protocol/Destination.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "ratatoskr/net.hpp"

namespace rtk::plugins::socks {

Destination Destination::ipv4(std::array<std::uint8_t, 4> a, std::uint16_t port) {
  Destination d;
  d.kind = Kind::Ipv4;
  std::copy(a.begin(), a.end(), d.ip.begin());
  d.port = port;
  return d;
}

Destination Destination::ipv6(const Ip6Address& a, std::uint16_t port) {
  Destination d;
  d.kind = Kind::Ipv6;
  d.ip = a.bytes;
  d.port = port;
  return d;
}

Destination Destination::name(std::string domain, std::uint16_t port) {
  Destination d;
  d.kind = Kind::Domain;
  d.domain = std::move(domain);
  d.port = port;
  return d;
}

Ip6Address Destination::address() const {
  Ip6Address a;
  if (kind == Kind::Ipv6) {
    a.bytes = ip;
  } else {
    a.bytes[10] = 0xff;
    a.bytes[11] = 0xff;
    std::copy(ip.begin(), ip.begin() + 4, a.bytes.begin() + 12);
  }
  return a;
}

std::string Destination::host() const {
  switch (kind) {
    case Kind::Domain: return domain;
    case Kind::Ipv4:
    case Kind::Ipv6: return formatIp(address());
  }
  return {};
}

std::string Destination::describe() const {
  if (kind == Kind::Ipv6) return "[" + host() + "]:" + std::to_string(port);
  return host() + ":" + std::to_string(port);
}

bool isV4Mapped(const Ip6Address& a) noexcept {
  static constexpr std::uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(a.bytes.data(), kPrefix, sizeof kPrefix) == 0;
}

std::string formatIp(const Ip6Address& a) {
  if (!isV4Mapped(a)) return formatAddress(a);
  char buf[INET_ADDRSTRLEN];
  ::inet_ntop(AF_INET, a.bytes.data() + 12, buf, sizeof buf);
  return buf;
}

std::string formatIpPort(const Ip6Address& a, std::uint16_t port) {
  if (isV4Mapped(a)) return formatIp(a) + ":" + std::to_string(port);
  return "[" + formatAddress(a) + "]:" + std::to_string(port);
}

}  // namespace rtk::plugins::socks
