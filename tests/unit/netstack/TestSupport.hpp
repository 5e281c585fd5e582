// Helpers shared by the netstack suites: two netstacks joined by a pipe,
// SHA-256 over a stream, deterministic payloads, checksum verification.
#pragma once

#include <openssl/evp.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "PacketPipe.hpp"
#include "netstack/Netstack.hpp"
#include "ratatoskr/log.hpp"

namespace rtk::netstack::test {

inline Log testLog(const std::string& name) {
  // Warnings and errors only, on stderr: a passing run stays quiet.
  static auto logger = std::make_shared<Logger>(Logger::stderrSink(), LogLevel::Warn);
  return Log(logger, name);
}

// Two netstacks (A at 200:1::1, B at 200:1::2) joined by one pipe.
struct TwoNodes {
  explicit TwoNodes(std::uint32_t seed = 1, std::uint64_t mtu = 65535) : pipe(seed) {
    endA = &pipe.addEnd(testAddress(1), mtu);
    endB = &pipe.addEnd(testAddress(2), mtu);
    a = std::make_unique<Netstack>(*endA, testLog("netstack-a"));
    b = std::make_unique<Netstack>(*endB, testLog("netstack-b"));
  }
  std::string addrA(std::uint16_t port) const { return formatEndpoint(Endpoint{testAddress(1), port}); }
  std::string addrB(std::uint16_t port) const { return formatEndpoint(Endpoint{testAddress(2), port}); }

  PacketPipe pipe;
  PipeEnd* endA;
  PipeEnd* endB;
  std::unique_ptr<Netstack> a, b;
};

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }
  ~Sha256() { EVP_MD_CTX_free(ctx_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, std::size_t size) { EVP_DigestUpdate(ctx_, data, size); }
  std::array<std::uint8_t, 32> digest() {
    std::array<std::uint8_t, 32> out{};
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx_, out.data(), &n);
    return out;
  }

 private:
  EVP_MD_CTX* ctx_;
};

// Deterministic, non-repeating bytes: block i of a stream seeded by `seed`.
inline void fillPattern(std::vector<std::uint8_t>& buf, std::uint64_t seed, std::uint64_t block) {
  std::uint64_t x = seed * 0x9e3779b97f4a7c15ull + block * 0xbf58476d1ce4e5b9ull + 1;
  for (std::size_t i = 0; i < buf.size(); ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    buf[i] = static_cast<std::uint8_t>(x >> 24);
  }
}

// The Internet checksum of the IPv6 pseudo-header plus the upper-layer
// packet (RFC 8200 section 8.1); 0 when the packet's own checksum is right.
inline std::uint16_t ip6UpperChecksum(const std::vector<std::uint8_t>& packet) {
  std::uint64_t sum = 0;
  auto add16 = [&](std::size_t off, std::size_t end) {
    for (std::size_t i = off; i < end; i += 2) {
      std::uint16_t w = static_cast<std::uint16_t>(packet[i] << 8);
      if (i + 1 < end) w |= packet[i + 1];
      sum += w;
    }
  };
  const std::size_t upperLen = packet.size() - 40;
  add16(8, 40);  // source and destination
  sum += upperLen >> 16;
  sum += upperLen & 0xffff;
  sum += packet[6];  // next header
  add16(40, packet.size());
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

inline double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace rtk::netstack::test
