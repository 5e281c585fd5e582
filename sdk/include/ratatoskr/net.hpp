// Streams, listeners and datagram sockets on the Yggdrasil network.
//
// These are the objects dial/listen/listenPacket return (see
// node_interface.hpp). They behave like Go's net.Conn, net.Listener and
// net.PacketConn: blocking calls with optional deadlines, close from any
// thread to unblock everything.
//
// Thread-safety (every class): one thread may read while another writes;
// close() and the deadline setters may be called from any thread at any time.
// Two concurrent readers (or two concurrent writers) are not supported.
//
// Errors: rtk::Error with
//   Errc::Closed      the object (or its node) was closed
//   Errc::Timeout     the deadline passed
//   Errc::Reset       the peer reset the connection
//   Errc::Refused     connection refused (dial only)
//   Errc::Unreachable no route to the destination (dial only)
//   Errc::MessageTooLarge  a datagram above the MTU
#pragma once

#include <arpa/inet.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ratatoskr/cancel.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/types.hpp"

namespace rtk {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Deadline = std::optional<TimePoint>;  // nullopt: no deadline

class Conn {
 public:
  virtual ~Conn() = default;
  // Reads up to `size` bytes. Blocks until at least one byte is available.
  // Returns 0 at end of stream (the peer closed its side).
  virtual std::size_t read(void* data, std::size_t size) = 0;
  // Writes all `size` bytes (blocking while the send window is full) and
  // returns `size`. For datagram connections one call is one datagram.
  virtual std::size_t write(const void* data, std::size_t size) = 0;
  // Half-close: no more writes; the peer reads end of stream. Streams only.
  virtual void closeWrite() = 0;
  // Idempotent. Pending and later calls fail with Errc::Closed.
  virtual void close() = 0;
  // Ends the connection at once, dropping what is queued either way: a TCP
  // peer sees a reset instead of an orderly end. Pending and later calls
  // fail with Errc::Closed. Idempotent; any thread. The default closes.
  virtual void abort() { close(); }
  virtual void setReadDeadline(Deadline deadline) = 0;
  virtual void setWriteDeadline(Deadline deadline) = 0;
  void setDeadline(Deadline deadline) {
    setReadDeadline(deadline);
    setWriteDeadline(deadline);
  }
  virtual Endpoint localEndpoint() const = 0;
  virtual Endpoint remoteEndpoint() const = 0;

  // ---- non-blocking use (optional) ----------------------------------------
  // For one thread serving many connections (an epoll loop). A connection
  // that lacks it throws Errc::NotSupported from all three (the defaults):
  // fall back to read/write on threads.
  //
  // readinessFd: a descriptor owned by the connection (valid until it is
  // destroyed; never close it), created on the first call. It polls
  // readable (POLLIN/EPOLLIN) after the connection may have become
  // readable, writable, ended or failed — edge style: it is signalled after
  // a tryRead/tryWrite said "would block" (and once when created), so drain
  // it (read 8 bytes: an eventfd counter), then try both directions again
  // until each would block.
  virtual int readinessFd() { throw Error(Errc::NotSupported, "this connection has no readiness descriptor"); }
  // Reads what is there at once: nullopt when nothing is (would block), 0 at
  // end of stream, else the bytes read. Errors as read(), never Timeout.
  virtual std::optional<std::size_t> tryRead(void* data, std::size_t size) {
    (void)data, (void)size;
    throw Error(Errc::NotSupported, "this connection has no non-blocking read");
  }
  // Queues as many bytes as fit at once and returns how many; 0 (for
  // size > 0) when the send buffer is full (would block). Errors as write().
  virtual std::size_t tryWrite(const void* data, std::size_t size) {
    (void)data, (void)size;
    throw Error(Errc::NotSupported, "this connection has no non-blocking write");
  }
};

class Listener {
 public:
  virtual ~Listener() = default;
  // Blocks until a connection arrives, the deadline passes (Errc::Timeout)
  // or the listener is closed (Errc::Closed).
  virtual std::unique_ptr<Conn> accept(Deadline deadline = std::nullopt) = 0;
  virtual void close() = 0;
  virtual Endpoint localEndpoint() const = 0;
};

class PacketConn {
 public:
  virtual ~PacketConn() = default;
  // Receives one datagram; a datagram larger than `size` is truncated.
  virtual std::size_t readFrom(void* data, std::size_t size, Endpoint& from) = 0;
  // Sends one datagram; Errc::MessageTooLarge above the MTU.
  virtual std::size_t writeTo(const void* data, std::size_t size, const Endpoint& to) = 0;
  virtual void close() = 0;
  virtual void setReadDeadline(Deadline deadline) = 0;
  virtual void setWriteDeadline(Deadline deadline) = 0;
  virtual Endpoint localEndpoint() const = 0;
};

// Options for dial. A dial fails with Errc::Timeout at the deadline and with
// Errc::Cancelled when the token fires, whichever comes first.
struct DialOptions {
  Deadline deadline;
  CancelToken cancel;
};

// ---- text forms --------------------------------------------------------

inline std::string formatAddress(const Ip6Address& a) {
  char buf[INET6_ADDRSTRLEN];
  ::inet_ntop(AF_INET6, a.bytes.data(), buf, sizeof buf);
  return buf;
}

inline std::optional<Ip6Address> parseAddress(std::string_view text) {
  std::string s(text);
  if (auto pct = s.find('%'); pct != std::string::npos) s.resize(pct);  // zones are ignored
  Ip6Address a;
  if (::inet_pton(AF_INET6, s.c_str(), a.bytes.data()) != 1) return std::nullopt;
  return a;
}

inline std::string formatEndpoint(const Endpoint& e) {
  return "[" + formatAddress(e.address) + "]:" + std::to_string(e.port);
}

// Parses "[addr]:port", ":port" (unspecified address) or "addr:port" is not
// accepted for IPv6 (brackets are required). Throws Errc::InvalidArgument
// with the reason: missing port, port out of range, not an IPv6 literal,
// IPv4 (this network is IPv6 only).
inline Endpoint parseEndpoint(std::string_view text) {
  auto fail = [&](const std::string& why) -> Endpoint {
    throw Error(Errc::InvalidArgument, "address \"" + std::string(text) + "\": " + why);
  };
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return fail("missing port");
  std::string_view host = text.substr(0, colon), port = text.substr(colon + 1);
  if (port.empty()) return fail("missing port");
  unsigned long p = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return fail("port is not a number");
    p = p * 10 + static_cast<unsigned>(c - '0');
    if (p > 65535) return fail("port out of range");
  }
  Endpoint e;
  e.port = static_cast<std::uint16_t>(p);
  if (host.empty()) return e;
  if (host.front() == '[') {
    if (host.back() != ']') return fail("unterminated '['");
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return fail("IPv6 addresses need brackets: [addr]:port");
  }
  auto a = parseAddress(host);
  if (!a) {
    in_addr v4;
    if (::inet_pton(AF_INET, std::string(host).c_str(), &v4) == 1) return fail("IPv4 is not supported, the network is IPv6 only");
    return fail("not an IPv6 address literal");
  }
  static const std::uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(v4mapped, v4mapped + 12, a->bytes.begin())) return fail("IPv4 is not supported, the network is IPv6 only");
  e.address = *a;
  return e;
}

}  // namespace rtk
