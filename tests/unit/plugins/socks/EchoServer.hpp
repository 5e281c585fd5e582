// EchoServer — a TCP server on 127.0.0.1 for the proxy's tests: echoes what
// each connection sends (a thread per connection, joined at destruction)
// and half-closes when the client does.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "util/Fd.hpp"

namespace rtk::plugins::socks::test {

class EchoServer {
 public:
  EchoServer() {
    listener_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listener_.get(), reinterpret_cast<sockaddr*>(&sin), sizeof sin);
    socklen_t len = sizeof sin;
    ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&sin), &len);
    port_ = ntohs(sin.sin_port);
    ::listen(listener_.get(), 64);
    acceptor_ = std::thread([this] { acceptLoop(); });
  }
  ~EchoServer() {
    stopping_ = true;
    ::shutdown(listener_.get(), SHUT_RDWR);
    acceptor_.join();
    {
      std::lock_guard lock(mutex_);
      for (auto& c : conns_) ::shutdown(c->get(), SHUT_RDWR);
    }
    for (auto& t : workers_) t.join();
  }
  std::uint16_t port() const { return port_; }
  int accepted() const { return accepted_.load(); }

 private:
  void acceptLoop() {
    for (;;) {
      int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (stopping_) return;
        continue;
      }
      ++accepted_;
      auto conn = std::make_shared<Fd>(fd);
      std::lock_guard lock(mutex_);
      conns_.push_back(conn);
      workers_.emplace_back([conn] {
        char buf[65536];
        for (;;) {
          ssize_t n = ::recv(conn->get(), buf, sizeof buf, 0);
          if (n <= 0) break;
          if (::send(conn->get(), buf, static_cast<std::size_t>(n), MSG_NOSIGNAL) != n) break;
        }
        ::shutdown(conn->get(), SHUT_WR);
      });
    }
  }

  Fd listener_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<Fd>> conns_;
  std::vector<std::thread> workers_;
};

}  // namespace rtk::plugins::socks::test
