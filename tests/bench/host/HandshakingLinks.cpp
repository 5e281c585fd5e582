#include "HandshakingLinks.hpp"

#include "core/crypto/Ed25519.hpp"
#include "core/link/VersionMetadata.hpp"

#include <ratatoskr/error.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

namespace rtk::bench {

namespace {

using core::ByteView;
using core::Bytes;

std::string describeAddress(const sockaddr_in6& to) {
  char text[INET6_ADDRSTRLEN] = "?";
  ::inet_ntop(AF_INET6, &to.sin6_addr, text, sizeof text);
  return "[" + std::string(text) + "]:" + std::to_string(ntohs(to.sin6_port));
}

// Exactly `size` bytes, or throws (the socket has a receive timeout).
void readExactly(int fd, std::uint8_t* data, std::size_t size, const std::string& what) {
  for (std::size_t got = 0; got < size;) {
    const ssize_t n = ::read(fd, data + got, size - got);
    if (n == 0) throw Error(Errc::Reset, what + ": closed by the node during the handshake");
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(Errc::Io, what + ": handshake read: " + std::strerror(errno));
    }
    got += static_cast<std::size_t>(n);
  }
}

void writeAll(int fd, const std::uint8_t* data, std::size_t size, const std::string& what) {
  for (std::size_t sent = 0; sent < size;) {
    const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(Errc::Io, what + ": handshake write: " + std::strerror(errno));
    }
    sent += static_cast<std::size_t>(n);
  }
}

// The handshake on a connected socket; throws on any failure.
void handshake(int fd, const std::string& what) {
  const core::crypto::SigningKey key = core::crypto::SigningKey::generate();
  core::link::VersionMetadata mine;
  const Bytes hello = mine.encode(key, "");
  writeAll(fd, hello.data(), hello.size(), what);
  std::uint8_t header[core::link::VersionMetadata::kHeaderBytes];
  readExactly(fd, header, sizeof header, what);
  const std::size_t total = core::link::VersionMetadata::messageBytes(ByteView(header, sizeof header));
  Bytes message(header, header + sizeof header);
  message.resize(total);
  readExactly(fd, message.data() + sizeof header, total - sizeof header, what);
  const auto theirs = core::link::VersionMetadata::decode(ByteView(message.data(), message.size()), "");
  if (!theirs.compatible()) throw Error(Errc::Protocol, what + ": the node speaks another protocol version");
}

}  // namespace

HandshakingLinks::HandshakingLinks() { thread_.start("rtk-bench-keep", [this] { keepAlive(); }); }

HandshakingLinks::~HandshakingLinks() {
  closeAll();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void HandshakingLinks::open(const sockaddr_in6& to, int timeoutMs) {
  const std::string what = "bench link to " + describeAddress(to);
  const int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw Error(Errc::Io, what + ": socket: " + std::strerror(errno));
  try {
    const timeval tv{timeoutMs / 1000, (timeoutMs % 1000) * 1000};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0)
      throw Error(Errc::Io, what + ": connect: " + std::strerror(errno));
    handshake(fd, what);
    if (::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK) != 0)
      throw Error(Errc::Io, what + ": O_NONBLOCK: " + std::strerror(errno));
  } catch (...) {
    ::close(fd);
    throw;
  }
  std::lock_guard lock(mutex_);
  fds_.push_back(fd);
}

std::size_t HandshakingLinks::size() {
  std::lock_guard lock(mutex_);
  return fds_.size();
}

void HandshakingLinks::closeAll() {
  std::lock_guard lock(mutex_);
  for (int fd : fds_) ::close(fd);
  fds_.clear();
}

void HandshakingLinks::keepAlive() {
  static constexpr std::uint8_t kKeepAliveFrame[] = {0x01, 0x01};  // uvarint length 1, type KeepAlive
  std::vector<std::uint8_t> drain(64 * 1024);
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    for (std::size_t i = 0; i < fds_.size();) {
      const int fd = fds_[i];
      (void)::send(fd, kKeepAliveFrame, sizeof kKeepAliveFrame, MSG_NOSIGNAL | MSG_DONTWAIT);
      bool closed = false;
      for (;;) {
        const ssize_t n = ::recv(fd, drain.data(), drain.size(), MSG_DONTWAIT);
        if (n > 0) continue;
        closed = n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
        break;
      }
      if (closed) {
        ::close(fd);
        fds_[i] = fds_.back();
        fds_.pop_back();
        closedByNode_.fetch_add(1);
      } else {
        ++i;
      }
    }
    wake_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stopping_; });
  }
}

}  // namespace rtk::bench
