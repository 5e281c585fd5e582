// rtk::poco::ListenerSocketImpl — a Poco::Net::ServerSocketImpl over an
// rtk::Listener: acceptConnection returns ConnSocketImpl connections, and
// poll(SELECT_READ) waits for one, which is all Poco::Net::TCPServer (and so
// HTTPServer) uses. Wrap it in rtk::poco::ServerSocket. Header-only.
// Thread-safety: poll/accept from one thread (TCPServer's), close from any.
#pragma once

#include <Poco/Net/ServerSocketImpl.h>
#include <sys/eventfd.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include "ratatoskr/net.hpp"
#include "ratatoskr/poco/ConnSocketImpl.hpp"
#include "ratatoskr/poco/Errors.hpp"

namespace rtk::poco {

class ListenerSocketImpl : public Poco::Net::ServerSocketImpl {
 public:
  explicit ListenerSocketImpl(std::unique_ptr<Listener> listener) : listener_(std::move(listener)) {
    // A valid handle marks the socket initialised for Poco (see ConnSocketImpl).
    int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0) throw Poco::Net::NetException("rtk::poco: eventfd failed");
    reset(fd);
  }

  Poco::Net::SocketImpl* acceptConnection(Poco::Net::SocketAddress& clientAddr) override {
    std::unique_ptr<Conn> conn;
    {
      std::lock_guard lock(mutex_);
      conn = std::move(pending_);
    }
    if (!conn) {
      try {
        conn = listener_->accept();
      } catch (const Error& e) {
        throwAsPoco(e);
      }
    }
    clientAddr = toSocketAddress(conn->remoteEndpoint());
    return new ConnSocketImpl(std::move(conn));
  }

  // SELECT_READ: a connection is waiting (it is accepted now and handed out
  // by the next acceptConnection). On a closed listener, waits out the
  // timeout and says no, so TCPServer's loop idles until it is stopped.
  bool poll(const Poco::Timespan& timeout, int mode) override {
    if (!(mode & SELECT_READ)) return false;
    {
      std::lock_guard lock(mutex_);
      if (pending_) return true;
    }
    const auto wait = std::chrono::microseconds(std::max<Poco::Int64>(0, timeout.totalMicroseconds()));
    try {
      auto conn = listener_->accept(Clock::now() + wait);
      std::lock_guard lock(mutex_);
      pending_ = std::move(conn);
      return true;
    } catch (const Error& e) {
      if (e.code() != Errc::Timeout) std::this_thread::sleep_for(wait);
      return false;
    }
  }

  void close() override {
    listener_->close();
    {
      std::lock_guard lock(mutex_);
      pending_.reset();
    }
    Poco::Net::SocketImpl::close();
  }

  Poco::Net::SocketAddress address() override { return toSocketAddress(listener_->localEndpoint()); }

  void bind(const Poco::Net::SocketAddress&, bool) override {}
  void bind(const Poco::Net::SocketAddress&, bool, bool) override {}
  void bind6(const Poco::Net::SocketAddress&, bool, bool) override {}
  void bind6(const Poco::Net::SocketAddress&, bool, bool, bool) override {}
  void listen(int) override {}
  void setRawOption(int, int, const void*, poco_socklen_t) override {}
  void getRawOption(int, int, void* value, poco_socklen_t& length) override { std::memset(value, 0, length); }
  void setBlocking(bool) override {}

  Listener& listener() { return *listener_; }

 protected:
  ~ListenerSocketImpl() override { close(); }

 private:
  std::unique_ptr<Listener> listener_;
  std::mutex mutex_;
  std::unique_ptr<Conn> pending_;
};

}  // namespace rtk::poco
