#include "TcpSocket.hpp"

#include <algorithm>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "LwipConvert.hpp"
#include "core/util/BufferPool.hpp"
#include "NodeStack.hpp"
#include "Waits.hpp"

namespace rtk::netstack::detail {

namespace {

// Bytes a writer may queue in front of lwIP's own send buffer (TCP_SND_BUF).
// Together they are the connection's send buffer; a writer blocks beyond.
constexpr std::size_t kTcpTxLimitBytes = 1u << 20;
// Writes are queued in chunks of at most this size.
constexpr std::size_t kTxChunkBytes = 64u << 10;
// Small received segments are merged into chunks up to this size.
constexpr std::size_t kRxMergeBytes = 16u << 10;
// The window is reopened once this much was read (or everything was read).
constexpr std::size_t kRecvedBatchBytes = 16u << 10;
// lwIP's poll callback interval, in slow-timer ticks (200 ms): a safety net
// that resumes a flush lwIP could not take (out of memory) or a close.
constexpr u8_t kPollTicks = 5;

}  // namespace

TcpSocket::TcpSocket(std::shared_ptr<NodeStack> node, Endpoint local, Endpoint remote)
    : node_(std::move(node)), local_(local), remote_(remote) {}

TcpSocket::~TcpSocket() {
  if (int fd = readinessFd_.load(); fd >= 0) ::close(fd);
}

void TcpSocket::notifyChanged(bool ended) {
  changed_.notify_all();
  const int fd = readinessFd_.load(std::memory_order_acquire);
  if (fd >= 0 && (readinessArmed_.exchange(false) || ended)) {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(fd, &one, sizeof one);  // a full counter is still readable
  }
}

// ---- stack thread -----------------------------------------------------------

void TcpSocket::attach(struct tcp_pcb* pcb, bool established) {
  pcb_ = pcb;
  tcp_arg(pcb, this);
  tcp_recv(pcb, &TcpSocket::onRecv);
  tcp_sent(pcb, &TcpSocket::onSent);
  tcp_err(pcb, &TcpSocket::onError);
  tcp_poll(pcb, &TcpSocket::onPoll, kPollTicks);
  // Our writes are already batched: Nagle would only add latency.
  tcp_nagle_disable(pcb);
  node_->add(shared_from_this());
  registered_ = true;
  if (established) {
    std::lock_guard lock(mutex_);
    phase_ = Phase::Open;
    local_.port = pcb->local_port;
  }
}

void TcpSocket::connect(const ip_addr_t& remote, std::uint16_t port) {
  err_t err = tcp_connect(pcb_, &remote, port, &TcpSocket::onConnected);
  if (err != ERR_OK) {
    auto self = shared_from_this();
    abortPcb();
    throw Error(errcForLwipError(err), std::string("connect: ") + describeLwipError(err));
  }
  std::lock_guard lock(mutex_);
  local_.port = pcb_->local_port;
}

void TcpSocket::detach() {
  if (pcb_) {
    tcp_arg(pcb_, nullptr);
    tcp_recv(pcb_, nullptr);
    tcp_sent(pcb_, nullptr);
    tcp_err(pcb_, nullptr);
    tcp_poll(pcb_, nullptr, 0);
    pcb_ = nullptr;
  }
  if (registered_) {
    registered_ = false;
    node_->remove(this);  // callers hold a reference to this
  }
}

void TcpSocket::abortPcb() {
  struct tcp_pcb* pcb = pcb_;
  detach();
  if (pcb) tcp_abort(pcb);
}

void TcpSocket::abortFromNode() {
  auto self = shared_from_this();
  {
    std::lock_guard lock(mutex_);
    failure_ = Failure{Errc::Closed, "netstack: node closed", "netstack closed"};
    nodeClosed_ = true;
    if (phase_ == Phase::Connecting) phase_ = Phase::Failed;
    tx_.clear();
    txBytes_ = 0;
  }
  notifyChanged(true);
  registered_ = false;  // the node already dropped us
  abortPcb();
}

void TcpSocket::acceptedByApplication() {
  if (pcb_) tcp_backlog_accepted(pcb_);
}

void TcpSocket::applyRecved() {
  std::size_t n;
  {
    std::lock_guard lock(mutex_);
    n = unacked_;
    unacked_ = 0;
    recvedPosted_ = false;
  }
  while (pcb_ && n > 0) {
    auto chunk = static_cast<u16_t>(std::min<std::size_t>(n, 0xFFFF));
    tcp_recved(pcb_, chunk);
    n -= chunk;
  }
}

bool TcpSocket::flush() {
  if (!pcb_) return false;
  std::unique_lock lock(mutex_);
  flushPosted_ = false;
  bool wrote = false;
  err_t err = ERR_OK;
  while (txBytes_ > 0) {
    const std::size_t room = pcb_->snd_buf;
    if (room == 0) break;
    core::Bytes& chunk = tx_.front();
    const std::size_t left = chunk.size() - txHead_;
    const auto n = static_cast<u16_t>(std::min({left, room, std::size_t{0xFFFF}}));
    const bool more = n < left || tx_.size() > 1;
    err = tcp_write(pcb_, chunk.data() + txHead_, n, TCP_WRITE_FLAG_COPY | (more ? TCP_WRITE_FLAG_MORE : 0));
    if (err == ERR_MEM) {  // segment queue full: the sent or poll callback resumes
      err = ERR_OK;
      break;
    }
    if (err != ERR_OK) break;
    txHead_ += n;
    txBytes_ -= n;
    if (txHead_ == chunk.size()) {
      core::BufferPool::shared().give(std::move(chunk));
      tx_.pop_front();
      txHead_ = 0;
    }
    wrote = true;
  }
  if (err != ERR_OK) {
    fail(errcForLwipError(err), describeLwipError(err));
    lock.unlock();
    notifyChanged(true);
    auto self = shared_from_this();
    abortPcb();
    return true;
  }
  const bool drained = txBytes_ == 0;
  const bool closeNow = drained && userClosed_;
  const bool shutNow = drained && shutWrite_ && !finSent_ && !userClosed_;
  lock.unlock();
  if (wrote) notifyChanged();
  if (closeNow) return finishClose();
  if (shutNow) {
    finSent_ = true;
    err = tcp_shutdown(pcb_, 0, 1);
    if (err != ERR_OK) node_->log().debug("netstack: shutdown: ", describeLwipError(err));
  }
  if ((wrote || shutNow) && pcb_) tcp_output(pcb_);
  return false;
}

// The application closed and everything it wrote is in lwIP: hand the pcb
// to lwIP for a graceful close (FIN after the queued data) and forget it.
// Whatever was received but not read is given back to the window first, so
// lwIP closes with a FIN rather than a reset.
bool TcpSocket::finishClose() {
  auto self = shared_from_this();
  applyRecved();
  struct tcp_pcb* pcb = pcb_;
  if (!pcb) return false;
  detach();
  if (tcp_close(pcb) != ERR_OK) {
    tcp_abort(pcb);
    return true;
  }
  return false;
}

err_t TcpSocket::onConnected(void* arg, struct tcp_pcb* pcb, err_t) {
  auto* self = static_cast<TcpSocket*>(arg);
  {
    std::lock_guard lock(self->mutex_);
    self->phase_ = Phase::Open;
    self->local_.port = pcb->local_port;
  }
  self->notifyChanged();
  return ERR_OK;
}

err_t TcpSocket::onRecv(void* arg, struct tcp_pcb* pcb, struct pbuf* p, err_t) {
  auto* self = static_cast<TcpSocket*>(arg);
  if (!p) {
    {
      std::lock_guard lock(self->mutex_);
      self->rxEof_ = true;
    }
    self->notifyChanged();
    return ERR_OK;
  }
  std::size_t total = 0;
  bool discard;
  {
    std::lock_guard lock(self->mutex_);
    // After close() nobody reads: acknowledge and drop.
    discard = self->userClosed_;
    for (struct pbuf* q = p; q; q = q->next) {
      if (q->len == 0) continue;
      total += q->len;
      if (discard) continue;
      const auto* data = static_cast<const std::uint8_t*>(q->payload);
      auto& rx = self->rx_;
      if (q->len < kRxMergeBytes / 4 && !rx.empty() && rx.back().size() + q->len <= kRxMergeBytes) {
        rx.back().insert(rx.back().end(), data, data + q->len);
      } else {
        core::Bytes chunk = core::BufferPool::shared().take(std::max<std::size_t>(q->len, kRxMergeBytes));
        chunk.insert(chunk.end(), data, data + q->len);
        rx.push_back(std::move(chunk));
      }
      self->rxBytes_ += q->len;
    }
  }
  pbuf_free(p);
  if (!discard) {
    self->notifyChanged();
    return ERR_OK;
  }
  while (total > 0) {
    auto chunk = static_cast<u16_t>(std::min<std::size_t>(total, 0xFFFF));
    tcp_recved(pcb, chunk);
    total -= chunk;
  }
  return ERR_OK;
}

err_t TcpSocket::onSent(void* arg, struct tcp_pcb*, u16_t) {
  auto self = static_cast<TcpSocket*>(arg)->shared_from_this();
  return self->flush() ? ERR_ABRT : ERR_OK;
}

err_t TcpSocket::onPoll(void* arg, struct tcp_pcb*) {
  auto self = static_cast<TcpSocket*>(arg)->shared_from_this();
  return self->flush() ? ERR_ABRT : ERR_OK;
}

// The pcb is gone (lwIP freed it): record why and let go.
void TcpSocket::onError(void* arg, err_t err) {
  auto self = static_cast<TcpSocket*>(arg)->shared_from_this();
  self->pcb_ = nullptr;
  {
    std::lock_guard lock(self->mutex_);
    if (self->phase_ == Phase::Connecting) {
      self->phase_ = Phase::Failed;
      if (err == ERR_RST) {
        self->fail(Errc::Refused, "connection refused");
      } else if (err == ERR_ABRT) {
        self->fail(Errc::Timeout, "connection timed out");
      } else {
        self->fail(errcForLwipError(err), describeLwipError(err));
      }
    } else if (err == ERR_CLSD) {
      // Both directions finished normally after our closeWrite.
      self->rxEof_ = true;
      self->fail(Errc::Closed, "connection closed");
    } else if (err == ERR_ABRT) {
      self->fail(Errc::Reset, "connection aborted (peer unresponsive)");
    } else {
      self->fail(errcForLwipError(err), describeLwipError(err));
    }
  }
  self->notifyChanged(true);
  self->detach();
}

// ---- any thread ---------------------------------------------------------------

void TcpSocket::fail(Errc code, const std::string& reason) {
  if (failure_) return;
  failure_ = Failure{code, "netstack: tcp " + formatEndpoint(remote_) + ": " + reason, reason};
  tx_.clear();
  txBytes_ = 0;
  txHead_ = 0;
}

void TcpSocket::throwFailure(const Failure& f) const { throw Error(f.code, f.message); }

void TcpSocket::postFlush() {
  if (flushPosted_) return;
  flushPosted_ = true;
  node_->stack().post([self = shared_from_this()] { self->flush(); });
}

void TcpSocket::postRecved() {
  if (recvedPosted_) return;
  recvedPosted_ = true;
  node_->stack().post([self = shared_from_this()] { self->applyRecved(); });
}

void TcpSocket::waitConnected(const Deadline& deadline, const CancelToken& cancel, const std::string& what) {
  CancelRegistration registration;
  if (cancel.cancellable()) {
    registration = cancel.onCancel([weak = weak_from_this()] {
      if (auto self = weak.lock()) {
        {
          std::lock_guard lock(self->mutex_);
          self->cancelled_ = true;
        }
        self->notifyChanged();
      }
    });
  }
  std::unique_lock lock(mutex_);
  waitUntil(lock, changed_, deadline, [this] { return phase_ != Phase::Connecting || cancelled_; });
  if (phase_ == Phase::Open) return;
  if (phase_ == Phase::Failed && failure_) {
    if (nodeClosed_) throw Error(Errc::Closed, what + ": netstack closed");
    throw Error(failure_->code, what + ": " + failure_->reason);
  }
  const bool cancelled = cancelled_;
  phase_ = Phase::Failed;
  fail(cancelled ? Errc::Cancelled : Errc::Timeout, cancelled ? "dial cancelled" : "dial timed out");
  lock.unlock();
  notifyChanged();
  node_->stack().post([self = shared_from_this()] { self->abortPcb(); });
  if (cancelled) throw Error(Errc::Cancelled, what + ": cancelled");
  throw Error(Errc::Timeout, what + ": timed out");
}

std::size_t TcpSocket::read(void* data, std::size_t size) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (userClosed_) throw Error(Errc::Closed, "netstack: read tcp " + formatEndpoint(remote_) + ": use of closed connection");
    if (nodeClosed_ || node_->closed()) throw Error(Errc::Closed, "netstack: read tcp " + formatEndpoint(remote_) + ": netstack closed");
    if (rxBytes_ > 0) break;
    if (rxEof_) return 0;
    if (failure_) throwFailure(*failure_);
    if (size == 0) return 0;
    if (!waitUntil(lock, changed_, readDeadline_, [this] {
          return userClosed_ || rxBytes_ > 0 || rxEof_ || failure_.has_value();
        }))
      throw Error(Errc::Timeout, "netstack: read tcp " + formatEndpoint(remote_) + ": deadline exceeded");
  }
  return takeReceived(data, size);
}

std::optional<std::size_t> TcpSocket::tryRead(void* data, std::size_t size) {
  std::lock_guard lock(mutex_);
  if (userClosed_) throw Error(Errc::Closed, "netstack: read tcp " + formatEndpoint(remote_) + ": use of closed connection");
  if (nodeClosed_ || node_->closed()) throw Error(Errc::Closed, "netstack: read tcp " + formatEndpoint(remote_) + ": netstack closed");
  if (rxBytes_ > 0) return takeReceived(data, size);
  if (rxEof_) return 0;
  if (failure_) throwFailure(*failure_);
  readinessArmed_.store(true);
  return std::nullopt;
}

std::size_t TcpSocket::takeReceived(void* data, std::size_t size) {
  auto* out = static_cast<std::uint8_t*>(data);
  std::size_t done = 0;
  while (done < size && !rx_.empty()) {
    auto& chunk = rx_.front();
    const std::size_t n = std::min(size - done, chunk.size() - rxHead_);
    std::memcpy(out + done, chunk.data() + rxHead_, n);
    done += n;
    rxHead_ += n;
    if (rxHead_ == chunk.size()) {
      core::BufferPool::shared().give(std::move(chunk));
      rx_.pop_front();
      rxHead_ = 0;
    }
  }
  rxBytes_ -= done;
  unacked_ += done;
  if (unacked_ >= kRecvedBatchBytes || rxBytes_ == 0) postRecved();
  return done;
}

void TcpSocket::checkWritable(const char* what) const {
  if (userClosed_) throw Error(Errc::Closed, std::string("netstack: ") + what + " tcp " + formatEndpoint(remote_) + ": use of closed connection");
  if (node_->closed()) throw Error(Errc::Closed, std::string("netstack: ") + what + " tcp " + formatEndpoint(remote_) + ": netstack closed");
  if (failure_) throwFailure(*failure_);
  if (shutWrite_) throw Error(Errc::Closed, std::string("netstack: ") + what + " tcp " + formatEndpoint(remote_) + ": write after closeWrite");
}

void TcpSocket::queueSend(const std::uint8_t* in, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    std::size_t n = size - done;
    if (!tx_.empty() && tx_.back().size() < kTxChunkBytes) {
      auto& back = tx_.back();
      n = std::min(n, kTxChunkBytes - back.size());
      back.insert(back.end(), in + done, in + done + n);
    } else {
      n = std::min(n, kTxChunkBytes);
      core::Bytes chunk = core::BufferPool::shared().take(kTxChunkBytes);
      chunk.insert(chunk.end(), in + done, in + done + n);
      tx_.push_back(std::move(chunk));
    }
    txBytes_ += n;
    done += n;
  }
  postFlush();
}

std::size_t TcpSocket::write(const void* data, std::size_t size) {
  const auto* in = static_cast<const std::uint8_t*>(data);
  std::unique_lock lock(mutex_);
  std::size_t done = 0;
  checkWritable("write");
  while (done < size) {
    if (txBytes_ < kTcpTxLimitBytes) {
      const std::size_t n = std::min(size - done, kTcpTxLimitBytes - txBytes_);
      queueSend(in + done, n);
      done += n;
      continue;
    }
    if (!waitUntil(lock, changed_, writeDeadline_, [this] {
          return userClosed_ || failure_.has_value() || txBytes_ < kTcpTxLimitBytes;
        }))
      throw Error(Errc::Timeout, "netstack: write tcp " + formatEndpoint(remote_) + ": deadline exceeded after " +
                                     std::to_string(done) + " of " + std::to_string(size) + " bytes");
    checkWritable("write");
  }
  return size;
}

std::size_t TcpSocket::tryWrite(const void* data, std::size_t size) {
  std::lock_guard lock(mutex_);
  checkWritable("write");
  if (size == 0) return 0;
  if (txBytes_ >= kTcpTxLimitBytes) {
    readinessArmed_.store(true);
    return 0;
  }
  const std::size_t n = std::min(size, kTcpTxLimitBytes - txBytes_);
  queueSend(static_cast<const std::uint8_t*>(data), n);
  return n;
}

int TcpSocket::readinessFd() {
  std::lock_guard lock(mutex_);
  int fd = readinessFd_.load();
  if (fd >= 0) return fd;
  fd = ::eventfd(1, EFD_NONBLOCK | EFD_CLOEXEC);  // created signalled: try first
  if (fd < 0) throw Error(Errc::Io, "netstack: tcp " + formatEndpoint(remote_) + ": readiness eventfd: " + std::strerror(errno));
  readinessFd_.store(fd, std::memory_order_release);
  return fd;
}

void TcpSocket::closeWrite() {
  std::lock_guard lock(mutex_);
  if (userClosed_) throw Error(Errc::Closed, "netstack: closeWrite tcp " + formatEndpoint(remote_) + ": use of closed connection");
  if (node_->closed()) throw Error(Errc::Closed, "netstack: closeWrite tcp " + formatEndpoint(remote_) + ": netstack closed");
  if (failure_) throwFailure(*failure_);
  if (shutWrite_) return;
  shutWrite_ = true;
  postFlush();
}

void TcpSocket::close() {
  {
    std::lock_guard lock(mutex_);
    if (userClosed_) return;
    userClosed_ = true;
    // Unread data is dropped; its window is given back on the stack thread.
    unacked_ += rxBytes_;
    rx_.clear();
    rxBytes_ = 0;
    rxHead_ = 0;
    flushPosted_ = true;
  }
  notifyChanged(true);
  node_->stack().post([self = shared_from_this()] { self->flush(); });
}

void TcpSocket::abort() {
  {
    std::lock_guard lock(mutex_);
    userClosed_ = true;
    if (!failure_) failure_ = Failure{Errc::Closed, "netstack: connection aborted", "aborted"};
    phase_ = Phase::Failed;
    tx_.clear();
    txBytes_ = 0;
    rx_.clear();
    rxBytes_ = 0;
    rxHead_ = 0;
  }
  notifyChanged(true);
  node_->stack().post([self = shared_from_this()] { self->abortPcb(); });
}

void TcpSocket::setReadDeadline(Deadline deadline) {
  {
    std::lock_guard lock(mutex_);
    readDeadline_ = deadline;
  }
  notifyChanged();
}

void TcpSocket::setWriteDeadline(Deadline deadline) {
  {
    std::lock_guard lock(mutex_);
    writeDeadline_ = deadline;
  }
  notifyChanged();
}

Endpoint TcpSocket::localEndpoint() const {
  std::lock_guard lock(mutex_);
  return local_;
}

Endpoint TcpSocket::remoteEndpoint() const {
  std::lock_guard lock(mutex_);
  return remote_;
}

}  // namespace rtk::netstack::detail
