// TcpSocket — the state of one TCP connection, shared between the
// application's threads (read/write/close through TcpConn) and the stack
// thread (lwIP's callbacks). Stack-private.
//
// Data path: lwIP's recv callback copies each segment into rx_ and frees the
// pbuf at once; the window is reopened (tcp_recved) only as the application
// reads, so a slow reader throttles the sender through TCP itself. Writes
// are copied into tx_ (bounded: the writer blocks when it is full) and moved
// into lwIP's send buffer on the stack thread whenever it has room (after
// each write and in lwIP's sent callback).
//
// Locking: mutex_ guards every member marked "guarded"; the stack thread may
// take it inside lwIP callbacks, and no lwIP function that calls back into
// this object is ever called with it held. pcb_ is touched only on the stack
// thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "LiveObject.hpp"
#include "core/util/Bytes.hpp"
#include "lwip/tcp.h"
#include "ratatoskr/cancel.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::netstack::detail {

class NodeStack;

class TcpSocket : public LiveObject, public std::enable_shared_from_this<TcpSocket> {
 public:
  TcpSocket(std::shared_ptr<NodeStack> node, Endpoint local, Endpoint remote);
  ~TcpSocket() override;

  // ---- stack thread ------------------------------------------------------
  // Takes over `pcb` (callbacks, arg) and registers with the node. With
  // `established` (an accepted connection) the socket is open at once.
  void attach(struct tcp_pcb* pcb, bool established);
  // Starts the connection (tcp_connect); throws on an immediate failure.
  void connect(const ip_addr_t& remote, std::uint16_t port);
  void abortFromNode() override;
  // An accepted connection was taken by the application.
  void acceptedByApplication();

  // ---- any thread --------------------------------------------------------
  // Blocks until the connection is established. Throws Timeout (deadline),
  // Cancelled (token) — aborting the attempt — or the connection's failure.
  void waitConnected(const Deadline& deadline, const CancelToken& cancel, const std::string& what);
  std::size_t read(void* data, std::size_t size);
  std::size_t write(const void* data, std::size_t size);
  void closeWrite();
  void close();
  // As close(), but the pcb is aborted (RST) and queued output dropped.
  void abort();
  void setReadDeadline(Deadline deadline);
  void setWriteDeadline(Deadline deadline);
  Endpoint localEndpoint() const;
  Endpoint remoteEndpoint() const;
  // Non-blocking use (rtk::Conn::readinessFd/tryRead/tryWrite): the eventfd
  // is created on the first call and signalled from every place that
  // notifies changed_, once a try call said "would block".
  int readinessFd();
  std::optional<std::size_t> tryRead(void* data, std::size_t size);
  std::size_t tryWrite(const void* data, std::size_t size);

 private:
  enum class Phase { Connecting, Open, Failed };
  struct Failure {
    Errc code;
    std::string message;  // the whole error message
    std::string reason;   // its last part ("connection refused")
  };

  [[noreturn]] void throwFailure(const Failure& f) const;
  void fail(Errc code, const std::string& reason);  // caller holds mutex_
  void postFlush();                                 // caller holds mutex_
  void postRecved();                                // caller holds mutex_
  std::size_t takeReceived(void* data, std::size_t size);        // caller holds mutex_, rxBytes_ > 0
  void queueSend(const std::uint8_t* data, std::size_t size);    // caller holds mutex_, fits the limit
  void checkWritable(const char* what) const;                    // caller holds mutex_
  // changed_.notify_all() and the readiness eventfd when armed or `ended`
  // (closed, aborted, failed: always signalled). Without mutex_.
  void notifyChanged(bool ended = false);
  // Stack thread. Returns true when the pcb was aborted (callbacks must then
  // return ERR_ABRT).
  bool flush();
  bool finishClose();
  void detach();
  void abortPcb();
  void applyRecved();

  static err_t onConnected(void* arg, struct tcp_pcb* pcb, err_t err);
  static err_t onRecv(void* arg, struct tcp_pcb* pcb, struct pbuf* p, err_t err);
  static err_t onSent(void* arg, struct tcp_pcb* pcb, u16_t len);
  static err_t onPoll(void* arg, struct tcp_pcb* pcb);
  static void onError(void* arg, err_t err);

  std::shared_ptr<NodeStack> node_;

  // Stack thread only.
  struct tcp_pcb* pcb_ = nullptr;
  bool registered_ = false;
  bool finSent_ = false;

  mutable std::mutex mutex_;
  std::condition_variable changed_;  // any state change: data, space, phase, deadlines
  // guarded
  Phase phase_ = Phase::Connecting;
  std::optional<Failure> failure_;
  bool userClosed_ = false;
  bool shutWrite_ = false;
  bool rxEof_ = false;
  std::deque<core::Bytes> rx_;
  std::size_t rxHead_ = 0;   // bytes of rx_.front() already read
  std::size_t rxBytes_ = 0;  // unread bytes in rx_
  std::size_t unacked_ = 0;  // bytes read but not yet given back to the window
  bool recvedPosted_ = false;
  std::deque<core::Bytes> tx_;
  std::size_t txHead_ = 0;
  std::size_t txBytes_ = 0;
  bool flushPosted_ = false;
  bool cancelled_ = false;
  bool nodeClosed_ = false;  // the node was closed: every call fails with Closed
  Deadline readDeadline_, writeDeadline_;
  Endpoint local_, remote_;

  std::atomic<int> readinessFd_{-1};       // created under mutex_, closed by the destructor
  std::atomic<bool> readinessArmed_{false};  // a try call would block: signal the next change
};

}  // namespace rtk::netstack::detail
