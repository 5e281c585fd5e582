// TestClient — a blocking client socket for the proxy's tests (TCP to
// 127.0.0.1:<port> or a Unix socket path), every read bounded by 5 s.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <string>

#include "SocksTestSupport.hpp"
#include "util/Fd.hpp"

namespace rtk::plugins::socks::test {

class TestClient {
 public:
  // "127.0.0.1:1234" or a Unix socket path.
  explicit TestClient(const std::string& address) {
    if (address.front() == '/') {
      fd_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
      sockaddr_un sun{};
      sun.sun_family = AF_UNIX;
      std::strncpy(sun.sun_path, address.c_str(), sizeof sun.sun_path - 1);
      connected_ = ::connect(fd_.get(), reinterpret_cast<sockaddr*>(&sun), sizeof sun) == 0;
    } else {
      fd_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
      sockaddr_in sin{};
      sin.sin_family = AF_INET;
      sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      sin.sin_port = htons(static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1))));
      connected_ = ::connect(fd_.get(), reinterpret_cast<sockaddr*>(&sin), sizeof sin) == 0;
    }
    timeval tv{5, 0};
    ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  bool connected() const { return connected_; }
  void send(const std::string& bytes) { ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  void sendHex(std::string_view hex) { send(hexText(hex)); }
  void closeWrite() { ::shutdown(fd_.get(), SHUT_WR); }
  // Exactly n bytes, or fewer when the connection ends or 5 s pass.
  std::string receive(std::size_t n) {
    std::string out;
    while (out.size() < n) {
      char buf[4096];
      ssize_t got = ::recv(fd_.get(), buf, std::min(sizeof buf, n - out.size()), 0);
      if (got <= 0) break;
      out.append(buf, static_cast<std::size_t>(got));
    }
    return out;
  }
  // True when the server closed the connection (EOF or reset) within waitMs.
  bool closedWithin(int waitMs) {
    pollfd p{fd_.get(), POLLIN, 0};
    if (::poll(&p, 1, waitMs) <= 0) return false;
    char b;
    return ::recv(fd_.get(), &b, 1, MSG_DONTWAIT) <= 0;
  }
  // True when nothing arrives within waitMs (and the connection is open).
  bool silentFor(int waitMs) {
    pollfd p{fd_.get(), POLLIN, 0};
    return ::poll(&p, 1, waitMs) == 0;
  }
  // The SOCKS5 reply to a request: 10 bytes for IPv4 BND, 22 for IPv6.
  std::string socksReply() {
    std::string head = receive(4);
    if (head.size() < 4) return head;
    return head + receive(head[3] == 4 ? 18 : 6);
  }

 private:
  Fd fd_;
  bool connected_ = false;
};

}  // namespace rtk::plugins::socks::test
