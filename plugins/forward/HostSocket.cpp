#include "HostSocket.hpp"

#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ratatoskr/error.hpp"

namespace rtk::plugins::forward {

std::string errnoText(int err) { return std::strerror(err); }

void Fd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Waker::Waker() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (!fd_) throw Error(Errc::Io, "eventfd: " + errnoText(errno));
}

void Waker::wake() {
  std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(fd_.get(), &one, sizeof one);  // EAGAIN: already woken
}

bool Waker::woken() const {
  pollfd p{fd_.get(), POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

namespace {

int timeoutMs(Deadline deadline) {
  if (!deadline) return -1;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now()).count();
  if (left <= 0) return 0;
  return left > 1'000'000'000 ? 1'000'000'000 : static_cast<int>(left) + 1;
}

Errc errcFor(int err) {
  switch (err) {
    case ECONNREFUSED: return Errc::Refused;
    case ENETUNREACH:
    case EHOSTUNREACH: return Errc::Unreachable;
    case ETIMEDOUT: return Errc::Timeout;
    case ECONNRESET: return Errc::Reset;
    case EADDRINUSE: return Errc::AddressInUse;
    default: return Errc::Io;
  }
}

Fd newSocket(const HostEndpoint& e, int type) {
  Fd fd(::socket(e.address.v6 ? AF_INET6 : AF_INET, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) throw Error(Errc::Io, "socket for " + formatHostEndpoint(e) + ": " + errnoText(errno));
  return fd;
}

}  // namespace

bool waitReady(int fd, short events, Deadline deadline, const Waker* waker) {
  for (;;) {
    pollfd p[2] = {{fd, events, 0}, {waker ? waker->fd() : -1, POLLIN, 0}};
    int n = ::poll(p, waker ? 2 : 1, timeoutMs(deadline));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(Errc::Io, "poll: " + errnoText(errno));
    }
    if (waker && p[1].revents) return false;
    if (p[0].revents) return true;
    if (deadline && Clock::now() >= *deadline) return false;
  }
}

void pause(const Waker& waker, std::chrono::milliseconds timeout) {
  pollfd p{waker.fd(), POLLIN, 0};
  while (::poll(&p, 1, static_cast<int>(timeout.count())) < 0 && errno == EINTR) {
  }
}

Fd bindHost(const HostEndpoint& at, bool tcp) {
  const std::string what = std::string(tcp ? "listen tcp " : "listen udp ") + formatHostEndpoint(at);
  Fd fd = newSocket(at, tcp ? SOCK_STREAM : SOCK_DGRAM);
  int one = 1;
  if (tcp) ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (at.address.v6) {
    // "[::]:p" covers IPv6 only, so that a separate 0.0.0.0:p mapping can bind too.
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  }
  SockAddr sa = toSockAddr(at);
  if (::bind(fd.get(), sa.get(), sa.length) != 0) throw Error(errcFor(errno), what + ": bind: " + errnoText(errno));
  if (tcp && ::listen(fd.get(), 255) != 0) throw Error(errcFor(errno), what + ": listen: " + errnoText(errno));
  return fd;
}

Fd connectHost(const HostEndpoint& to, Deadline deadline, const Waker* waker) {
  const std::string what = "connect " + formatHostEndpoint(to);
  Fd fd = newSocket(to, SOCK_STREAM);
  SockAddr sa = toSockAddr(to);
  if (::connect(fd.get(), sa.get(), sa.length) == 0) return fd;
  if (errno != EINPROGRESS) throw Error(errcFor(errno), what + ": " + errnoText(errno));
  if (!waitReady(fd.get(), POLLOUT, deadline, waker)) {
    if (waker && waker->woken()) throw Error(Errc::Closed, what + ": stopped");
    throw Error(Errc::Timeout, what + ": timed out");
  }
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) throw Error(errcFor(err), what + ": " + errnoText(err));
  int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

Fd connectHostUdp(const HostEndpoint& to) {
  Fd fd = newSocket(to, SOCK_DGRAM);
  SockAddr sa = toSockAddr(to);
  if (::connect(fd.get(), sa.get(), sa.length) != 0)
    throw Error(errcFor(errno), "connect udp " + formatHostEndpoint(to) + ": " + errnoText(errno));
  return fd;
}

void enlargeBuffers(int fd, int bytes) {
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
}

HostEndpoint localEndpointOf(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  return fromSockAddr(ss);
}

}  // namespace rtk::plugins::forward
