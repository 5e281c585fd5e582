// UdpEchoServer — a UDP echo on 127.0.0.1 for the UDP ASSOCIATE tests.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <thread>

#include "util/Fd.hpp"

namespace rtk::plugins::socks::test {

class UdpEchoServer {
 public:
  UdpEchoServer() {
    fd_.reset(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_.get(), reinterpret_cast<sockaddr*>(&sin), sizeof sin);
    socklen_t len = sizeof sin;
    ::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&sin), &len);
    port_ = ntohs(sin.sin_port);
    thread_ = std::thread([this] {
      char buf[65536];
      while (!stopping_) {
        pollfd p{fd_.get(), POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        sockaddr_in from{};
        socklen_t flen = sizeof from;
        ssize_t n = ::recvfrom(fd_.get(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &flen);
        if (n < 0) continue;
        ++echoed_;
        ::sendto(fd_.get(), buf, static_cast<std::size_t>(n), 0, reinterpret_cast<sockaddr*>(&from), flen);
      }
    });
  }
  ~UdpEchoServer() {
    stopping_ = true;
    thread_.join();
  }
  std::uint16_t port() const { return port_; }
  int echoed() const { return echoed_.load(); }

 private:
  Fd fd_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> echoed_{0};
  std::thread thread_;
};

}  // namespace rtk::plugins::socks::test
