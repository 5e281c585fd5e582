// TcpListenerHandle — rtk::Listener over a TcpListener. Destroying it closes
// the listener. Stack-private.
#pragma once

#include <memory>

#include "TcpListener.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::netstack::detail {

class TcpListenerHandle final : public Listener {
 public:
  explicit TcpListenerHandle(std::shared_ptr<TcpListener> listener) : listener_(std::move(listener)) {}
  ~TcpListenerHandle() override { listener_->close(); }
  std::unique_ptr<Conn> accept(Deadline deadline) override { return listener_->accept(deadline); }
  void close() override { listener_->close(); }
  Endpoint localEndpoint() const override { return listener_->localEndpoint(); }

 private:
  std::shared_ptr<TcpListener> listener_;
};

}  // namespace rtk::netstack::detail
