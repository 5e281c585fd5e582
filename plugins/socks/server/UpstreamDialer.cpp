#include "server/UpstreamDialer.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "util/SocketConn.hpp"

namespace rtk::plugins::socks {

ReplyCode replyCodeFor(Errc code) noexcept {
  switch (code) {
    case Errc::Refused:
    case Errc::Reset: return ReplyCode::ConnectionRefused;
    case Errc::Unreachable:
    case Errc::Timeout:
    case Errc::NotFound: return ReplyCode::HostUnreachable;
    default: return ReplyCode::GeneralFailure;
  }
}

Ip6Address UpstreamDialer::resolve(const Destination& destination, Deadline deadline) const {
  return resolveAll(destination, deadline).front();
}

std::vector<Ip6Address> UpstreamDialer::resolveAll(const Destination& destination, Deadline deadline) const {
  if (destination.kind != Destination::Kind::Domain) return {destination.address()};
  try {
    return {resolver_.resolve(destination.domain, deadline)};
  } catch (const Error& e) {
    // Ours cannot place it on Yggdrasil: in SystemProxy mode it is a name of the wider internet.
    bool oursOwnsIt = e.code() == Errc::InvalidArgument || e.code() == Errc::Closed || e.code() == Errc::Timeout;
    if (systemProxy_ && !oursOwnsIt) return systemResolve(destination.domain, e.what());
    throw DialFailure(ReplyCode::HostUnreachable, e.what());
  }
}

std::vector<Ip6Address> UpstreamDialer::systemResolve(const std::string& name, const std::string& why) const {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  int rc = ::getaddrinfo(name.c_str(), nullptr, &hints, &list);
  if (rc != 0 || !list)
    throw DialFailure(ReplyCode::HostUnreachable,
                      why + "; system resolver: \"" + name + "\": " + (rc == EAI_SYSTEM ? std::strerror(errno) : ::gai_strerror(rc)));
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> owned(list, ::freeaddrinfo);
  std::vector<Ip6Address> out;
  for (const addrinfo* ai = list; ai; ai = ai->ai_next) {
    Ip6Address a;
    if (ai->ai_family == AF_INET) {
      a.bytes[10] = a.bytes[11] = 0xff;
      std::memcpy(a.bytes.data() + 12, &reinterpret_cast<const sockaddr_in*>(ai->ai_addr)->sin_addr, 4);
    } else if (ai->ai_family == AF_INET6) {
      std::memcpy(a.bytes.data(), &reinterpret_cast<const sockaddr_in6*>(ai->ai_addr)->sin6_addr, 16);
    } else {
      continue;
    }
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  }
  if (out.empty()) throw DialFailure(ReplyCode::HostUnreachable, why + "; system resolver: \"" + name + "\": no address");
  return out;
}

std::unique_ptr<Conn> UpstreamDialer::dialTcp(const Ip6Address& address, std::uint16_t port,
                                              std::chrono::milliseconds timeout, const CancelToken& cancel) const {
  const std::string target = formatIpPort(address, port);
  if (!viaYggdrasil(address)) {
    if (!systemProxy_)
      throw DialFailure(ReplyCode::NetworkUnreachable,
                        target + " is not on the Yggdrasil network (200::/7), and SystemProxy is off");
    return dialDirect(address, port, timeout, cancel);
  }
  DialOptions options;
  if (timeout.count() > 0) options.deadline = Clock::now() + timeout;
  options.cancel = cancel;
  try {
    return network_.dial("tcp", target, options);
  } catch (const Error& e) {
    throw DialFailure(replyCodeFor(e.code()), e.what());
  }
}

std::unique_ptr<Conn> UpstreamDialer::dialDirect(const Ip6Address& address, std::uint16_t port,
                                                 std::chrono::milliseconds timeout, const CancelToken& cancel) const {
  const std::string target = formatIpPort(address, port);
  sockaddr_storage ss{};
  socklen_t len;
  if (isV4Mapped(address)) {
    auto* in = reinterpret_cast<sockaddr_in*>(&ss);
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    std::memcpy(&in->sin_addr, address.bytes.data() + 12, 4);
    len = sizeof(sockaddr_in);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    std::memcpy(&in6->sin6_addr, address.bytes.data(), 16);
    len = sizeof(sockaddr_in6);
  }
  // Shared with the cancel callback, which may still run after it is unregistered.
  auto fd = std::make_shared<Fd>(::socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd->valid()) throw DialFailure(ReplyCode::GeneralFailure, "dial " + target + ": socket: " + std::strerror(errno));
  CancelRegistration registration = cancel.onCancel([fd] { ::shutdown(fd->get(), SHUT_RDWR); });
  int err = 0;
  if (::connect(fd->get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    err = errno;
    if (err == EINPROGRESS) {
      pollfd p{fd->get(), POLLOUT, 0};
      int rc = ::poll(&p, 1, timeout.count() > 0 ? static_cast<int>(timeout.count()) : -1);
      if (rc == 0) throw DialFailure(ReplyCode::HostUnreachable, "dial " + target + ": timed out");
      socklen_t elen = sizeof err;
      ::getsockopt(fd->get(), SOL_SOCKET, SO_ERROR, &err, &elen);
    }
  }
  registration.reset();
  if (cancel.cancelled()) throw DialFailure(ReplyCode::GeneralFailure, "dial " + target + ": cancelled");
  if (err != 0) {
    ReplyCode code = err == ECONNREFUSED ? ReplyCode::ConnectionRefused
                     : err == ENETUNREACH ? ReplyCode::NetworkUnreachable
                                          : ReplyCode::HostUnreachable;
    throw DialFailure(code, "dial " + target + ": " + std::strerror(err));
  }
  Fd own(::fcntl(fd->get(), F_DUPFD_CLOEXEC, 0));
  if (!own.valid()) throw DialFailure(ReplyCode::GeneralFailure, "dial " + target + ": dup: " + std::strerror(errno));
  return std::make_unique<SocketConn>(std::move(own), "direct " + target);
}

}  // namespace rtk::plugins::socks
