// Helpers shared by the socks plugin's suites: hex bytes, real captured
// messages, and MappedNetwork, an rtk::NetworkInterface whose dials reach
// real loopback sockets (a Yggdrasil endpoint mapped to 127.0.0.1:<port>),
// so the proxy and the resolver are tested with real sockets and bytes.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <poll.h>
#include <atomic>
#include <map>
#include <mutex>
#include <stdexcept>
#include <span>
#include <string>
#include <vector>

#include "ratatoskr/node_interface.hpp"
#include "util/SocketConn.hpp"

namespace rtk::plugins::socks::test {

inline std::vector<std::uint8_t> hexBytes(std::string_view hex) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoul(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

inline std::string hexText(std::string_view hex) {
  auto b = hexBytes(hex);
  return std::string(b.begin(), b.end());
}

inline std::span<const std::uint8_t> span(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// What curl 7.88 sends (captured with a listening socket, see the suites).
namespace curl {
inline constexpr std::string_view kGreeting = "05020001";                  // no auth, GSSAPI
inline constexpr std::string_view kGreetingWithUser = "0503000102";        // + username/password
inline constexpr std::string_view kAuthAliceSecret = "0105616c69636506733363726574";
inline constexpr std::string_view kRequestDomain = "050100030b6578616d706c652e7967670050";  // example.ygg:80
inline constexpr std::string_view kRequestIpv6 = "05010004020012340000000000000000000000010050";  // [200:1234::1]:80
inline constexpr std::string_view kRequestIpv4 = "050100010a01020301bb";   // 10.1.2.3:443
// --socks5-hostname to "abab…ab.pk.ygg:8080" (64 hex digits)
inline constexpr std::string_view kRequestPkYgg =
    "0501000347616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261"
    "626162616261626162616261622e706b2e7967671f90";
}  // namespace curl

// dnsmasq 2.89's answers to AAAA queries with ID 0x1234 (captured; TTL 0).
namespace dnsmasq {
inline constexpr std::string_view kQueryWww = "1234010000010000000000000377777704746573740379676700001c0001";
inline constexpr std::string_view kAnswerWww =  // www.test.ygg -> 200:1234::1
    "1234858000010001000000000377777704746573740379676700001c0001c00c001c000100000000001002001234000000000000000000000001";
inline constexpr std::string_view kQueryMulti = "123401000001000000000000056d756c746904746573740379676700001c0001";
inline constexpr std::string_view kAnswerMulti =  // multi.test.ygg -> 2001:db8::5, 300:abcd::7
    "123485800001000200000000056d756c746904746573740379676700001c0001c00c001c000100000000001020010db80000000000000000"
    "00000005c00c001c00010000000000100300abcd000000000000000000000007";
inline constexpr std::string_view kQueryClear = "12340100000100000000000005636c65617204746573740379676700001c0001";
inline constexpr std::string_view kAnswerClear =  // clear.test.ygg -> 2001:db8::9 only
    "12348580000100010000000005636c65617204746573740379676700001c0001c00c001c000100000000001020010db8000000000000000000000009";
inline constexpr std::string_view kQueryAlias = "12340100000100000000000005616c69617304746573740379676700001c0001";
inline constexpr std::string_view kAnswerAlias =  // alias.test.ygg CNAME www.test.ygg -> 200:1234::1
    "12348580000100020000000005616c69617304746573740379676700001c0001c00c0005000100000000000e03777777047465737403796767"
    "00c02c001c000100000000001002001234000000000000000000000001";
inline constexpr std::string_view kQueryMissing = "123401000001000000000000076d697373696e6704746573740379676700001c0001";
inline constexpr std::string_view kAnswerMissing =  // NXDOMAIN
    "123481830001000000000000076d697373696e6704746573740379676700001c0001";
}  // namespace dnsmasq

// Fails the test naming both texts unless `part` is in `text`.
inline void assertContains(const std::string& text, const std::string& part) {
  if (text.find(part) == std::string::npos)
    throw std::runtime_error("\"" + text + "\" lacks \"" + part + "\"");
}

inline Ip6Address ip6(const char* text) { return *parseAddress(text); }

// A node datagram socket backed by a UDP socket on 127.0.0.1: writeTo a
// mapped Yggdrasil endpoint goes to its local port; datagrams from a mapped
// local port come back as from that endpoint.
class MappedPacketConn final : public PacketConn {
 public:
  using Routes = std::function<std::optional<std::uint16_t>(const Endpoint&)>;
  using Reverse = std::function<Endpoint(std::uint16_t)>;
  MappedPacketConn(Routes routes, Reverse reverse) : routes_(std::move(routes)), reverse_(std::move(reverse)) {
    Fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd.get(), reinterpret_cast<sockaddr*>(&sin), sizeof sin);
    fd_ = std::move(fd);
  }
  std::size_t readFrom(void* data, std::size_t size, Endpoint& from) override {
    for (;;) {
      pollfd p{fd_.get(), POLLIN, 0};
      ::poll(&p, 1, 100);
      if (closed_) throw Error(Errc::Closed, "fake packet conn closed");
      if (!p.revents) continue;
      sockaddr_in sin{};
      socklen_t len = sizeof sin;
      ssize_t n = ::recvfrom(fd_.get(), data, size, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&sin), &len);
      if (n < 0) continue;
      from = reverse_(ntohs(sin.sin_port));
      return static_cast<std::size_t>(n);
    }
  }
  std::size_t writeTo(const void* data, std::size_t size, const Endpoint& to) override {
    auto port = routes_(to);
    if (!port) throw Error(Errc::Unreachable, "fake: no route to " + formatEndpoint(to));
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sin.sin_port = htons(*port);
    ::sendto(fd_.get(), data, size, 0, reinterpret_cast<sockaddr*>(&sin), sizeof sin);
    return size;
  }
  void close() override { closed_ = true; }
  void setReadDeadline(Deadline) override {}
  void setWriteDeadline(Deadline) override {}
  Endpoint localEndpoint() const override { return {}; }

 private:
  Routes routes_;
  Reverse reverse_;
  Fd fd_;
  std::atomic<bool> closed_{false};
};

// Dials reach 127.0.0.1:<port> for mapped endpoints; others fail Unreachable.
// The same map serves listenPacket's datagrams (MappedPacketConn).
class MappedNetwork final : public NetworkInterface {
 public:
  void map(const std::string& endpoint, std::uint16_t localPort) {
    std::lock_guard lock(mutex_);
    routes_[endpoint] = localPort;
  }
  int dials(const std::string& network) const {
    std::lock_guard lock(mutex_);
    auto it = dialCount_.find(network);
    return it == dialCount_.end() ? 0 : it->second;
  }

  std::unique_ptr<Conn> dial(std::string_view network, std::string_view address, const DialOptions&) override {
    std::uint16_t port;
    {
      std::lock_guard lock(mutex_);
      ++dialCount_[std::string(network)];
      auto it = routes_.find(std::string(address));
      if (it == routes_.end()) throw Error(Errc::Unreachable, "fake: no route to " + std::string(address));
      port = it->second;
    }
    const bool udp = network.rfind("udp", 0) == 0;
    Fd fd(::socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0));
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0) {
      if (errno == ECONNREFUSED) throw Error(Errc::Refused, "fake: " + std::string(address) + ": connection refused");
      throw Error(Errc::Io, "fake: connect: " + std::string(std::strerror(errno)));
    }
    return std::make_unique<SocketConn>(std::move(fd), "fake " + std::string(address));
  }
  std::unique_ptr<Listener> listen(std::string_view, std::string_view) override {
    throw Error(Errc::NotSupported, "fake: listen");
  }
  std::unique_ptr<PacketConn> listenPacket(std::string_view, std::string_view) override {
    return std::make_unique<MappedPacketConn>(
        [this](const Endpoint& e) -> std::optional<std::uint16_t> {
          std::lock_guard lock(mutex_);
          auto it = routes_.find(formatEndpoint(e));
          if (it == routes_.end()) return std::nullopt;
          return it->second;
        },
        [this](std::uint16_t port) {
          std::lock_guard lock(mutex_);
          for (const auto& [endpoint, local] : routes_)
            if (local == port) return parseEndpoint(endpoint);
          return Endpoint{};
        });
  }
  Ip6Address address() const override { return ip6("200::aa"); }
  Ip6Address subnet() const override { return ip6("300::"); }
  PublicKey publicKey() const override { return {}; }
  std::uint64_t mtu() const override { return 65535; }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::uint16_t> routes_;
  std::map<std::string, int> dialCount_;
};

}  // namespace rtk::plugins::socks::test
