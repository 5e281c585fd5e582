#include "core/link/SocketStream.hpp"

#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "ratatoskr/error.hpp"

namespace rtk::core::link {
namespace {

[[noreturn]] void throwErrno(const char* op, int err) {
  Errc code = (err == ECONNRESET || err == EPIPE || err == ECONNABORTED) ? Errc::Reset : Errc::Io;
  throw Error(code, std::string(op) + ": " + std::strerror(err));
}

}  // namespace

SocketStream::SocketStream(UniqueFd fd) : fd_(std::move(fd)) {
  int flags = ::fcntl(fd_.get(), F_GETFL);
  if (flags < 0 || ::fcntl(fd_.get(), F_SETFL, flags | O_NONBLOCK) < 0) throwErrno("fcntl", errno);
  int fdFlags = ::fcntl(fd_.get(), F_GETFD);
  if (fdFlags < 0 || ::fcntl(fd_.get(), F_SETFD, fdFlags | FD_CLOEXEC) < 0) throwErrno("fcntl", errno);
}

IoResult SocketStream::read(std::span<std::uint8_t> buf) {
  for (;;) {
    ssize_t n = ::recv(fd_.get(), buf.data(), buf.size(), 0);
    if (n > 0) return IoResult::done(static_cast<std::size_t>(n));
    if (n == 0) return IoResult::end();
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return IoResult::blocked(IoWait::Read);
    throwErrno("read", errno);
  }
}

IoResult SocketStream::write(ByteView data) {
  if (data.empty()) return IoResult::done();
  for (;;) {
    ssize_t n = ::send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL);
    if (n >= 0) return n > 0 ? IoResult::done(static_cast<std::size_t>(n)) : IoResult::blocked(IoWait::Write);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return IoResult::blocked(IoWait::Write);
    throwErrno("write", errno);
  }
}

void SocketStream::shutdown() { ::shutdown(fd_.get(), SHUT_WR); }

}  // namespace rtk::core::link
