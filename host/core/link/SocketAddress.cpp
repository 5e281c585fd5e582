#include "core/link/SocketAddress.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/DNS.h>
#include <Poco/Net/HostEntry.h>
#include <Poco/Net/SocketAddress.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/un.h>

#include <cstring>

#include "core/link/PeerUri.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::link {

SocketAddress SocketAddress::fromSockaddr(const sockaddr* sa, socklen_t length) {
  SocketAddress out;
  if (!sa || length == 0 || length > sizeof out.storage_) return out;
  std::memcpy(&out.storage_, sa, length);
  out.length_ = length;
  return out;
}

std::optional<SocketAddress> SocketAddress::parseIp(const std::string& host, std::uint16_t port) {
  SocketAddress out;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&out.storage_);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    sin->sin_addr = v4;
    out.length_ = sizeof(sockaddr_in);
    return out;
  }
  std::string text = host, zone;
  if (auto pct = host.find('%'); pct != std::string::npos) {
    text = host.substr(0, pct);
    zone = host.substr(pct + 1);
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return std::nullopt;
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out.storage_);
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons(port);
  sin6->sin6_addr = v6;
  if (!zone.empty()) {
    unsigned index = if_nametoindex(zone.c_str());
    if (index == 0 && !zone.empty() && zone.find_first_not_of("0123456789") == std::string::npos)
      index = static_cast<unsigned>(std::stoul(zone));
    if (index == 0) throw Error(Errc::InvalidArgument, "address " + host + ": no interface named \"" + zone + "\"");
    sin6->sin6_scope_id = index;
  }
  out.length_ = sizeof(sockaddr_in6);
  return out;
}

std::vector<SocketAddress> SocketAddress::resolve(const std::string& host, std::uint16_t port) {
  std::vector<SocketAddress> candidates;
  if (auto literal = parseIp(host, port)) {
    candidates.push_back(*literal);
  } else {
    try {
      // No AI_ADDRCONFIG: on a host with only loopback configured it would hide "localhost".
      Poco::Net::HostEntry entry = Poco::Net::DNS::hostByName(host, 0);
      for (const auto& ip : entry.addresses()) {
        Poco::Net::SocketAddress sa(ip, port);
        candidates.push_back(fromSockaddr(sa.addr(), sa.length()));
      }
    } catch (const Poco::Exception& e) {
      throw Error(Errc::Unreachable, "lookup " + host + ": " + e.displayText());
    }
  }
  std::vector<SocketAddress> out;
  for (auto& c : candidates) {
    if (c.isUnspecified() || c.isMulticast()) continue;
    bool duplicate = false;
    for (auto& o : out) duplicate |= o.toString() == c.toString();
    if (!duplicate) out.push_back(c);
  }
  if (out.empty()) throw Error(Errc::Unreachable, "lookup " + host + ": peer has no suitable addresses");
  return out;
}

SocketAddress SocketAddress::unixPath(const std::string& path) {
  SocketAddress out;
  auto* sun = reinterpret_cast<sockaddr_un*>(&out.storage_);
  if (path.empty() || path.size() >= sizeof sun->sun_path)
    throw Error(Errc::InvalidArgument, "unix socket path \"" + path + "\" is empty or longer than " +
                                           std::to_string(sizeof sun->sun_path - 1) + " bytes");
  sun->sun_family = AF_UNIX;
  std::memcpy(sun->sun_path, path.data(), path.size());
  out.length_ = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
  return out;
}

SocketAddress SocketAddress::peerOf(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return {};
  return fromSockaddr(reinterpret_cast<sockaddr*>(&ss), len);
}

SocketAddress SocketAddress::localOf(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return {};
  return fromSockaddr(reinterpret_cast<sockaddr*>(&ss), len);
}

bool SocketAddress::isLinkLocal() const {
  if (family() == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr;
    return IN6_IS_ADDR_LINKLOCAL(&a);
  }
  if (family() == AF_INET) {
    auto a = ntohl(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr.s_addr);
    return (a & 0xffff0000u) == 0xa9fe0000u;
  }
  return false;
}

bool SocketAddress::isUnspecified() const {
  if (family() == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr;
    return IN6_IS_ADDR_UNSPECIFIED(&a);
  }
  if (family() == AF_INET) return reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr.s_addr == 0;
  return false;
}

bool SocketAddress::isMulticast() const {
  if (family() == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr;
    return IN6_IS_ADDR_MULTICAST(&a);
  }
  if (family() == AF_INET) {
    auto a = ntohl(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr.s_addr);
    return (a & 0xf0000000u) == 0xe0000000u;
  }
  return false;
}

bool SocketAddress::isGlobalUnicast() const {
  if (family() != AF_INET && family() != AF_INET6) return false;
  if (isLinkLocal() || isMulticast() || isUnspecified()) return false;
  if (family() == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr;
    return !IN6_IS_ADDR_LOOPBACK(&a);
  }
  auto a = ntohl(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr.s_addr);
  return (a >> 24) != 127 && a != 0xffffffffu;
}

std::uint32_t SocketAddress::scopeId() const {
  return family() == AF_INET6 ? reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_scope_id : 0;
}

void SocketAddress::setScopeId(std::uint32_t scope) {
  if (family() == AF_INET6) reinterpret_cast<sockaddr_in6*>(&storage_)->sin6_scope_id = scope;
}

void SocketAddress::setPort(std::uint16_t port) {
  if (family() == AF_INET6) reinterpret_cast<sockaddr_in6*>(&storage_)->sin6_port = htons(port);
  if (family() == AF_INET) reinterpret_cast<sockaddr_in*>(&storage_)->sin_port = htons(port);
}

std::uint16_t SocketAddress::port() const {
  if (family() == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  return 0;
}

std::string SocketAddress::host() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family() == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, buf, sizeof buf);
    return buf;
  }
  if (family() == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&storage_);
    inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof buf);
    std::string out = buf;
    if (sin6->sin6_scope_id) {
      char name[IF_NAMESIZE] = {};
      out += "%";
      out += if_indextoname(sin6->sin6_scope_id, name) ? std::string(name) : std::to_string(sin6->sin6_scope_id);
    }
    return out;
  }
  if (family() == AF_UNIX) {
    const auto* sun = reinterpret_cast<const sockaddr_un*>(&storage_);
    std::size_t max = length_ > offsetof(sockaddr_un, sun_path) ? length_ - offsetof(sockaddr_un, sun_path) : 0;
    return std::string(sun->sun_path, strnlen(sun->sun_path, max));
  }
  return {};
}

std::string SocketAddress::toString() const {
  if (family() == AF_UNIX) return host();
  if (family() != AF_INET && family() != AF_INET6) return {};
  return PeerUri::joinHostPort(host(), port());
}

}  // namespace rtk::core::link
