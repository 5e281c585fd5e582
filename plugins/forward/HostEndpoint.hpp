// HostEndpoint — an IPv4 or IPv6 address and port on the host's own network
// (the side of a forward that is not Yggdrasil), with the text forms the
// settings use: "127.0.0.1:8080", "[::1]:8080", "[::]:53".
//
// parseHostEndpoint() takes IP literals only (no host names, no zones), a
// decimal port 1..65535. Errors: rtk::Error(Errc::InvalidArgument) naming the
// text and the reason. Plain data, thread-safe.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rtk::plugins::forward {

struct HostAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 in the first 4 bytes
  auto operator<=>(const HostAddress&) const = default;
};

struct HostEndpoint {
  HostAddress address;
  std::uint16_t port = 0;
  auto operator<=>(const HostEndpoint&) const = default;
};

// An IP literal ("127.0.0.1", "::1", "[::1]"); nullopt otherwise.
std::optional<HostAddress> parseHostAddress(std::string_view text);
std::string formatHostAddress(const HostAddress& a);
// "127.0.0.1:80", "[::1]:80".
std::string formatHostEndpoint(const HostEndpoint& e);
// "ip:port" with brackets around IPv6; throws as described above.
HostEndpoint parseHostEndpoint(std::string_view text);
// A decimal port 1..65535; throws naming `what`.
std::uint16_t parsePort(std::string_view text, const std::string& what);

// For bind/connect/sendto.
struct SockAddr {
  sockaddr_storage storage{};
  socklen_t length = 0;
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};
SockAddr toSockAddr(const HostEndpoint& e);
// From recvfrom/accept: an IPv4-mapped IPv6 address becomes IPv4.
HostEndpoint fromSockAddr(const sockaddr_storage& sa);

}  // namespace rtk::plugins::forward
