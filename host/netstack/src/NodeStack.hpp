// NodeStack — one node's part of the shared lwIP stack: its netif (carrying
// the node address, MTU = the PacketInterface's), the packet handler that
// feeds received packets to the stack thread, the output callback that hands
// outgoing packets to PacketInterface::writePacket, and the registry of the
// node's connections, listeners and sockets. Stack-private; Netstack is its
// public face.
//
// Threads: close(), closed() and the accessors from any thread; the
// "stack thread" members only on rtk-netstack.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "LiveObject.hpp"
#include "LwipStack.hpp"
#include "core/ipv6/PacketInterface.hpp"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "ratatoskr/log.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::netstack::detail {

class NodeStack : public std::enable_shared_from_this<NodeStack> {
 public:
  static std::shared_ptr<NodeStack> create(core::ipv6::PacketInterface& packets, Log log);
  ~NodeStack();
  NodeStack(const NodeStack&) = delete;
  NodeStack& operator=(const NodeStack&) = delete;

  // Any thread. Idempotent; see Netstack::close.
  void close();
  bool closed() const { return closed_.load(); }

  const Ip6Address& address() const { return address_; }
  std::uint16_t mtu() const { return mtu_; }
  const Log& log() const { return log_; }
  LwipStack& stack() const { return *stack_; }
  const std::shared_ptr<LwipStack>& stackPtr() const { return stack_; }
  // Packets dropped on the way in because they were not for us or malformed.
  std::uint64_t inputDrops() const { return inputDrops_.load(); }
  // TCP segments this node's connections sent again (timeouts and fast
  // retransmits), counted by the lwIP hook rtk_lwip_tcp_segment_out.
  std::uint64_t tcpRetransmits() const { return tcpRetransmits_.load(std::memory_order_relaxed); }
  // Connections, listeners and datagram sockets open now.
  std::size_t openObjects() const { return openObjects_.load(std::memory_order_relaxed); }

  // ---- stack thread ------------------------------------------------------
  // Throws Errc::Closed when the node is closing (no new pcbs then).
  void requireOpen() const;
  const ip_addr_t& lwipAddress() const { return lwipAddress_; }
  void add(std::shared_ptr<LiveObject> object);
  void remove(LiveObject* object);
  void input(core::OffsetBytes packet);
  void countTcpRetransmit() { tcpRetransmits_.fetch_add(1, std::memory_order_relaxed); }
  bool loopbackPending() const { return netifAdded_ && netif_.loop_first != nullptr; }

 private:
  NodeStack(core::ipv6::PacketInterface& packets, Log log);
  void start();
  void closeOnStack();
  void abortStrayPcbs();
  static err_t netifInit(struct netif* netif);
  static err_t netifOutput(struct netif* netif, struct pbuf* p, const ip6_addr_t* dest);

  core::ipv6::PacketInterface& packets_;
  Log log_;
  Ip6Address address_;
  std::uint16_t mtu_ = 0;
  std::shared_ptr<LwipStack> stack_;
  std::atomic<bool> closed_{false};
  std::mutex closeMutex_;
  std::atomic<std::uint64_t> inputDrops_{0};
  std::atomic<std::uint64_t> tcpRetransmits_{0};
  std::atomic<std::size_t> openObjects_{0};  // live_.size(), readable from any thread

  // Stack thread only.
  struct netif netif_ {};
  bool netifAdded_ = false;
  ip_addr_t lwipAddress_{};
  std::uint64_t nodeId_ = 0;
  bool closing_ = false;
  std::unordered_map<LiveObject*, std::shared_ptr<LiveObject>> live_;
};

}  // namespace rtk::netstack::detail
