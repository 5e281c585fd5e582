// DnsClient — one AAAA question to one nameserver on the Yggdrasil network,
// every packet through the node's network service: UDP first (sent again
// after 1, 2, 4 ... s without an answer), TCP when the UDP answer comes back
// truncated.
//
// Errors (rtk::Error): Errc::Timeout at the deadline, Errc::Cancelled when
// the token fires (the socket in use is closed at once), the dial's error
// (Unreachable, Refused ...), Errc::Protocol for a TCP answer that is not
// one. UDP datagrams that are not an answer to our question are ignored.
// Thread-safety: queryAaaa may run on many threads at once.
#pragma once

#include <string_view>

#include "ratatoskr/cancel.hpp"
#include "ratatoskr/node_interface.hpp"
#include "resolver/DnsMessage.hpp"

namespace rtk::plugins::socks {

class DnsClient {
 public:
  DnsClient(NetworkInterface& network, Endpoint nameserver) : network_(network), nameserver_(nameserver) {}

  DnsAnswer queryAaaa(std::string_view name, TimePoint deadline, const CancelToken& cancel) const;
  const Endpoint& nameserver() const noexcept { return nameserver_; }

 private:
  DnsAnswer overUdp(const DnsQuery& query, TimePoint deadline, const CancelToken& cancel) const;
  DnsAnswer overTcp(const DnsQuery& query, TimePoint deadline, const CancelToken& cancel) const;

  NetworkInterface& network_;
  Endpoint nameserver_;
};

}  // namespace rtk::plugins::socks
