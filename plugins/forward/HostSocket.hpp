// HostSocket — the host's own sockets as the forward plugin uses them:
// listeners bound at start (so a busy port fails the start, not later), TCP
// connects with a deadline, and waits that a Waker (eventfd) can cut short.
//
// Every descriptor is close-on-exec and non-blocking; waits are poll() with
// a timeout, never sleeps. Errors: rtk::Error with the operation, the
// address and strerror: "bind 127.0.0.1:2222: Address already in use".
// Thread-safety: an Fd is owned by one object; the free functions are
// reentrant.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "HostEndpoint.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::plugins::forward {

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = o.release();
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset();

 private:
  int fd_ = -1;
};

// An eventfd: wake() makes every wait on it return at once, for good.
class Waker {
 public:
  Waker();
  void wake();
  int fd() const { return fd_.get(); }
  bool woken() const;

 private:
  Fd fd_;
};

// Waits until `fd` is ready for `events` (POLLIN/POLLOUT), the deadline
// passes (false) or the waker fires (false). Readiness includes errors and
// hang-ups, which the following read or write then reports.
bool waitReady(int fd, short events, Deadline deadline, const Waker* waker);
// Waits for the waker only, up to `timeout`: a stoppable pause (accept back-off).
void pause(const Waker& waker, std::chrono::milliseconds timeout);

// A TCP listener (backlog 255) or a bound UDP socket on `at`; SO_REUSEADDR for TCP.
Fd bindHost(const HostEndpoint& at, bool tcp);
// A TCP connection to `to`, or rtk::Error (Errc::Timeout at the deadline,
// Errc::Refused, Errc::Unreachable, Errc::Io) naming the address.
Fd connectHost(const HostEndpoint& to, Deadline deadline, const Waker* waker);
// A UDP socket connected to `to`.
Fd connectHostUdp(const HostEndpoint& to);
// Larger kernel buffers for a UDP socket: datagrams queue there rather than drop.
void enlargeBuffers(int fd, int bytes);
// The local endpoint a socket is bound to.
HostEndpoint localEndpointOf(int fd);

std::string errnoText(int err);

}  // namespace rtk::plugins::forward
