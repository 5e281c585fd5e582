// UpstreamDialer — the split dialer: where a proxied connection goes.
//
//   * Yggdrasil destinations (200::/7, after resolving names with the
//     Resolver) are dialled through the node's network service;
//   * every other destination fails with NetworkUnreachable, unless
//     SystemProxy is on: then it is dialled directly from this machine, and
//     names the Resolver cannot place on Yggdrasil (no Nameserver, NXDOMAIN,
//     only non-Yggdrasil answers) go to the system resolver (getaddrinfo),
//     so the proxy serves the whole internet and Yggdrasil side by side.
//
// Failures are DialFailure: the SOCKS reply code for the cause and a message
// naming the destination (refused 0x05; no route or timeout 0x04; not on
// Yggdrasil without SystemProxy 0x03; names that do not resolve 0x04).
// Thread-safety: every member from any thread.
#pragma once

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "protocol/Destination.hpp"
#include "protocol/SocksMessages.hpp"
#include "ratatoskr/cancel.hpp"
#include "ratatoskr/node_interface.hpp"
#include "resolver/Resolver.hpp"

namespace rtk::plugins::socks {

class DialFailure : public std::runtime_error {
 public:
  DialFailure(ReplyCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ReplyCode code() const noexcept { return code_; }

 private:
  ReplyCode code_;
};

class UpstreamDialer {
 public:
  UpstreamDialer(NetworkInterface& network, Resolver& resolver, bool systemProxy)
      : network_(network), resolver_(resolver), systemProxy_(systemProxy) {}

  // The address `destination` stands for. Names are resolved until
  // `deadline`.
  Ip6Address resolve(const Destination& destination, Deadline deadline) const;
  // Every address to try for `destination`, in order: one, except for names
  // the system resolver answers (SystemProxy), which may have several.
  std::vector<Ip6Address> resolveAll(const Destination& destination, Deadline deadline) const;
  // A stream to address:port, within `timeout` (0: no limit) or until
  // `cancel` fires.
  std::unique_ptr<Conn> dialTcp(const Ip6Address& address, std::uint16_t port, std::chrono::milliseconds timeout,
                                const CancelToken& cancel) const;
  // Whether `address` is reached through the node (else directly).
  static bool viaYggdrasil(const Ip6Address& address) noexcept { return address.isYggdrasil(); }
  bool systemProxy() const noexcept { return systemProxy_; }
  NetworkInterface& network() const noexcept { return network_; }
  Resolver& resolver() const noexcept { return resolver_; }

 private:
  std::vector<Ip6Address> systemResolve(const std::string& name, const std::string& why) const;
  std::unique_ptr<Conn> dialDirect(const Ip6Address& address, std::uint16_t port, std::chrono::milliseconds timeout,
                                   const CancelToken& cancel) const;

  NetworkInterface& network_;
  Resolver& resolver_;
  bool systemProxy_;
};

// The reply code for an error of a dial through the node or of a socket.
ReplyCode replyCodeFor(Errc code) noexcept;

}  // namespace rtk::plugins::socks
