// TcpConn — rtk::Conn over a TcpSocket (what dial("tcp") and accept return).
// Destroying it closes the connection gracefully. Stack-private.
#pragma once

#include <memory>

#include "TcpSocket.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::netstack::detail {

class TcpConn final : public Conn {
 public:
  explicit TcpConn(std::shared_ptr<TcpSocket> socket) : socket_(std::move(socket)) {}
  ~TcpConn() override { socket_->close(); }
  std::size_t read(void* data, std::size_t size) override { return socket_->read(data, size); }
  std::size_t write(const void* data, std::size_t size) override { return socket_->write(data, size); }
  void closeWrite() override { socket_->closeWrite(); }
  void close() override { socket_->close(); }
  void abort() override { socket_->abort(); }
  void setReadDeadline(Deadline deadline) override { socket_->setReadDeadline(deadline); }
  void setWriteDeadline(Deadline deadline) override { socket_->setWriteDeadline(deadline); }
  Endpoint localEndpoint() const override { return socket_->localEndpoint(); }
  Endpoint remoteEndpoint() const override { return socket_->remoteEndpoint(); }
  int readinessFd() override { return socket_->readinessFd(); }
  std::optional<std::size_t> tryRead(void* data, std::size_t size) override { return socket_->tryRead(data, size); }
  std::size_t tryWrite(const void* data, std::size_t size) override { return socket_->tryWrite(data, size); }

 private:
  std::shared_ptr<TcpSocket> socket_;
};

}  // namespace rtk::netstack::detail
