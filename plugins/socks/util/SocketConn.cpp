#include "util/SocketConn.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "protocol/Destination.hpp"

namespace rtk::plugins::socks {

namespace {

int pollTimeoutMs(const Deadline& deadline) {
  if (!deadline) return -1;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now()).count() + 1;
  if (left <= 0) return 0;
  return left > 3600000 ? 3600000 : static_cast<int>(left);
}

}  // namespace

Endpoint endpointFromSockaddr(const sockaddr_storage& ss) {
  Endpoint e;
  if (ss.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
    e.address.bytes[10] = e.address.bytes[11] = 0xff;
    std::memcpy(e.address.bytes.data() + 12, &in->sin_addr, 4);
    e.port = ntohs(in->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    std::memcpy(e.address.bytes.data(), &in6->sin6_addr, 16);
    e.port = ntohs(in6->sin6_port);
  }
  return e;
}

Endpoint socketEndpoint(int fd, bool peer) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  int rc = peer ? ::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) : ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  if (rc != 0) return {};
  return endpointFromSockaddr(ss);
}

std::string describeSocketPeer(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "unknown peer";
  if (ss.ss_family == AF_UNIX) return "unix";
  Endpoint e = socketEndpoint(fd, true);
  return formatIpPort(e.address, e.port);
}

SocketConn::SocketConn(Fd fd, std::string label) : fd_(std::move(fd)), label_(std::move(label)) {
  int flags = ::fcntl(fd_.get(), F_GETFL);
  if (flags < 0 || ::fcntl(fd_.get(), F_SETFL, flags | O_NONBLOCK) != 0) fail(errno, "set non-blocking");
}

void SocketConn::fail(int err, const char* what) const {
  if (closed_.load()) throw Error(Errc::Closed, "socks: " + label_ + ": " + what + ": closed");
  const std::string text = "socks: " + label_ + ": " + what + ": " + std::strerror(err);
  if (err == ECONNRESET || err == EPIPE) throw Error(Errc::Reset, text);
  if (err == ECONNREFUSED) throw Error(Errc::Refused, text);
  if (err == ENETUNREACH || err == EHOSTUNREACH) throw Error(Errc::Unreachable, text);
  if (err == ETIMEDOUT) throw Error(Errc::Timeout, text);
  throw Error(Errc::Io, text);
}

void SocketConn::waitFor(short events, Deadline deadline, const char* what) {
  pollfd p{fd_.get(), events, 0};
  for (;;) {
    if (closed_.load()) throw Error(Errc::Closed, "socks: " + label_ + ": " + what + ": closed");
    int rc = ::poll(&p, 1, pollTimeoutMs(deadline));
    if (rc > 0) return;
    if (rc < 0 && errno != EINTR) fail(errno, what);
    if (rc == 0 && deadline && Clock::now() >= *deadline)
      throw Error(Errc::Timeout, "socks: " + label_ + ": " + what + ": deadline exceeded");
  }
}

std::size_t SocketConn::read(void* data, std::size_t size) {
  Deadline deadline;
  {
    std::lock_guard lock(deadlineMutex_);
    deadline = readDeadline_;
  }
  for (;;) {
    ssize_t n = ::recv(fd_.get(), data, size, 0);
    if (n >= 0) {
      if (n == 0 && closed_.load()) throw Error(Errc::Closed, "socks: " + label_ + ": read: closed");
      return static_cast<std::size_t>(n);
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) fail(errno, "read");
    waitFor(POLLIN, deadline, "read");
  }
}

std::size_t SocketConn::write(const void* data, std::size_t size) {
  Deadline deadline;
  {
    std::lock_guard lock(deadlineMutex_);
    deadline = writeDeadline_;
  }
  const auto* p = static_cast<const char*>(data);
  std::size_t sent = 0;
  while (sent < size) {
    if (closed_.load()) throw Error(Errc::Closed, "socks: " + label_ + ": write: closed");
    ssize_t n = ::send(fd_.get(), p + sent, size - sent, MSG_NOSIGNAL);
    if (n >= 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) fail(errno, "write");
    waitFor(POLLOUT, deadline, "write");
  }
  return size;
}

std::optional<std::size_t> SocketConn::tryRead(void* data, std::size_t size) {
  for (;;) {
    if (closed_.load()) throw Error(Errc::Closed, "socks: " + label_ + ": read: closed");
    ssize_t n = ::recv(fd_.get(), data, size, MSG_DONTWAIT);
    if (n >= 0) {
      if (n == 0 && closed_.load()) throw Error(Errc::Closed, "socks: " + label_ + ": read: closed");
      return static_cast<std::size_t>(n);
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return std::nullopt;
    fail(errno, "read");
  }
}

std::size_t SocketConn::tryWrite(const void* data, std::size_t size) {
  for (;;) {
    if (closed_.load()) throw Error(Errc::Closed, "socks: " + label_ + ": write: closed");
    ssize_t n = ::send(fd_.get(), data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    fail(errno, "write");
  }
}

void SocketConn::closeWrite() {
  if (::shutdown(fd_.get(), SHUT_WR) != 0 && errno != ENOTCONN) fail(errno, "close write");
}

void SocketConn::close() {
  closed_.store(true);
  ::shutdown(fd_.get(), SHUT_RDWR);  // wakes a reader or writer waiting in poll()
}

void SocketConn::abort() {
  linger l{1, 0};  // a reset, not an orderly end
  ::setsockopt(fd_.get(), SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close();
}

void SocketConn::setReadDeadline(Deadline deadline) {
  std::lock_guard lock(deadlineMutex_);
  readDeadline_ = deadline;
}

void SocketConn::setWriteDeadline(Deadline deadline) {
  std::lock_guard lock(deadlineMutex_);
  writeDeadline_ = deadline;
}

Endpoint SocketConn::localEndpoint() const { return socketEndpoint(fd_.get(), false); }
Endpoint SocketConn::remoteEndpoint() const { return socketEndpoint(fd_.get(), true); }

}  // namespace rtk::plugins::socks
