// SocketAddress — an IPv4, IPv6 (with zone) or unix socket address, and the
// name resolution links use.
//
// resolve() mirrors link.go's findSuitableIP: IP literals are taken as they
// are, names go through Poco::Net::DNS, and unspecified or multicast
// addresses are dropped. It blocks while the resolver works, so only link
// threads call it.
// Thread-safety: value type; the static functions are reentrant.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rtk::core::link {

class SocketAddress {
 public:
  SocketAddress() = default;
  static SocketAddress fromSockaddr(const sockaddr* sa, socklen_t length);
  // An IPv4 or IPv6 literal ("::1", "fe80::1%eth0"); nullopt for names.
  static std::optional<SocketAddress> parseIp(const std::string& host, std::uint16_t port);
  // Literal or resolved addresses fit to dial, in resolver order. Throws
  // Errc::Unreachable "lookup <host>: ..." or "peer has no suitable addresses".
  static std::vector<SocketAddress> resolve(const std::string& host, std::uint16_t port);
  // Throws Errc::InvalidArgument when the path does not fit sun_path.
  static SocketAddress unixPath(const std::string& path);
  // The addresses of a connected socket; an empty address when unavailable.
  static SocketAddress peerOf(int fd);
  static SocketAddress localOf(int fd);

  int family() const { return storage_.ss_family; }
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage_); }
  socklen_t length() const { return length_; }
  bool empty() const { return length_ == 0; }
  bool isLinkLocal() const;    // fe80::/10 or 169.254.0.0/16
  bool isGlobalUnicast() const;  // neither loopback, link-local, multicast nor unspecified
  bool isUnspecified() const;
  bool isMulticast() const;
  std::uint32_t scopeId() const;
  void setScopeId(std::uint32_t scope);
  void setPort(std::uint16_t port);

  std::string host() const;  // "127.0.0.1", "::1", "fe80::1%eth0", the unix path
  std::uint16_t port() const;
  std::string toString() const;  // "127.0.0.1:80", "[::1]:80", the unix path

 private:
  sockaddr_storage storage_{};
  socklen_t length_ = 0;
};

}  // namespace rtk::core::link
