// A tiny SOCKS5 proxy for tests: CONNECT only, optional username/password,
// relays bytes both ways. Blocking sockets, one thread per connection, all
// joined by stop().
#pragma once

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rtk::test {

class SocksProxy {
 public:
  SocksProxy(std::string user = {}, std::string password = {}) : user_(std::move(user)), password_(std::move(password)) {
    listenFd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listenFd_, reinterpret_cast<sockaddr*>(&sin), sizeof sin);
    ::listen(listenFd_, 16);
    socklen_t len = sizeof sin;
    ::getsockname(listenFd_, reinterpret_cast<sockaddr*>(&sin), &len);
    port_ = ntohs(sin.sin_port);
    stopFd_ = ::eventfd(0, EFD_CLOEXEC);
    acceptThread_ = std::thread([this] { acceptLoop(); });
  }
  ~SocksProxy() { stop(); }

  std::uint16_t port() const { return port_; }
  int connections() const { return connections_.load(); }
  int authFailures() const { return authFailures_.load(); }
  std::string lastTarget() const {
    std::lock_guard lock(mutex_);
    return lastTarget_;
  }

  void stop() {
    if (stopped_.exchange(true)) return;
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(stopFd_, &one, sizeof one);
    acceptThread_.join();
    std::vector<std::thread> workers;
    {
      std::lock_guard lock(mutex_);
      workers.swap(workers_);
    }
    for (auto& t : workers) t.join();
    ::close(listenFd_);
    ::close(stopFd_);
  }

 private:
  void acceptLoop() {
    for (;;) {
      pollfd fds[2] = {{listenFd_, POLLIN, 0}, {stopFd_, POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) continue;
      if (fds[1].revents) return;
      int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ++connections_;
      std::lock_guard lock(mutex_);
      workers_.emplace_back([this, fd] { serve(fd); });
    }
  }

  bool readExact(int fd, std::uint8_t* buf, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
      pollfd fds[2] = {{fd, POLLIN, 0}, {stopFd_, POLLIN, 0}};
      if (::poll(fds, 2, 10000) <= 0 || fds[1].revents) return false;
      ssize_t r = ::recv(fd, buf + got, n - got, 0);
      if (r <= 0) return false;
      got += static_cast<std::size_t>(r);
    }
    return true;
  }
  bool writeAll(int fd, const std::uint8_t* buf, std::size_t n) {
    while (n > 0) {
      ssize_t w = ::send(fd, buf, n, MSG_NOSIGNAL);
      if (w <= 0) return false;
      buf += w;
      n -= static_cast<std::size_t>(w);
    }
    return true;
  }

  void serve(int client) {
    int upstream = -1;
    auto done = [&] {
      ::close(client);
      if (upstream >= 0) ::close(upstream);
    };
    std::uint8_t buf[512];
    if (!readExact(client, buf, 2) || buf[0] != 5 || !readExact(client, buf + 2, buf[1])) return done();
    std::uint8_t nmethods = buf[1];
    std::uint8_t want = user_.empty() ? 0x00 : 0x02;
    bool offered = false;
    for (int i = 0; i < nmethods; ++i) offered |= buf[2 + i] == want;
    std::uint8_t choice[2] = {5, offered ? want : std::uint8_t(0xff)};
    if (!writeAll(client, choice, 2) || !offered) return done();
    if (want == 0x02) {
      if (!readExact(client, buf, 2) || buf[0] != 1) return done();
      std::string user(buf[1], '\0');
      if (!readExact(client, reinterpret_cast<std::uint8_t*>(user.data()), user.size())) return done();
      if (!readExact(client, buf, 1)) return done();
      std::string pass(buf[0], '\0');
      if (!readExact(client, reinterpret_cast<std::uint8_t*>(pass.data()), pass.size())) return done();
      bool ok = user == user_ && pass == password_;
      std::uint8_t status[2] = {1, std::uint8_t(ok ? 0 : 1)};
      writeAll(client, status, 2);
      if (!ok) {
        ++authFailures_;
        return done();
      }
    }
    if (!readExact(client, buf, 4) || buf[1] != 1) return done();
    std::string host;
    if (buf[3] == 1) {
      if (!readExact(client, buf, 4)) return done();
      char text[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, buf, text, sizeof text);
      host = text;
    } else if (buf[3] == 4) {
      if (!readExact(client, buf, 16)) return done();
      char text[INET6_ADDRSTRLEN];
      inet_ntop(AF_INET6, buf, text, sizeof text);
      host = text;
    } else if (buf[3] == 3) {
      if (!readExact(client, buf, 1)) return done();
      host.resize(buf[0]);
      if (!readExact(client, reinterpret_cast<std::uint8_t*>(host.data()), host.size())) return done();
    } else {
      return done();
    }
    if (!readExact(client, buf, 2)) return done();
    std::uint16_t port = std::uint16_t(buf[0] << 8 | buf[1]);
    {
      std::lock_guard lock(mutex_);
      lastTarget_ = host + ":" + std::to_string(port);
    }
    addrinfo hints{}, *res = nullptr;
    hints.ai_socktype = SOCK_STREAM;
    if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) == 0 && res) {
      upstream = ::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (::connect(upstream, res->ai_addr, res->ai_addrlen) != 0) {
        ::close(upstream);
        upstream = -1;
      }
      ::freeaddrinfo(res);
    }
    std::uint8_t reply[10] = {5, std::uint8_t(upstream >= 0 ? 0 : 5), 0, 1, 127, 0, 0, 1, 0, 0};
    if (!writeAll(client, reply, sizeof reply) || upstream < 0) return done();
    for (;;) {
      pollfd fds[3] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}, {stopFd_, POLLIN, 0}};
      if (::poll(fds, 3, -1) < 0) continue;
      if (fds[2].revents) break;
      std::uint8_t data[16384];
      if (fds[0].revents) {
        ssize_t r = ::recv(client, data, sizeof data, 0);
        if (r <= 0 || !writeAll(upstream, data, static_cast<std::size_t>(r))) break;
      }
      if (fds[1].revents) {
        ssize_t r = ::recv(upstream, data, sizeof data, 0);
        if (r <= 0 || !writeAll(client, data, static_cast<std::size_t>(r))) break;
      }
    }
    done();
  }

  std::string user_, password_;
  int listenFd_ = -1, stopFd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopped_{false};
  std::atomic<int> connections_{0}, authFailures_{0};
  mutable std::mutex mutex_;
  std::string lastTarget_;
  std::vector<std::thread> workers_;
  std::thread acceptThread_;
};

}  // namespace rtk::test
