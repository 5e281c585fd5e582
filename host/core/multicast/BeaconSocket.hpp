// BeaconSocket — the UDP socket beacons travel on, as yggdrasil 0.5.12 opens
// it: [::]:<port> with SO_REUSEADDR (not SO_REUSEPORT, so nodes of different
// users share the port), IPV6_RECVPKTINFO for the destination, hop limit 1
// and multicast loop at the kernel defaults (our own beacons come back and
// are dropped by key). Non-blocking: the owner polls fd().
// Thread-safety: one thread (the multicast thread).
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <optional>
#include <string>

#include "core/link/UniqueFd.hpp"
#include "core/util/Bytes.hpp"

namespace rtk::core::multicast {

struct Datagram {
  Bytes bytes;              // at most kReceiveBytes; `size` says how long it really was
  std::size_t size = 0;
  std::string sourceHost;   // "fe80::1" (no zone)
  unsigned interfaceIndex = 0;
  bool toGroup = false;     // destination was the group (or the kernel did not say)
};

class BeaconSocket {
 public:
  static constexpr std::size_t kReceiveBytes = 2048;

  // group: an IPv6 link-local multicast address ("ff02::114"). Throws
  // Errc::Io / AddressInUse naming the port.
  BeaconSocket(const std::string& group, std::uint16_t port);

  int fd() const { return fd_.get(); }
  // Joins the group on an interface; false (errno kept) when the kernel
  // refuses, true also when already joined.
  bool join(unsigned interfaceIndex);
  // Sends to [group%interface]:port; throws Errc::Io naming the interface.
  void send(unsigned interfaceIndex, ByteView beacon);
  // The next datagram; nullopt when none is waiting.
  std::optional<Datagram> receive();

 private:
  link::UniqueFd fd_;
  in6_addr group_{};
  std::uint16_t port_ = 0;
};

}  // namespace rtk::core::multicast
