// TcpListener — a listening TCP pcb and the queue of connections lwIP has
// accepted but the application has not taken yet. Stack-private; the
// application sees it through TcpListenerHandle (rtk::Listener).
//
// At most TCP_DEFAULT_LISTEN_BACKLOG (255) connections wait, handshakes in
// progress included (lwIP's backlog, released when accept() takes one):
// beyond that lwIP ignores new SYNs, as a kernel does with a full backlog.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "LiveObject.hpp"
#include "TcpSocket.hpp"
#include "lwip/tcp.h"
#include "ratatoskr/net.hpp"

namespace rtk::netstack::detail {

class NodeStack;

class TcpListener : public LiveObject, public std::enable_shared_from_this<TcpListener> {
 public:
  TcpListener(std::shared_ptr<NodeStack> node, Endpoint local);

  // Stack thread: binds and listens; throws AddressInUse and friends.
  void start();
  void abortFromNode() override;

  // Any thread.
  std::unique_ptr<Conn> accept(Deadline deadline);
  void close();
  Endpoint localEndpoint() const;

 private:
  static err_t onAccept(void* arg, struct tcp_pcb* pcb, err_t err);
  void closeOnStack(std::deque<std::shared_ptr<TcpSocket>> pending);  // stack thread

  std::shared_ptr<NodeStack> node_;
  struct tcp_pcb* pcb_ = nullptr;  // stack thread only

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  // guarded
  std::deque<std::shared_ptr<TcpSocket>> pending_;
  bool closed_ = false;
  std::optional<std::string> failure_;  // "node closed"
  Endpoint local_;
};

}  // namespace rtk::netstack::detail
