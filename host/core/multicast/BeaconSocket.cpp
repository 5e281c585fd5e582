#include "core/multicast/BeaconSocket.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "ratatoskr/error.hpp"

namespace rtk::core::multicast {

BeaconSocket::BeaconSocket(const std::string& group, std::uint16_t port) : port_(port) {
  if (inet_pton(AF_INET6, group.c_str(), &group_) != 1 || !IN6_IS_ADDR_MC_LINKLOCAL(&group_))
    throw Error(Errc::InvalidArgument, "multicast: group " + group + " is not an IPv6 link-local multicast address");
  const std::string where = "multicast: UDP [::]:" + std::to_string(port);
  fd_ = link::UniqueFd(::socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd_.valid()) throw Error(Errc::Io, where + ": socket: " + std::strerror(errno));
  int one = 1;
  ::setsockopt(fd_.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::setsockopt(fd_.get(), IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one) != 0)
    throw Error(Errc::Io, where + ": IPV6_RECVPKTINFO: " + std::strerror(errno));
  sockaddr_in6 any{};
  any.sin6_family = AF_INET6;
  any.sin6_port = htons(port);
  any.sin6_addr = in6addr_any;
  if (::bind(fd_.get(), reinterpret_cast<sockaddr*>(&any), sizeof any) != 0)
    throw Error(errno == EADDRINUSE ? Errc::AddressInUse : Errc::Io, where + ": bind: " + std::strerror(errno));
}

bool BeaconSocket::join(unsigned interfaceIndex) {
  ipv6_mreq request{};
  request.ipv6mr_multiaddr = group_;
  request.ipv6mr_interface = interfaceIndex;
  if (::setsockopt(fd_.get(), IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &request, sizeof request) == 0) return true;
  return errno == EADDRINUSE;  // already a member
}

void BeaconSocket::send(unsigned interfaceIndex, ByteView beacon) {
  sockaddr_in6 to{};
  to.sin6_family = AF_INET6;
  to.sin6_port = htons(port_);
  to.sin6_addr = group_;
  to.sin6_scope_id = interfaceIndex;
  ssize_t n = ::sendto(fd_.get(), beacon.data(), beacon.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&to), sizeof to);
  if (n < 0)
    throw Error(Errc::Io, "multicast: send beacon on interface " + std::to_string(interfaceIndex) + ": " +
                              std::strerror(errno));
}

std::optional<Datagram> BeaconSocket::receive() {
  Datagram d;
  d.bytes.resize(kReceiveBytes);
  sockaddr_in6 from{};
  iovec iov{d.bytes.data(), d.bytes.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in6_pktinfo))];
  msghdr msg{};
  msg.msg_name = &from;
  msg.msg_namelen = sizeof from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  for (;;) {
    ssize_t n = ::recvmsg(fd_.get(), &msg, MSG_TRUNC);
    if (n >= 0) {
      d.size = static_cast<std::size_t>(n);
      break;
    }
    if (errno == EINTR) continue;
    return std::nullopt;  // EAGAIN, or an error the next poll reports again
  }
  d.bytes.resize(std::min(d.size, kReceiveBytes));
  if (from.sin6_family != AF_INET6) return d;  // toGroup false: dropped by the caller
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, &from.sin6_addr, text, sizeof text);
  d.sourceHost = text;
  d.interfaceIndex = from.sin6_scope_id;
  d.toGroup = true;  // when the kernel gives no pktinfo, as Go
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != IPPROTO_IPV6 || c->cmsg_type != IPV6_PKTINFO) continue;
    in6_pktinfo info{};
    std::memcpy(&info, CMSG_DATA(c), sizeof info);
    d.toGroup = std::memcmp(&info.ipi6_addr, &group_, sizeof group_) == 0;
    if (d.interfaceIndex == 0) d.interfaceIndex = static_cast<unsigned>(info.ipi6_ifindex);
  }
  return d;
}

}  // namespace rtk::core::multicast
