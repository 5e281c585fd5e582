// UdpSocket — one UDP pcb bound to the node's address, shared between the
// application's threads and the stack thread. Stack-private; the application
// sees it as UdpPacketConn (listenPacket) or UdpConn (dial "udp").
//
// Receive: lwIP's recv callback copies each datagram into a bounded queue
// (kRxLimitBytes; beyond it datagrams are dropped, as a full socket buffer
// drops them). Send: the datagram is copied and posted to the stack thread;
// a writer blocks while kUdpTxLimitBytes are still waiting to be sent.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "LiveObject.hpp"
#include "core/util/Bytes.hpp"
#include "lwip/udp.h"
#include "ratatoskr/error.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::netstack::detail {

class NodeStack;

class UdpSocket : public LiveObject, public std::enable_shared_from_this<UdpSocket> {
 public:
  UdpSocket(std::shared_ptr<NodeStack> node, Endpoint local);

  // Stack thread: binds (and connects, for dial); throws AddressInUse etc.
  void start(const std::optional<Endpoint>& connectTo);
  void abortFromNode() override;

  // Any thread.
  std::size_t readFrom(void* data, std::size_t size, Endpoint& from);
  std::size_t writeTo(const void* data, std::size_t size, const Endpoint& to);
  void close();
  void setReadDeadline(Deadline deadline);
  void setWriteDeadline(Deadline deadline);
  Endpoint localEndpoint() const;
  // The largest datagram writeTo accepts: MTU - 40 (IPv6) - 8 (UDP).
  std::size_t maxDatagramBytes() const;

 private:
  struct Datagram {
    core::Bytes data;
    Endpoint from;
  };
  static void onRecv(void* arg, struct udp_pcb* pcb, struct pbuf* p, const ip_addr_t* addr, u16_t port);
  void send(const core::Bytes& datagram, const Endpoint& to);  // stack thread
  void closeOnStack();                                        // stack thread

  std::shared_ptr<NodeStack> node_;
  struct udp_pcb* pcb_ = nullptr;  // stack thread only
  bool connected_ = false;         // stack thread only

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  // guarded
  std::deque<Datagram> rx_;
  std::size_t rxBytes_ = 0;
  std::size_t txPending_ = 0;
  bool closed_ = false;
  bool nodeClosed_ = false;
  Deadline readDeadline_, writeDeadline_;
  Endpoint local_;
};

}  // namespace rtk::netstack::detail
