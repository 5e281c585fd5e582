#include "core/link/Dialer.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "ratatoskr/error.hpp"

namespace rtk::core::link {
namespace {

struct IfAddrs {
  ifaddrs* list = nullptr;
  ~IfAddrs() {
    if (list) freeifaddrs(list);
  }
};

// link_tcp.go's dialerFor: an address of the interface in the destination's
// family whose scope (global / link-local) matches the destination's.
SocketAddress sourceAddressFor(const SocketAddress& destination, const std::string& sourceInterface) {
  IfAddrs addrs;
  if (getifaddrs(&addrs.list) != 0)
    throw Error(Errc::Io, "interface \"" + sourceInterface + "\" addresses not available: " + std::strerror(errno));
  bool found = false, up = false;
  for (ifaddrs* ifa = addrs.list; ifa; ifa = ifa->ifa_next) {
    if (sourceInterface != ifa->ifa_name) continue;
    found = true;
    up |= (ifa->ifa_flags & IFF_UP) != 0;
  }
  if (!found) throw Error(Errc::InvalidArgument, "interface \"" + sourceInterface + "\" not found");
  if (!up) throw Error(Errc::InvalidArgument, "interface \"" + sourceInterface + "\" is not up");
  for (ifaddrs* ifa = addrs.list; ifa; ifa = ifa->ifa_next) {
    if (sourceInterface != ifa->ifa_name || !ifa->ifa_addr || ifa->ifa_addr->sa_family != destination.family()) continue;
    socklen_t len = ifa->ifa_addr->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
    SocketAddress src = SocketAddress::fromSockaddr(ifa->ifa_addr, len);
    if (!src.isGlobalUnicast() && !src.isLinkLocal()) continue;
    if (src.isLinkLocal() != destination.isLinkLocal()) continue;
    src.setPort(0);
    return src;
  }
  throw Error(Errc::InvalidArgument, "no suitable source address found on interface \"" + sourceInterface + "\"");
}

}  // namespace

void throwDialError(const SocketAddress& destination, int err) {
  Errc code = Errc::Io;
  switch (err) {
    case ECONNREFUSED: code = Errc::Refused; break;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case EADDRNOTAVAIL: code = Errc::Unreachable; break;
    case ETIMEDOUT: code = Errc::Timeout; break;
    case ECONNRESET: code = Errc::Reset; break;
    default: break;
  }
  throw Error(code, "dial " + destination.toString() + ": " + std::strerror(err));
}

UniqueFd startConnect(SocketAddress destination, const std::string& sourceInterface, const rtk::Log& log) {
  bool ip = destination.family() == AF_INET || destination.family() == AF_INET6;
  if (ip && destination.isLinkLocal() && destination.family() == AF_INET6 && destination.scopeId() == 0) {
    if (sourceInterface.empty()) throw Error(Errc::InvalidArgument, "dial " + destination.toString() + ": link-local address requires a zone");
    unsigned index = if_nametoindex(sourceInterface.c_str());
    if (index == 0) throw Error(Errc::InvalidArgument, "interface \"" + sourceInterface + "\" not found");
    destination.setScopeId(index);
  }
  UniqueFd fd(::socket(destination.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) throwDialError(destination, errno);
  if (ip) {
    int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (!sourceInterface.empty()) {
      if (::setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, sourceInterface.c_str(),
                       static_cast<socklen_t>(sourceInterface.size())) != 0)
        log.debug("failed to set SO_BINDTODEVICE on ", sourceInterface, ": ", std::strerror(errno));
      SocketAddress src = sourceAddressFor(destination, sourceInterface);
      if (::bind(fd.get(), src.get(), src.length()) != 0)
        throw Error(Errc::Io, "dial " + destination.toString() + ": bind to " + src.toString() + ": " + std::strerror(errno));
    }
  }
  for (;;) {
    if (::connect(fd.get(), destination.get(), destination.length()) == 0) return fd;
    if (errno == EINTR) continue;
    if (errno == EINPROGRESS) return fd;
    throwDialError(destination, errno);
  }
}

void finishConnect(int fd, const SocketAddress& destination) {
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err != 0) throwDialError(destination, err);
}

}  // namespace rtk::core::link
