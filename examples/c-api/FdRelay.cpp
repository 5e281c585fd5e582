#include "FdRelay.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

namespace rtkc {

namespace {
constexpr std::size_t kRelayChunkBytes = 64 * 1024;
}

FdRelay::FdRelay(std::unique_ptr<rtk::Conn> conn, std::uint64_t id) : conn_(std::move(conn)) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    conn_->close();
    throw rtk::Error(rtk::Errc::Io, std::string("socketpair: ") + std::strerror(errno));
  }
  hostFd_ = fds[0];
  relayFd_ = fds[1];
  const std::string n = std::to_string(id % 100000000);
  try {
    up_.start("rtk-up-" + n, [this] { hostToConn(); });
    down_.start("rtk-dn-" + n, [this] { connToHost(); });
  } catch (...) {
    close();
    up_.join();
    ::close(hostFd_);
    ::close(relayFd_);
    throw;
  }
}

FdRelay::~FdRelay() {
  close();
  up_.join();
  down_.join();
  if (hostFd_ >= 0) ::close(hostFd_);
  ::close(relayFd_);
}

int FdRelay::releaseHostFd() {
  const int fd = hostFd_;
  hostFd_ = -1;
  return fd;
}

void FdRelay::close() {
  conn_->close();
  ::shutdown(relayFd_, SHUT_RDWR);
}

void FdRelay::threadEnded() {
  // The last direction to end closes the connection (the first may only have
  // half-closed it).
  if (running_.fetch_sub(1) == 1) conn_->close();
}

void FdRelay::hostToConn() {
  std::vector<char> buf(kRelayChunkBytes);
  try {
    for (;;) {
      const ssize_t n = ::read(relayFd_, buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {  // the host's socket broke: the peer gets a reset
        conn_->abort();
        break;
      }
      if (n == 0) {  // the host shut down its writing side or closed the fd
        conn_->closeWrite();
        break;
      }
      conn_->write(buf.data(), static_cast<std::size_t>(n));
    }
  } catch (const rtk::Error&) {
    // The connection failed or was closed: the host reads end of file.
    ::shutdown(relayFd_, SHUT_RDWR);
  }
  threadEnded();
}

void FdRelay::connToHost() {
  std::vector<char> buf(kRelayChunkBytes);
  try {
    for (;;) {
      const std::size_t n = conn_->read(buf.data(), buf.size());
      if (n == 0) {  // the peer finished sending
        ::shutdown(relayFd_, SHUT_WR);
        break;
      }
      for (std::size_t sent = 0; sent < n;) {
        const ssize_t w = ::send(relayFd_, buf.data() + sent, n - sent, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) throw rtk::Error(rtk::Errc::Closed, "the host closed its socket");
        sent += static_cast<std::size_t>(w);
      }
    }
  } catch (const rtk::Error&) {
    // Reset, closed by either side: nothing more can flow either way.
    conn_->close();
    ::shutdown(relayFd_, SHUT_RDWR);
  }
  threadEnded();
}

}  // namespace rtkc
