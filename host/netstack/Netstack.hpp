// rtk::netstack::Netstack — TCP and UDP for one node, in userspace, on lwIP.
//
// A Netstack attaches to the node's PacketInterface (whole IPv6 packets in
// and out, where a TUN device would be) and offers the dial / listen /
// listenPacket half of rtk::NetworkInterface. The objects it returns are the
// sdk's rtk::Conn, rtk::Listener and rtk::PacketConn (net.hpp).
//
// One lwIP stack serves the whole process: lwIP keeps global state, so every
// Netstack in the process shares one lwIP instance and its one thread,
// "rtk-netstack". Each Netstack is one lwIP netif carrying its node's
// address; a packet leaves through the netif that owns its source address,
// and listeners and sockets are bound to their node's address, so several
// nodes in one process neither see nor disturb each other's traffic. The
// shared thread starts with the first Netstack and stops after the last one
// is closed; creating a Netstack after that starts it again.
//
// Threads: every method may be called from any thread, concurrently, except
// from the rtk-netstack thread itself (the PacketInterface's packet handler
// never runs there). Outgoing packets go to PacketInterface::writePacket from
// inside lwIP, on rtk-netstack: as that interface promises, writePacket must
// not block (the core's queues the packet for its session thread).
//
// Errors (rtk::Error):
//   InvalidArgument  bad network name or address ("tcp", "[200:…]:80", ...)
//   NotSupported     closeWrite on a datagram connection
//   Unreachable      destination outside 200::/7 (no route)
//   Refused          the peer answered the SYN with a reset
//   Timeout          the dial deadline passed
//   Cancelled        the dial's CancelToken fired
//   AddressInUse     listen on a port that is taken, or no free ephemeral port
//   MessageTooLarge  a datagram above mtu() - 48 bytes
//   Closed           the Netstack was closed (also fails every open object)
// Error messages start with "netstack: " and name the operation and address.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "core/ipv6/PacketInterface.hpp"
#include "ratatoskr/log.hpp"
#include "ratatoskr/net.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::netstack {

namespace detail {
class NodeStack;
}

class Netstack {
 public:
  // Attaches to `packets`: installs its packet handler and starts serving
  // the node's address (packets.address()) with the MTU packets.mtu() (capped
  // at 65535). `packets` must outlive this object. Throws InvalidArgument
  // when the address is not in 200::/7 or the MTU is below IPv6's 1280.
  Netstack(core::ipv6::PacketInterface& packets, Log log);
  // close().
  ~Netstack();
  Netstack(const Netstack&) = delete;
  Netstack& operator=(const Netstack&) = delete;

  // network: "tcp", "tcp6" (a stream) or "udp", "udp6" (a connected
  // datagram socket: one write is one datagram, reads only from that peer).
  // address: "[addr]:port", parsed with rtk::parseEndpoint (IPv6 literal,
  // port required, no DNS); ":port" dials this node itself. Blocks until the
  // connection is established, the deadline passes or the token fires.
  std::unique_ptr<Conn> dial(std::string_view network, std::string_view address, const DialOptions& options = {});
  // network: "tcp"/"tcp6". address: ":port" or "[<node address>]:port";
  // port 0 picks an ephemeral port (see Listener::localEndpoint).
  std::unique_ptr<Listener> listen(std::string_view network, std::string_view address);
  // network: "udp"/"udp6". Same address rules as listen.
  std::unique_ptr<PacketConn> listenPacket(std::string_view network, std::string_view address);

  Ip6Address address() const;
  // The MTU of the stack: the largest IPv6 packet it sends.
  std::uint64_t mtu() const;

  // For monitoring; any thread.
  struct Counters {
    std::uint64_t inputDrops = 0;        // inbound packets not for us, malformed, or the stack's queue full
    std::uint64_t openSockets = 0;       // connections, listeners and datagram sockets open now
    std::uint64_t tcpRetransmits = 0;    // TCP segments sent again (timeouts, fast retransmits), since start
  };
  Counters counters() const;

  // Idempotent. Aborts every connection, listener and socket of this node
  // (their pending and later calls fail with Errc::Closed; peers get a
  // reset), detaches from the PacketInterface and returns once lwIP holds
  // nothing of this node.
  void close();

 private:
  std::shared_ptr<detail::NodeStack> node_;
};

}  // namespace rtk::netstack
