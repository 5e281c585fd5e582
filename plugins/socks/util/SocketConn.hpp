// SocketConn — an operating-system stream socket (TCP or Unix) as an
// rtk::Conn, so the relay treats the client side, a direct destination
// (SystemProxy) and a Yggdrasil connection alike.
//
// The socket is non-blocking; reads and writes wait in poll() until the
// deadline set beforehand (setting a deadline does not wake a call already
// waiting). close() and abort() from any thread wake both directions
// (shutdown), the descriptor itself is closed by the destructor, so it is
// never reused while another thread still polls it.
// Errors (rtk::Error): Timeout, Closed (after close/abort), Reset
// (ECONNRESET, EPIPE), Io (anything else, with errno's text).
// Thread-safety: as rtk::Conn (one reader and one writer at a time; close,
// abort and the deadline setters from any thread).
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <mutex>
#include <string>

#include "ratatoskr/net.hpp"
#include "util/Fd.hpp"

namespace rtk::plugins::socks {

class SocketConn final : public Conn {
 public:
  // Takes the descriptor and makes it non-blocking. `label` names the peer
  // in error messages ("client 127.0.0.1:4242").
  SocketConn(Fd fd, std::string label);
  ~SocketConn() override = default;

  std::size_t read(void* data, std::size_t size) override;
  std::size_t write(const void* data, std::size_t size) override;
  void closeWrite() override;
  void close() override;
  void abort() override;
  void setReadDeadline(Deadline deadline) override;
  void setWriteDeadline(Deadline deadline) override;
  Endpoint localEndpoint() const override;
  Endpoint remoteEndpoint() const override;
  // Non-blocking forms (the relay loop polls fd() itself, edge-triggered;
  // readinessFd stays NotSupported: the socket is its own readiness).
  std::optional<std::size_t> tryRead(void* data, std::size_t size) override;
  std::size_t tryWrite(const void* data, std::size_t size) override;

  int fd() const noexcept { return fd_.get(); }
  const std::string& label() const noexcept { return label_; }

 private:
  // Waits for `events` until `deadline`; throws Timeout or Closed.
  void waitFor(short events, Deadline deadline, const char* what);
  [[noreturn]] void fail(int err, const char* what) const;

  Fd fd_;
  std::string label_;
  std::atomic<bool> closed_{false};
  std::mutex deadlineMutex_;
  Deadline readDeadline_, writeDeadline_;
};

// The socket's address (getsockname / getpeername) as an Endpoint; IPv4 is
// given IPv4-mapped, Unix sockets as the unspecified address, port 0.
Endpoint socketEndpoint(int fd, bool peer);
// A sockaddr_in/_in6 as an Endpoint (IPv4 IPv4-mapped); other families as
// the unspecified address, port 0.
Endpoint endpointFromSockaddr(const sockaddr_storage& ss);
// "127.0.0.1:4242", "[::1]:4242" or "unix" for logs.
std::string describeSocketPeer(int fd);

}  // namespace rtk::plugins::socks
