#include "core/link/LinkListener.hpp"

#include <net/if.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ratatoskr/error.hpp"

namespace rtk::core::link {
namespace {

[[noreturn]] void fail(const PeerUri& uri, int err, const std::string& what) {
  Errc code = err == EADDRINUSE ? Errc::AddressInUse : err == EADDRNOTAVAIL ? Errc::InvalidArgument : Errc::Io;
  throw Error(code, "links: " + uri.redacted() + ": " + what + ": " + std::strerror(err));
}

}  // namespace

std::shared_ptr<LinkListener> LinkListener::open(std::uint64_t id, const PeerUri& uri, std::string sourceInterface,
                                                 bool local) {
  std::shared_ptr<LinkListener> l(new LinkListener(id, uri, std::move(sourceInterface), local));
  SocketAddress at;
  if (uri.scheme() == LinkScheme::Unix) {
    at = SocketAddress::unixPath(uri.path());
  } else if (uri.host().empty()) {
    at = *SocketAddress::parseIp("::", uri.port());
  } else {
    std::string host = uri.host();
    auto literal = SocketAddress::parseIp(host, uri.port());
    if (!literal) literal = SocketAddress::resolve(host, uri.port()).front();
    at = *literal;
    if (at.family() == AF_INET6 && at.isLinkLocal() && at.scopeId() == 0 && !l->sourceInterface_.empty()) {
      unsigned index = if_nametoindex(l->sourceInterface_.c_str());
      if (index == 0)
        throw Error(Errc::InvalidArgument, "links: " + uri.redacted() + ": interface \"" + l->sourceInterface_ + "\" not found");
      at.setScopeId(index);
    }
  }

  l->fd_.reset(::socket(at.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!l->fd_.valid()) fail(uri, errno, "socket");
  if (at.family() != AF_UNIX) {
    int one = 1, zero = 0;
    ::setsockopt(l->fd_.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    // "[::]" accepts IPv4 too, as Go's listeners do.
    if (at.family() == AF_INET6 && at.isUnspecified())
      ::setsockopt(l->fd_.get(), IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
  }
  if (::bind(l->fd_.get(), at.get(), at.length()) != 0) fail(uri, errno, "bind " + at.toString());
  if (at.family() == AF_UNIX) l->unixPath_ = uri.path();
  if (::listen(l->fd_.get(), SOMAXCONN) != 0) fail(uri, errno, "listen");

  l->bound_ = at.family() == AF_UNIX ? at : SocketAddress::localOf(l->fd_.get());
  l->boundUri_ = std::string(schemeName(uri.scheme())) + "://" +
                 (at.family() == AF_UNIX ? uri.path() : l->bound_.toString() + uri.path());
  return l;
}

LinkListener::~LinkListener() {
  fd_.reset();
  if (!unixPath_.empty()) ::unlink(unixPath_.c_str());
}

std::optional<LinkListener::Accepted> LinkListener::acceptOne() {
  for (;;) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    int fd = ::accept4(fd_.get(), reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      Accepted a{UniqueFd(fd), {}};
      auto remote = SocketAddress::fromSockaddr(reinterpret_cast<sockaddr*>(&ss), len);
      // A unix peer usually has no name; link.go then shows the listener's path.
      a.remote = remote.family() == AF_UNIX ? std::string() : remote.toString();
      if (remote.family() != AF_UNIX) {
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      }
      return a;
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return std::nullopt;
    throw Error(Errc::Io, "links: " + boundUri_ + ": accept: " + std::strerror(errno));
  }
}

}  // namespace rtk::core::link
