#include "DatagramEnds.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "ratatoskr/error.hpp"

namespace rtk::plugins::forward {
namespace {

constexpr int kHostUdpBufferBytes = 4 << 20;

}  // namespace

HostUdpFront::HostUdpFront(Fd bound, const Waker& stopping) : fd_(std::move(bound)), stopping_(stopping) {
  enlargeBuffers(fd_.get(), kHostUdpBufferBytes);
}

bool HostUdpFront::receive(std::uint8_t* data, std::size_t size, std::size_t& length, ClientAddress& from) {
  for (;;) {
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    ssize_t n = ::recvfrom(fd_.get(), data, size, MSG_DONTWAIT | MSG_TRUNC, reinterpret_cast<sockaddr*>(&peer), &len);
    if (n >= 0) {
      length = static_cast<std::size_t>(n);
      from.host = fromSockAddr(peer);
      from.key = formatHostEndpoint(from.host);
      return true;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) throw Error(Errc::Io, "receive: " + errnoText(errno));
    if (!waitReady(fd_.get(), POLLIN, std::nullopt, &stopping_)) return false;
  }
}

bool HostUdpFront::reply(const std::uint8_t* data, std::size_t size, const ClientAddress& to, Deadline deadline) {
  SockAddr sa = toSockAddr(to.host);
  for (;;) {
    ssize_t n = ::sendto(fd_.get(), data, size, MSG_DONTWAIT | MSG_NOSIGNAL, sa.get(), sa.length);
    if (n >= 0) return true;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return false;
    if (!waitReady(fd_.get(), POLLOUT, deadline, &stopping_)) return false;
  }
}

bool YggUdpFront::receive(std::uint8_t* data, std::size_t size, std::size_t& length, ClientAddress& from) {
  try {
    length = conn_->readFrom(data, size, from.ygg);
  } catch (const Error& e) {
    if (e.code() == Errc::Closed) return false;
    throw;
  }
  from.key = formatEndpoint(from.ygg);
  return true;
}

bool YggUdpFront::reply(const std::uint8_t* data, std::size_t size, const ClientAddress& to, Deadline deadline) {
  std::lock_guard lock(writeMutex_);
  try {
    conn_->setWriteDeadline(deadline);
    conn_->writeTo(data, size, to.ygg);
    return true;
  } catch (const Error&) {
    return false;
  }
}

void YggUdpUpstream::send(const std::uint8_t* data, std::size_t size, Deadline deadline) {
  conn_->setWriteDeadline(deadline);
  conn_->write(data, size);
}

std::optional<std::size_t> YggUdpUpstream::receive(std::uint8_t* data, std::size_t size, Deadline deadline) {
  conn_->setReadDeadline(deadline);
  try {
    return conn_->read(data, size);
  } catch (const Error& e) {
    if (e.code() == Errc::Timeout) return std::nullopt;
    throw;
  }
}

HostUdpUpstream::HostUdpUpstream(Fd connected) : fd_(std::move(connected)) { enlargeBuffers(fd_.get(), kHostUdpBufferBytes); }

void HostUdpUpstream::send(const std::uint8_t* data, std::size_t size, Deadline deadline) {
  for (;;) {
    if (closed_.load()) throw Error(Errc::Closed, "send: closed");
    ssize_t n = ::send(fd_.get(), data, size, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0) return;
    // ECONNREFUSED: an ICMP error for an earlier datagram (the service was
    // not listening then); this one may well arrive.
    if (errno == EINTR || errno == ECONNREFUSED) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) throw Error(Errc::Io, "send: " + errnoText(errno));
    if (!waitReady(fd_.get(), POLLOUT, deadline, nullptr)) throw Error(Errc::Timeout, "send: timed out");
  }
}

std::optional<std::size_t> HostUdpUpstream::receive(std::uint8_t* data, std::size_t size, Deadline deadline) {
  for (;;) {
    if (closed_.load()) throw Error(Errc::Closed, "receive: closed");
    ssize_t n = ::recv(fd_.get(), data, size, MSG_DONTWAIT);
    if (n >= 0) {
      if (closed_.load()) throw Error(Errc::Closed, "receive: closed");
      return static_cast<std::size_t>(n);
    }
    if (errno == EINTR || errno == ECONNREFUSED) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) throw Error(Errc::Io, "receive: " + errnoText(errno));
    if (!waitReady(fd_.get(), POLLIN, deadline, nullptr)) {
      if (closed_.load()) throw Error(Errc::Closed, "receive: closed");
      return std::nullopt;
    }
  }
}

void HostUdpUpstream::close() {
  if (closed_.exchange(true)) return;
  ::shutdown(fd_.get(), SHUT_RDWR);  // wakes a receive() waiting in poll
}

}  // namespace rtk::plugins::forward
