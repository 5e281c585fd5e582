#include "HostEndpoint.hpp"

#include <arpa/inet.h>

#include <cstring>

#include "ratatoskr/error.hpp"

namespace rtk::plugins::forward {

std::optional<HostAddress> parseHostAddress(std::string_view text) {
  bool bracketed = text.size() >= 2 && text.front() == '[' && text.back() == ']';
  if (bracketed) text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  std::string s(text);
  HostAddress a;
  if (::inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) {
    a.v6 = true;
    return a;
  }
  if (!bracketed && ::inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) return a;
  return std::nullopt;
}

std::string formatHostAddress(const HostAddress& a) {
  char buf[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(a.v6 ? AF_INET6 : AF_INET, a.bytes.data(), buf, sizeof buf);
  return buf;
}

std::string formatHostEndpoint(const HostEndpoint& e) {
  std::string host = formatHostAddress(e.address);
  return (e.address.v6 ? "[" + host + "]" : host) + ":" + std::to_string(e.port);
}

std::uint16_t parsePort(std::string_view text, const std::string& what) {
  auto fail = [&](const std::string& why) -> std::uint16_t {
    throw Error(Errc::InvalidArgument, what + " \"" + std::string(text) + "\" " + why);
  };
  if (text.empty()) return fail("is empty");
  unsigned long p = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return fail("is not a decimal number");
    p = p * 10 + static_cast<unsigned>(c - '0');
    if (p > 65535) return fail("is above 65535");
  }
  if (p == 0) return fail("must not be zero");
  return static_cast<std::uint16_t>(p);
}

HostEndpoint parseHostEndpoint(std::string_view text) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) throw Error(Errc::InvalidArgument, quoted + ": missing the port (want ip:port)");
  std::string_view host = text.substr(0, colon);
  if (host.empty()) throw Error(Errc::InvalidArgument, quoted + ": missing the IP address (want ip:port, e.g. 127.0.0.1:8080)");
  bool bracketed = host.front() == '[';
  if (!bracketed && host.find(':') != std::string_view::npos)
    throw Error(Errc::InvalidArgument, quoted + ": IPv6 addresses need brackets: [addr]:port");
  auto address = parseHostAddress(host);
  if (!address) throw Error(Errc::InvalidArgument, quoted + ": \"" + std::string(host) + "\" is not an IP address literal");
  HostEndpoint e;
  e.address = *address;
  e.port = parsePort(text.substr(colon + 1), quoted + ": port");
  return e;
}

SockAddr toSockAddr(const HostEndpoint& e) {
  SockAddr out;
  if (e.address.v6) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(e.port);
    std::memcpy(&sin6->sin6_addr, e.address.bytes.data(), 16);
    out.length = sizeof(sockaddr_in6);
  } else {
    auto* sin = reinterpret_cast<sockaddr_in*>(&out.storage);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(e.port);
    std::memcpy(&sin->sin_addr, e.address.bytes.data(), 4);
    out.length = sizeof(sockaddr_in);
  }
  return out;
}

HostEndpoint fromSockAddr(const sockaddr_storage& sa) {
  HostEndpoint e;
  if (sa.ss_family == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&sa);
    static const std::uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(&sin6->sin6_addr);
    if (std::memcmp(bytes, v4mapped, 12) == 0) {
      std::memcpy(e.address.bytes.data(), bytes + 12, 4);
    } else {
      e.address.v6 = true;
      std::memcpy(e.address.bytes.data(), bytes, 16);
    }
    e.port = ntohs(sin6->sin6_port);
  } else if (sa.ss_family == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&sa);
    std::memcpy(e.address.bytes.data(), &sin->sin_addr, 4);
    e.port = ntohs(sin->sin_port);
  }
  return e;
}

}  // namespace rtk::plugins::forward
