#include "UdpSocket.hpp"

#include <cstring>

#include "LwipConvert.hpp"
#include "NodeStack.hpp"
#include "Waits.hpp"

namespace rtk::netstack::detail {

namespace {
constexpr std::size_t kIp6UdpHeaderBytes = 40 + 8;
// Received datagrams waiting for readFrom (payload bytes).
constexpr std::size_t kRxLimitBytes = 4u << 20;
// Datagrams posted to the stack thread but not yet sent.
constexpr std::size_t kUdpTxLimitBytes = 1u << 20;
}  // namespace

UdpSocket::UdpSocket(std::shared_ptr<NodeStack> node, Endpoint local) : node_(std::move(node)), local_(local) {}

void UdpSocket::start(const std::optional<Endpoint>& connectTo) {
  node_->requireOpen();
  struct udp_pcb* pcb = udp_new_ip_type(IPADDR_TYPE_V6);
  if (!pcb) throw Error(Errc::Io, "out of memory");
  err_t err = udp_bind(pcb, &node_->lwipAddress(), local_.port);
  if (err == ERR_OK && connectTo) {
    ip_addr_t remote = toLwip(connectTo->address);
    err = udp_connect(pcb, &remote, connectTo->port);
  }
  if (err != ERR_OK) {
    udp_remove(pcb);
    throw Error(errcForLwipError(err), describeLwipError(err));
  }
  pcb_ = pcb;
  connected_ = connectTo.has_value();
  {
    std::lock_guard lock(mutex_);
    local_.port = pcb->local_port;
  }
  udp_recv(pcb_, &UdpSocket::onRecv, this);
  node_->add(shared_from_this());
}

void UdpSocket::onRecv(void* arg, struct udp_pcb*, struct pbuf* p, const ip_addr_t* addr, u16_t port) {
  auto* self = static_cast<UdpSocket*>(arg);
  {
    std::lock_guard lock(self->mutex_);
    if (!self->closed_ && self->rxBytes_ + p->tot_len <= kRxLimitBytes) {
      Datagram d{core::Bytes(p->tot_len), Endpoint{fromLwip(*addr), port}};
      pbuf_copy_partial(p, d.data.data(), p->tot_len, 0);
      self->rxBytes_ += d.data.size();
      self->rx_.push_back(std::move(d));
    }
  }
  pbuf_free(p);
  self->changed_.notify_all();
}

void UdpSocket::send(const core::Bytes& datagram, const Endpoint& to) {
  if (pcb_) {
    struct pbuf* p = pbuf_alloc(PBUF_TRANSPORT, static_cast<u16_t>(datagram.size()), PBUF_RAM);
    if (p) {
      if (!datagram.empty()) std::memcpy(p->payload, datagram.data(), datagram.size());
      err_t err;
      if (connected_) {
        err = udp_send(pcb_, p);
      } else {
        ip_addr_t dest = toLwip(to.address);
        err = udp_sendto(pcb_, p, &dest, to.port);
      }
      if (err != ERR_OK)
        node_->log().debug("netstack: udp send to ", formatEndpoint(to), ": ", describeLwipError(err));
      pbuf_free(p);
    }
  }
  {
    std::lock_guard lock(mutex_);
    txPending_ -= datagram.size();
  }
  changed_.notify_all();
}

std::size_t UdpSocket::maxDatagramBytes() const { return node_->mtu() - kIp6UdpHeaderBytes; }

std::size_t UdpSocket::readFrom(void* data, std::size_t size, Endpoint& from) {
  std::unique_lock lock(mutex_);
  const bool ready = waitUntil(lock, changed_, readDeadline_, [this] {
    return closed_ || nodeClosed_ || !rx_.empty();
  });
  const std::string what = "netstack: read udp " + formatEndpoint(local_);
  if (closed_) throw Error(Errc::Closed, what + ": use of closed socket");
  if (nodeClosed_ || node_->closed()) throw Error(Errc::Closed, what + ": netstack closed");
  if (!ready) throw Error(Errc::Timeout, what + ": deadline exceeded");
  Datagram d = std::move(rx_.front());
  rx_.pop_front();
  rxBytes_ -= d.data.size();
  lock.unlock();
  const std::size_t n = std::min(size, d.data.size());
  if (n) std::memcpy(data, d.data.data(), n);
  from = d.from;
  return n;
}

std::size_t UdpSocket::writeTo(const void* data, std::size_t size, const Endpoint& to) {
  const std::string what = "netstack: write udp " + formatEndpoint(to);
  if (size > maxDatagramBytes())
    throw Error(Errc::MessageTooLarge, what + ": datagram of " + std::to_string(size) + " bytes exceeds the maximum of " +
                                           std::to_string(maxDatagramBytes()) + " (MTU " + std::to_string(node_->mtu()) + ")");
  if (!to.address.isYggdrasil())
    throw Error(Errc::Unreachable, what + ": no route (outside 200::/7)");
  if (to.port == 0) throw Error(Errc::InvalidArgument, what + ": port 0");
  std::unique_lock lock(mutex_);
  const bool ready = waitUntil(lock, changed_, writeDeadline_, [&] {
    return closed_ || nodeClosed_ || txPending_ == 0 || txPending_ + size <= kUdpTxLimitBytes;
  });
  if (closed_) throw Error(Errc::Closed, what + ": use of closed socket");
  if (nodeClosed_ || node_->closed()) throw Error(Errc::Closed, what + ": netstack closed");
  if (!ready) throw Error(Errc::Timeout, what + ": deadline exceeded");
  txPending_ += size;
  lock.unlock();
  const auto* bytes = static_cast<const std::uint8_t*>(data);
  node_->stack().post([self = shared_from_this(), datagram = core::Bytes(bytes, bytes + size), to] {
    self->send(datagram, to);
  });
  return size;
}

void UdpSocket::close() {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    rx_.clear();
    rxBytes_ = 0;
  }
  changed_.notify_all();
  node_->stack().post([self = shared_from_this()] { self->closeOnStack(); });
}

void UdpSocket::closeOnStack() {
  auto self = shared_from_this();
  if (!pcb_) return;
  udp_remove(pcb_);
  pcb_ = nullptr;
  node_->remove(this);
}

void UdpSocket::abortFromNode() {
  {
    std::lock_guard lock(mutex_);
    nodeClosed_ = true;
    rx_.clear();
    rxBytes_ = 0;
  }
  changed_.notify_all();
  if (pcb_) {
    udp_remove(pcb_);
    pcb_ = nullptr;
  }
}

void UdpSocket::setReadDeadline(Deadline deadline) {
  {
    std::lock_guard lock(mutex_);
    readDeadline_ = deadline;
  }
  changed_.notify_all();
}

void UdpSocket::setWriteDeadline(Deadline deadline) {
  {
    std::lock_guard lock(mutex_);
    writeDeadline_ = deadline;
  }
  changed_.notify_all();
}

Endpoint UdpSocket::localEndpoint() const {
  std::lock_guard lock(mutex_);
  return local_;
}

}  // namespace rtk::netstack::detail
