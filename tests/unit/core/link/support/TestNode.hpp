// A LinkManager with a fake router and captured logs: one side of a
// loopback link test.
#pragma once

#include <poll.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/ProcessCounters.hpp"
#include "common/TempDir.hpp"
#include "core/crypto/Ed25519.hpp"
#include "core/link/LinkManager.hpp"
#include "support/FakeRegistry.hpp"
#include "support/LogCapture.hpp"

namespace rtk::test {

class TestNode {
 public:
  explicit TestNode(std::vector<PublicKey> allowed = {}, core::link::LinkTiming timing = {},
                    core::link::InboundLimits inbound = {})
      : key(core::crypto::SigningKey::generate()) {
    core::link::LinkManagerSettings s{key, std::move(allowed), logs.log(), timing, inbound};
    links = std::make_unique<core::link::LinkManager>(s, registry);
  }
  ~TestNode() { links->stop(); }

  const PublicKey& publicKey() const { return key.publicKey(); }
  std::shared_ptr<FakeEndpoint> waitPeer(const PublicKey& remote, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return registry.waitFor(remote, timeout);
  }
  std::vector<PeerInfo> peers() const { return links->getPeers(); }
  std::optional<PeerInfo> peer(const std::string& uri) const {
    for (auto& p : peers())
      if (p.uri == uri) return p;
    return std::nullopt;
  }

  LogCapture logs;
  FakeRegistry registry;
  core::crypto::SigningKey key;
  std::unique_ptr<core::link::LinkManager> links;
};

// A plain TCP listener on 127.0.0.1 that the test drives by hand.
class RawListener {
 public:
  RawListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&sin), sizeof sin);
    ::listen(fd_, 64);
    socklen_t len = sizeof sin;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&sin), &len);
    port_ = ntohs(sin.sin_port);
  }
  ~RawListener() { ::close(fd_); }
  std::uint16_t port() const { return port_; }
  std::string uri(const std::string& scheme = "tcp") const { return scheme + "://127.0.0.1:" + std::to_string(port_); }
  // Accepts one connection within the timeout; -1 when none came.
  int accept(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return -1;
    return ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
  }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

inline bool readExact(int fd, std::uint8_t* buf, std::size_t n, std::chrono::milliseconds timeout) {
  std::size_t got = 0;
  while (got < n) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    ssize_t r = ::recv(fd, buf + got, n - got, 0);
    if (r <= 0) return false;
    got += static_cast<std::size_t>(r);
  }
  return true;
}

inline bool sendAll(int fd, core::ByteView data) {
  std::size_t off = 0;
  while (off < data.size()) {
    ssize_t w = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (w <= 0) return false;
    off += static_cast<std::size_t>(w);
  }
  return true;
}

}  // namespace rtk::test
