// UdpPacketConn — rtk::PacketConn over a UdpSocket (listenPacket). Destroying
// it closes the socket. Stack-private.
#pragma once

#include <memory>

#include "UdpSocket.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::netstack::detail {

class UdpPacketConn final : public PacketConn {
 public:
  explicit UdpPacketConn(std::shared_ptr<UdpSocket> socket) : socket_(std::move(socket)) {}
  ~UdpPacketConn() override { socket_->close(); }
  std::size_t readFrom(void* data, std::size_t size, Endpoint& from) override { return socket_->readFrom(data, size, from); }
  std::size_t writeTo(const void* data, std::size_t size, const Endpoint& to) override {
    return socket_->writeTo(data, size, to);
  }
  void close() override { socket_->close(); }
  void setReadDeadline(Deadline deadline) override { socket_->setReadDeadline(deadline); }
  void setWriteDeadline(Deadline deadline) override { socket_->setWriteDeadline(deadline); }
  Endpoint localEndpoint() const override { return socket_->localEndpoint(); }

 private:
  std::shared_ptr<UdpSocket> socket_;
};

}  // namespace rtk::netstack::detail
