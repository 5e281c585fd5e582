#include "Stream.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "ratatoskr/error.hpp"

namespace rtk::plugins::forward {

HostStream::HostStream(Fd fd) : fd_(std::move(fd)) {}

void HostStream::failClosedOrTimeout(const char* op) const {
  if (closed_.load()) throw Error(Errc::Closed, std::string(op) + ": closed");
  throw Error(Errc::Timeout, std::string(op) + ": timed out");
}

std::size_t HostStream::read(void* data, std::size_t size, Deadline deadline) {
  for (;;) {
    if (closed_.load()) throw Error(Errc::Closed, "read: closed");
    ssize_t n = ::recv(fd_.get(), data, size, MSG_DONTWAIT);
    if (n >= 0) {
      if (n == 0 && closed_.load()) throw Error(Errc::Closed, "read: closed");
      return static_cast<std::size_t>(n);
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      if (closed_.load()) throw Error(Errc::Closed, "read: closed");
      throw Error(errno == ECONNRESET ? Errc::Reset : Errc::Io, "read: " + errnoText(errno));
    }
    if (!waitReady(fd_.get(), POLLIN, deadline, nullptr)) failClosedOrTimeout("read");
  }
}

void HostStream::writeAll(const void* data, std::size_t size, Deadline deadline) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    if (closed_.load()) throw Error(Errc::Closed, "write: closed");
    ssize_t n = ::send(fd_.get(), p, size, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      p += n;
      size -= static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      if (closed_.load()) throw Error(Errc::Closed, "write: closed");
      throw Error(errno == ECONNRESET || errno == EPIPE ? Errc::Reset : Errc::Io, "write: " + errnoText(errno));
    }
    if (!waitReady(fd_.get(), POLLOUT, deadline, nullptr)) failClosedOrTimeout("write");
  }
}

void HostStream::closeWrite() {
  if (::shutdown(fd_.get(), SHUT_WR) != 0 && errno != ENOTCONN) throw Error(Errc::Io, "shutdown: " + errnoText(errno));
}

void HostStream::close() {
  if (closed_.exchange(true)) return;
  // Wakes a poll() on the socket in another thread; the descriptor itself
  // stays open until the destructor.
  ::shutdown(fd_.get(), SHUT_RDWR);
}

void HostStream::abort() {
  if (closed_.load()) return;
  linger reset{1, 0};
  ::setsockopt(fd_.get(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  close();
}

std::size_t YggStream::read(void* data, std::size_t size, Deadline deadline) {
  conn_->setReadDeadline(deadline);
  return conn_->read(data, size);
}

void YggStream::writeAll(const void* data, std::size_t size, Deadline deadline) {
  conn_->setWriteDeadline(deadline);
  conn_->write(data, size);
}

}  // namespace rtk::plugins::forward
