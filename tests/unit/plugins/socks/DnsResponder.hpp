// DnsResponder — a small authoritative DNS server for the resolver's tests,
// on 127.0.0.1 (UDP and TCP on one port): AAAA answers from a table,
// NXDOMAIN otherwise, optionally truncated over UDP (to force the TCP
// fallback) or held back until release() (to test coalescing).
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ratatoskr/net.hpp"
#include "util/Fd.hpp"

namespace rtk::plugins::socks::test {

class DnsResponder {
 public:
  DnsResponder() {
    udp_.reset(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    tcp_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(udp_.get(), reinterpret_cast<sockaddr*>(&sin), sizeof sin);
    socklen_t len = sizeof sin;
    ::getsockname(udp_.get(), reinterpret_cast<sockaddr*>(&sin), &len);
    port_ = ntohs(sin.sin_port);
    int one = 1;
    ::setsockopt(tcp_.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    ::bind(tcp_.get(), reinterpret_cast<sockaddr*>(&sin), sizeof sin);
    ::listen(tcp_.get(), 16);
    int p[2];
    if (::pipe2(p, O_CLOEXEC) == 0) {
      stopRead_.reset(p[0]);
      stopWrite_.reset(p[1]);
    }
    thread_ = std::thread([this] { run(); });
  }
  ~DnsResponder() {
    release();
    [[maybe_unused]] auto n = ::write(stopWrite_.get(), "x", 1);
    thread_.join();
  }

  std::uint16_t port() const { return port_; }
  void set(const std::string& name, std::vector<std::pair<std::string, std::uint32_t>> addressesAndTtls) {
    std::lock_guard lock(mutex_);
    records_[name] = std::move(addressesAndTtls);
  }
  void truncateUdp(bool on) { truncate_ = on; }
  void hold() {
    std::lock_guard lock(mutex_);
    held_ = true;
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      held_ = false;
    }
    released_.notify_all();
  }
  int udpQueries() const { return udpQueries_.load(); }
  int tcpQueries() const { return tcpQueries_.load(); }

 private:
  static std::string nameOf(const std::string& query) {
    std::string name;
    for (std::size_t i = 12; i < query.size() && query[i] != 0;) {
      std::size_t len = static_cast<unsigned char>(query[i]);
      if (!name.empty()) name += '.';
      name += query.substr(i + 1, len);
      i += len + 1;
    }
    return name;
  }

  std::string answer(const std::string& query, bool udp) {
    std::unique_lock lock(mutex_);
    released_.wait(lock, [this] { return !held_; });
    auto it = records_.find(nameOf(query));
    std::string out = query.substr(0, 2);
    const bool tc = udp && truncate_;
    const std::size_t count = (it == records_.end() || tc) ? 0 : it->second.size();
    out += static_cast<char>(0x84 | (tc ? 0x02 : 0) | 0x01);
    out += static_cast<char>(it == records_.end() ? 0x83 : 0x80);
    out += std::string("\x00\x01\x00", 3) + static_cast<char>(count) + std::string(4, '\0');
    out += query.substr(12);
    for (std::size_t i = 0; i < count; ++i) {
      out += std::string("\xc0\x0c\x00\x1c\x00\x01", 6);
      std::uint32_t ttl = it->second[i].second;
      out += static_cast<char>(ttl >> 24);
      out += static_cast<char>(ttl >> 16);
      out += static_cast<char>(ttl >> 8);
      out += static_cast<char>(ttl);
      out += std::string("\x00\x10", 2);
      Ip6Address a = *parseAddress(it->second[i].first);
      out.append(reinterpret_cast<const char*>(a.bytes.data()), 16);
    }
    return out;
  }

  void run() {
    pollfd fds[3] = {{udp_.get(), POLLIN, 0}, {tcp_.get(), POLLIN, 0}, {stopRead_.get(), POLLIN, 0}};
    for (;;) {
      if (::poll(fds, 3, -1) <= 0) continue;
      if (fds[2].revents) return;
      if (fds[0].revents) {
        char buf[1500];
        sockaddr_in from{};
        socklen_t len = sizeof from;
        ssize_t n = ::recvfrom(udp_.get(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
        if (n > 12) {
          ++udpQueries_;
          std::string a = answer(std::string(buf, static_cast<std::size_t>(n)), true);
          ::sendto(udp_.get(), a.data(), a.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
        }
      }
      if (fds[1].revents) {
        Fd c(::accept(tcp_.get(), nullptr, nullptr));
        unsigned char lenBytes[2];
        if (::recv(c.get(), lenBytes, 2, MSG_WAITALL) == 2) {
          std::string q(static_cast<std::size_t>(lenBytes[0] << 8 | lenBytes[1]), '\0');
          if (::recv(c.get(), q.data(), q.size(), MSG_WAITALL) == static_cast<ssize_t>(q.size())) {
            ++tcpQueries_;
            std::string a = answer(q, false);
            std::string framed{static_cast<char>(a.size() >> 8), static_cast<char>(a.size() & 0xff)};
            framed += a;
            ::send(c.get(), framed.data(), framed.size(), MSG_NOSIGNAL);
          }
        }
      }
    }
  }

  Fd udp_, tcp_, stopRead_, stopWrite_;
  std::uint16_t port_ = 0;
  std::mutex mutex_;
  std::condition_variable released_;
  bool held_ = false;
  std::map<std::string, std::vector<std::pair<std::string, std::uint32_t>>> records_;
  std::atomic<bool> truncate_{false};
  std::atomic<int> udpQueries_{0}, tcpQueries_{0};
  std::thread thread_;
};

}  // namespace rtk::plugins::socks::test
