#include "TcpListener.hpp"

#include "LwipConvert.hpp"
#include "NodeStack.hpp"
#include "TcpConn.hpp"
#include "Waits.hpp"

namespace rtk::netstack::detail {

TcpListener::TcpListener(std::shared_ptr<NodeStack> node, Endpoint local) : node_(std::move(node)), local_(local) {}

void TcpListener::start() {
  node_->requireOpen();
  struct tcp_pcb* pcb = tcp_new_ip_type(IPADDR_TYPE_V6);
  if (!pcb) throw Error(Errc::Io, "out of memory");
  err_t err = tcp_bind(pcb, &node_->lwipAddress(), local_.port);
  if (err != ERR_OK) {
    tcp_abort(pcb);
    throw Error(errcForLwipError(err), describeLwipError(err));
  }
  struct tcp_pcb* listening = tcp_listen_with_backlog_and_err(pcb, TCP_DEFAULT_LISTEN_BACKLOG, &err);
  if (!listening) {
    tcp_abort(pcb);
    throw Error(errcForLwipError(err), describeLwipError(err));
  }
  pcb_ = listening;
  {
    std::lock_guard lock(mutex_);
    local_.port = listening->local_port;
  }
  tcp_arg(pcb_, this);
  tcp_accept(pcb_, &TcpListener::onAccept);
  node_->add(shared_from_this());
}

err_t TcpListener::onAccept(void* arg, struct tcp_pcb* pcb, err_t err) {
  if (err != ERR_OK || !pcb) return ERR_VAL;
  auto* self = static_cast<TcpListener*>(arg);
  Endpoint local{self->node_->address(), pcb->local_port};
  Endpoint remote{fromLwip(pcb->remote_ip), pcb->remote_port};
  auto socket = std::make_shared<TcpSocket>(self->node_, local, remote);
  socket->attach(pcb, true);
  // Counted against the backlog until the application takes it.
  tcp_backlog_delayed(pcb);
  {
    std::lock_guard lock(self->mutex_);
    self->pending_.push_back(std::move(socket));
  }
  self->changed_.notify_all();
  return ERR_OK;
}

std::unique_ptr<Conn> TcpListener::accept(Deadline deadline) {
  std::unique_lock lock(mutex_);
  const bool ready = waitUntil(lock, changed_, deadline, [this] {
    return closed_ || failure_.has_value() || !pending_.empty();
  });
  const std::string what = "netstack: accept tcp " + formatEndpoint(local_);
  if (closed_) throw Error(Errc::Closed, what + ": use of closed listener");
  if (failure_ || node_->closed()) throw Error(Errc::Closed, what + ": netstack closed");
  if (!ready) throw Error(Errc::Timeout, what + ": deadline exceeded");
  auto socket = std::move(pending_.front());
  pending_.pop_front();
  lock.unlock();
  node_->stack().post([socket] { socket->acceptedByApplication(); });
  return std::make_unique<TcpConn>(std::move(socket));
}

void TcpListener::close() {
  std::deque<std::shared_ptr<TcpSocket>> pending;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    pending.swap(pending_);
  }
  changed_.notify_all();
  node_->stack().post([self = shared_from_this(), pending = std::move(pending)]() mutable {
    self->closeOnStack(std::move(pending));
  });
}

void TcpListener::closeOnStack(std::deque<std::shared_ptr<TcpSocket>> pending) {
  auto self = shared_from_this();
  if (pcb_) {
    tcp_arg(pcb_, nullptr);
    tcp_accept(pcb_, nullptr);
    tcp_close(pcb_);  // never fails for a listening pcb
    pcb_ = nullptr;
    node_->remove(this);
  }
  // Connections nobody will accept: close them (the peer reads end of
  // stream).
  for (auto& socket : pending) socket->close();
}

void TcpListener::abortFromNode() {
  std::deque<std::shared_ptr<TcpSocket>> pending;
  {
    std::lock_guard lock(mutex_);
    failure_ = "netstack closed";
    pending.swap(pending_);
  }
  changed_.notify_all();
  if (pcb_) {
    tcp_arg(pcb_, nullptr);
    tcp_accept(pcb_, nullptr);
    tcp_close(pcb_);
    pcb_ = nullptr;
  }
  // The pending sockets are registered with the node themselves and are
  // aborted by it.
}

Endpoint TcpListener::localEndpoint() const {
  std::lock_guard lock(mutex_);
  return local_;
}

}  // namespace rtk::netstack::detail
