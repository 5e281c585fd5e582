// UdpConn — rtk::Conn over a connected UdpSocket (dial "udp"): one write is
// one datagram to the dialled peer; read returns one datagram from it
// (truncated to the buffer; 0 for an empty datagram). Stack-private.
#pragma once

#include <memory>

#include "UdpSocket.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::netstack::detail {

class UdpConn final : public Conn {
 public:
  UdpConn(std::shared_ptr<UdpSocket> socket, Endpoint remote) : socket_(std::move(socket)), remote_(remote) {}
  ~UdpConn() override { socket_->close(); }
  std::size_t read(void* data, std::size_t size) override {
    Endpoint from;
    return socket_->readFrom(data, size, from);
  }
  std::size_t write(const void* data, std::size_t size) override { return socket_->writeTo(data, size, remote_); }
  void closeWrite() override {
    throw Error(Errc::NotSupported, "netstack: udp " + formatEndpoint(remote_) + ": closeWrite on a datagram connection");
  }
  void close() override { socket_->close(); }
  void setReadDeadline(Deadline deadline) override { socket_->setReadDeadline(deadline); }
  void setWriteDeadline(Deadline deadline) override { socket_->setWriteDeadline(deadline); }
  Endpoint localEndpoint() const override { return socket_->localEndpoint(); }
  Endpoint remoteEndpoint() const override { return remote_; }

 private:
  std::shared_ptr<UdpSocket> socket_;
  Endpoint remote_;
};

}  // namespace rtk::netstack::detail
