// rtk::poco::ConnSocketImpl — a Poco::Net::StreamSocketImpl whose bytes go
// through an rtk::Conn (a TCP connection on the Yggdrasil network) instead of
// a kernel socket, so Poco's HTTPClientSession, HTTPServer (via
// rtk::poco::ServerSocket), SocketStream and friends run unchanged.
//
// Two ways to get one:
//   - connected: ConnSocketImpl(std::unique_ptr<Conn>) (what ServerSocket's
//     acceptConnection returns);
//   - dialling: ConnSocketImpl(Dialer); connect(SocketAddress, timeout)
//     dials "[host]:port" through the node. HTTPClientSession calls
//     connect() itself (first request, keep-alive expiry), so a session
//     built on such a socket reconnects through the node as needed.
//
// What works: connect, sendBytes, receiveBytes (all overloads, with the send
// and receive timeouts), available (buffered bytes), poll (read/write, with
// timeout), shutdownSend (half-close), close, address/peerAddress, and
// socket options (accepted and ignored: TCP_NODELAY etc. have no meaning
// here). What does not: bind/listen/accept, datagrams, urgent data,
// non-blocking mode, and anything that uses the native handle directly
// (Socket::select, PollSet, SocketReactor): the handle is an eventfd that
// only marks the socket as initialised for Poco. See host/netstack/README.md.
//
// Errors are thrown as Poco exceptions (TimeoutException,
// ConnectionResetException, ConnectionRefusedException, NetException) so
// Poco's own error handling applies.
// Thread-safety: as a Poco socket — one reader and one writer at a time;
// close() from any thread unblocks both.
#pragma once

#include <Poco/Exception.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocketImpl.h>
#include <Poco/Timespan.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "ratatoskr/net.hpp"
#include "ratatoskr/poco/Dialer.hpp"
#include "ratatoskr/poco/Errors.hpp"

namespace rtk::poco {

inline Poco::Net::SocketAddress toSocketAddress(const Endpoint& e) {
  return Poco::Net::SocketAddress(Poco::Net::IPAddress(e.address.bytes.data(), 16), e.port);
}

class ConnSocketImpl : public Poco::Net::StreamSocketImpl {
 public:
  explicit ConnSocketImpl(Dialer dialer) : dialer_(std::move(dialer)) {}
  explicit ConnSocketImpl(std::unique_ptr<Conn> conn) : conn_(std::move(conn)) { markInitialized(); }

  void connect(const Poco::Net::SocketAddress& address) override { connect(address, Poco::Timespan(0)); }
  void connect(const Poco::Net::SocketAddress& address, const Poco::Timespan& timeout) override {
    if (current()) throw Poco::InvalidAccessException("rtk::poco: socket already connected");
    if (!dialer_) throw Poco::InvalidAccessException("rtk::poco: socket has no dialer to connect with");
    if (address.family() != Poco::Net::SocketAddress::IPv6)
      throw Poco::Net::AddressFamilyMismatchException("rtk::poco: the Yggdrasil network is IPv6 only");
    DialOptions options;
    if (timeout.totalMicroseconds() > 0) options.deadline = Clock::now() + std::chrono::microseconds(timeout.totalMicroseconds());
    std::unique_ptr<Conn> conn;
    try {
      conn = dialer_("tcp", "[" + address.host().toString() + "]:" + std::to_string(address.port()), options);
    } catch (const Error& e) {
      throwAsPoco(e);
    }
    {
      std::lock_guard lock(mutex_);
      conn_ = std::move(conn);
      peek_.clear();
      peekEof_ = false;
    }
    markInitialized();
  }
  void connectNB(const Poco::Net::SocketAddress& address) override { connect(address); }

  void close() override {
    std::shared_ptr<Conn> conn;
    {
      std::lock_guard lock(mutex_);
      conn.swap(conn_);
      peek_.clear();
    }
    if (conn) {
      try {
        conn->close();
      } catch (const Error&) {
        // close() is idempotent and reports nothing useful here.
      }
    }
    Poco::Net::SocketImpl::close();  // the placeholder handle
  }
  void shutdownReceive() override {}
  void shutdownSend() override {
    try {
      require()->closeWrite();
    } catch (const Error& e) {
      throwAsPoco(e);
    }
  }
  void shutdown() override { shutdownSend(); }

  int sendBytes(const void* buffer, int length, int) override {
    auto conn = require();
    try {
      conn->setWriteDeadline(deadline(sendTimeout_));
      return static_cast<int>(conn->write(buffer, static_cast<std::size_t>(length)));
    } catch (const Error& e) {
      throwAsPoco(e);
    }
  }
  int sendBytes(const Poco::Net::SocketBufVec& buffers, int flags) override {
    int total = 0;
    for (const auto& b : buffers) total += sendBytes(b.iov_base, static_cast<int>(b.iov_len), flags);
    return total;
  }

  int receiveBytes(void* buffer, int length, int) override {
    auto conn = require();
    if (length <= 0) return 0;
    {
      std::lock_guard lock(mutex_);
      if (!peek_.empty()) {
        const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(length), peek_.size());
        std::memcpy(buffer, peek_.data(), n);
        peek_.erase(peek_.begin(), peek_.begin() + static_cast<std::ptrdiff_t>(n));
        return static_cast<int>(n);
      }
      if (peekEof_) return 0;
    }
    try {
      conn->setReadDeadline(deadline(receiveTimeout_));
      return static_cast<int>(conn->read(buffer, static_cast<std::size_t>(length)));
    } catch (const Error& e) {
      throwAsPoco(e);
    }
  }
  int receiveBytes(Poco::Net::SocketBufVec& buffers, int flags) override {
    int total = 0;
    for (auto& b : buffers) {
      int n = receiveBytes(b.iov_base, static_cast<int>(b.iov_len), flags);
      total += n;
      if (n < static_cast<int>(b.iov_len)) break;
    }
    return total;
  }
  int receiveBytes(Poco::Buffer<char>& buffer, int flags, const Poco::Timespan& timeout) override {
    if (!poll(timeout, SELECT_READ)) return 0;
    if (buffer.size() == 0) buffer.resize(16 * 1024);
    return receiveBytes(buffer.begin(), static_cast<int>(buffer.size()), flags);
  }

  int available() override {
    std::lock_guard lock(mutex_);
    return static_cast<int>(peek_.size());
  }

  // SELECT_READ: waits up to `timeout` for data (kept for the next
  // receiveBytes), end of stream or an error. SELECT_WRITE: connected.
  bool poll(const Poco::Timespan& timeout, int mode) override {
    auto conn = current();
    if (!conn) return false;
    if (mode & SELECT_READ) {
      {
        std::lock_guard lock(mutex_);
        if (!peek_.empty() || peekEof_) return true;
      }
      std::vector<std::uint8_t> buf(16 * 1024);
      try {
        conn->setReadDeadline(Clock::now() + std::chrono::microseconds(std::max<Poco::Int64>(0, timeout.totalMicroseconds())));
        const std::size_t n = conn->read(buf.data(), buf.size());
        std::lock_guard lock(mutex_);
        if (n == 0) peekEof_ = true;
        peek_.insert(peek_.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
        return true;
      } catch (const Error& e) {
        // A timeout means "not readable"; any other failure is "readable":
        // the next receiveBytes reports it.
        if (e.code() == Errc::Timeout) return (mode & SELECT_WRITE) != 0;
        return true;
      }
    }
    return (mode & SELECT_WRITE) != 0;
  }

  void setSendTimeout(const Poco::Timespan& timeout) override { sendTimeout_ = timeout; }
  Poco::Timespan getSendTimeout() override { return sendTimeout_; }
  void setReceiveTimeout(const Poco::Timespan& timeout) override { receiveTimeout_ = timeout; }
  Poco::Timespan getReceiveTimeout() override { return receiveTimeout_; }

  Poco::Net::SocketAddress address() override { return toSocketAddress(require()->localEndpoint()); }
  Poco::Net::SocketAddress peerAddress() override { return toSocketAddress(require()->remoteEndpoint()); }

  // Kernel socket options mean nothing for a netstack connection.
  void setRawOption(int, int, const void*, poco_socklen_t) override {}
  void getRawOption(int, int, void* value, poco_socklen_t& length) override { std::memset(value, 0, length); }
  void setSendBufferSize(int) override {}
  int getSendBufferSize() override { return 1 << 20; }
  void setReceiveBufferSize(int) override {}
  int getReceiveBufferSize() override { return 4 << 20; }
  void setBlocking(bool flag) override {
    if (!flag) throw Poco::NotImplementedException("rtk::poco: non-blocking mode is not supported");
  }

  void bind(const Poco::Net::SocketAddress&, bool) override { notHere("bind"); }
  void bind(const Poco::Net::SocketAddress&, bool, bool) override { notHere("bind"); }
  void bind6(const Poco::Net::SocketAddress&, bool, bool) override { notHere("bind"); }
  void bind6(const Poco::Net::SocketAddress&, bool, bool, bool) override { notHere("bind"); }
  void listen(int) override { notHere("listen (use rtk::poco::ServerSocket)"); }
  Poco::Net::SocketImpl* acceptConnection(Poco::Net::SocketAddress&) override { notHere("accept"); }
  int sendTo(const void*, int, const Poco::Net::SocketAddress&, int) override { notHere("sendTo"); }
  int receiveFrom(void*, int, Poco::Net::SocketAddress&, int) override { notHere("receiveFrom"); }
  void sendUrgent(unsigned char) override { notHere("urgent data"); }

  // The connection, if connected (for code that wants the rtk::Conn back).
  std::shared_ptr<Conn> conn() const { return current(); }

 protected:
  ~ConnSocketImpl() override { close(); }

 private:
  [[noreturn]] static void notHere(const char* what) {
    throw Poco::NotImplementedException(std::string("rtk::poco: ") + what + " is not supported on a node connection");
  }
  // Poco tells "connected" by a valid native handle (SocketImpl::initialized
  // is not virtual): give it an eventfd that stands for the connection.
  void markInitialized() {
    if (initialized()) return;
    int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0) throw Poco::Net::NetException("rtk::poco: eventfd failed");
    reset(fd);
  }
  std::shared_ptr<Conn> current() const {
    std::lock_guard lock(mutex_);
    return conn_;
  }
  std::shared_ptr<Conn> require() const {
    auto c = current();
    if (!c) throw Poco::Net::InvalidSocketException("rtk::poco: socket not connected");
    return c;
  }
  static Deadline deadline(const Poco::Timespan& t) {
    if (t.totalMicroseconds() <= 0) return std::nullopt;
    return Clock::now() + std::chrono::microseconds(t.totalMicroseconds());
  }

  Dialer dialer_;
  mutable std::mutex mutex_;
  std::shared_ptr<Conn> conn_;
  std::vector<std::uint8_t> peek_;  // read by poll(), not yet received
  bool peekEof_ = false;
  Poco::Timespan sendTimeout_{0}, receiveTimeout_{0};
};

}  // namespace rtk::poco
