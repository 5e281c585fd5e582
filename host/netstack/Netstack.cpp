#include "Netstack.hpp"

#include <string>

#include "src/LwipConvert.hpp"
#include "src/NodeStack.hpp"
#include "src/TcpConn.hpp"
#include "src/TcpListener.hpp"
#include "src/TcpListenerHandle.hpp"
#include "src/TcpSocket.hpp"
#include "src/UdpConn.hpp"
#include "src/UdpPacketConn.hpp"
#include "src/UdpSocket.hpp"

namespace rtk::netstack {

namespace {

enum class Transport { Tcp, Udp };

Transport parseNetwork(std::string_view network, std::string_view op) {
  if (network == "tcp" || network == "tcp6") return Transport::Tcp;
  if (network == "udp" || network == "udp6") return Transport::Udp;
  if (network == "tcp4" || network == "udp4")
    throw Error(Errc::InvalidArgument, "netstack: " + std::string(op) + ": network \"" + std::string(network) +
                                           "\": IPv4 is not supported, the network is IPv6 only");
  throw Error(Errc::InvalidArgument, "netstack: " + std::string(op) + ": unknown network \"" + std::string(network) +
                                         "\" (want tcp, tcp6, udp or udp6)");
}

// Runs f on the stack thread; an rtk::Error from it gets `what` in front.
template <class F>
void onStack(detail::NodeStack& node, const std::string& what, F&& f) {
  try {
    node.stack().call(std::forward<F>(f));
  } catch (const Error& e) {
    std::string message = e.what();
    if (message.rfind("netstack: ", 0) == 0) message = message.substr(10);
    throw Error(e.code(), what + ": " + message);
  }
}

}  // namespace

Netstack::Netstack(core::ipv6::PacketInterface& packets, Log log)
    : node_(detail::NodeStack::create(packets, std::move(log))) {}

Netstack::~Netstack() { close(); }

void Netstack::close() { node_->close(); }

Ip6Address Netstack::address() const { return node_->address(); }

std::uint64_t Netstack::mtu() const { return node_->mtu(); }

Netstack::Counters Netstack::counters() const {
  Counters c;
  c.inputDrops = node_->inputDrops() + node_->stack().inputDrops();
  c.openSockets = node_->openObjects();
  c.tcpRetransmits = node_->tcpRetransmits();
  return c;
}

std::unique_ptr<Conn> Netstack::dial(std::string_view network, std::string_view address, const DialOptions& options) {
  const Transport transport = parseNetwork(network, "dial");
  Endpoint remote = parseEndpoint(address);
  // ":port" is this node itself, as a dial to the unspecified address is
  // the local host on a kernel.
  if (remote.address.isUnspecified()) remote.address = node_->address();
  const std::string what = "netstack: dial " + std::string(network) + " " + formatEndpoint(remote);
  if (remote.port == 0) throw Error(Errc::InvalidArgument, what + ": port 0");
  if (!remote.address.isYggdrasil()) throw Error(Errc::Unreachable, what + ": no route (outside 200::/7)");
  if (node_->closed()) throw Error(Errc::Closed, what + ": netstack closed");
  if (options.cancel.cancelled()) throw Error(Errc::Cancelled, what + ": cancelled");
  if (options.deadline && Clock::now() >= *options.deadline) throw Error(Errc::Timeout, what + ": timed out");

  const Endpoint local{node_->address(), 0};
  if (transport == Transport::Udp) {
    auto socket = std::make_shared<detail::UdpSocket>(node_, local);
    onStack(*node_, what, [&] { socket->start(remote); });
    return std::make_unique<detail::UdpConn>(std::move(socket), remote);
  }
  auto socket = std::make_shared<detail::TcpSocket>(node_, local, remote);
  onStack(*node_, what, [&] {
    node_->requireOpen();
    struct tcp_pcb* pcb = tcp_new_ip_type(IPADDR_TYPE_V6);
    if (!pcb) throw Error(Errc::Io, "out of memory");
    err_t err = tcp_bind(pcb, &node_->lwipAddress(), 0);
    if (err != ERR_OK) {
      tcp_abort(pcb);
      if (err == ERR_USE || err == ERR_BUF) throw Error(Errc::AddressInUse, "no free ephemeral port");
      throw Error(detail::errcForLwipError(err), detail::describeLwipError(err));
    }
    socket->attach(pcb, false);
    socket->connect(detail::toLwip(remote.address), remote.port);
  });
  socket->waitConnected(options.deadline, options.cancel, what);
  return std::make_unique<detail::TcpConn>(std::move(socket));
}

namespace {
// listen/listenPacket: ":port" or "[<node address>]:port".
Endpoint listenEndpoint(const detail::NodeStack& node, std::string_view network, std::string_view address,
                        const char* op) {
  Endpoint local = parseEndpoint(address);
  if (local.address.isUnspecified()) local.address = node.address();
  if (local.address != node.address())
    throw Error(Errc::InvalidArgument, std::string("netstack: ") + op + " " + std::string(network) + " " +
                                           formatEndpoint(local) + ": not this node's address (" +
                                           formatAddress(node.address()) + ")");
  return local;
}
}  // namespace

std::unique_ptr<Listener> Netstack::listen(std::string_view network, std::string_view address) {
  if (parseNetwork(network, "listen") != Transport::Tcp)
    throw Error(Errc::InvalidArgument, "netstack: listen: network \"" + std::string(network) + "\" is not a stream (use listenPacket)");
  const Endpoint local = listenEndpoint(*node_, network, address, "listen");
  const std::string what = "netstack: listen " + std::string(network) + " " + formatEndpoint(local);
  if (node_->closed()) throw Error(Errc::Closed, what + ": netstack closed");
  auto listener = std::make_shared<detail::TcpListener>(node_, local);
  onStack(*node_, what, [&] { listener->start(); });
  return std::make_unique<detail::TcpListenerHandle>(std::move(listener));
}

std::unique_ptr<PacketConn> Netstack::listenPacket(std::string_view network, std::string_view address) {
  if (parseNetwork(network, "listenPacket") != Transport::Udp)
    throw Error(Errc::InvalidArgument, "netstack: listenPacket: network \"" + std::string(network) + "\" is not datagram (use listen)");
  const Endpoint local = listenEndpoint(*node_, network, address, "listenPacket");
  const std::string what = "netstack: listenPacket " + std::string(network) + " " + formatEndpoint(local);
  if (node_->closed()) throw Error(Errc::Closed, what + ": netstack closed");
  auto socket = std::make_shared<detail::UdpSocket>(node_, local);
  onStack(*node_, what, [&] { socket->start(std::nullopt); });
  return std::make_unique<detail::UdpPacketConn>(std::move(socket));
}

}  // namespace rtk::netstack
