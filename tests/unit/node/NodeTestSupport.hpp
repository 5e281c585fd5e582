// Helpers for the node suites: a quiet test log, polling with a deadline,
// Core construction on loopback, and IPv6 packets built by hand.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "core/node/Core.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/log.hpp"

namespace rtk::test {

inline Log nodeTestLog(const std::string& name) {
  // Warnings and errors only, on stderr: a passing run stays quiet.
  // RTK_TEST_DEBUG=1 in the environment logs everything (debugging a failure).
  static auto logger = std::make_shared<Logger>(Logger::stderrSink(),
                                                std::getenv("RTK_TEST_DEBUG") ? LogLevel::Trace : LogLevel::Warn);
  return Log(logger, name);
}

inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// Calls `ask` until it does not throw Errc::Timeout, at most `total` long.
// A request sent right after two nodes peer may be lost, exactly as in
// yggdrasil-go: the path lookup goes out before the peer's bloom filter
// covers the destination, and neither ironwood nor NodeInfo resends it.
template <typename F>
auto retryOnTimeout(F&& ask, std::chrono::milliseconds total) {
  auto deadline = std::chrono::steady_clock::now() + total;
  for (;;) {
    try {
      return ask();
    } catch (const Error& e) {
      if (e.code() != Errc::Timeout || std::chrono::steady_clock::now() >= deadline) throw;
    }
  }
}

// A Core with a fresh key; `config` as given (listeners, peers, ...).
inline std::unique_ptr<core::node::Core> makeCore(const std::string& name, NodeConfig config = {}) {
  core::crypto::initSodium();
  core::node::CoreSettings settings{core::crypto::SigningKey::generate(), std::move(config), nodeTestLog(name)};
  return std::make_unique<core::node::Core>(std::move(settings));
}

// An IPv6 packet from `src` to `dst` with "no next header" (59) and
// `payload` after the 40-byte header.
inline core::Bytes ipv6Packet(const Ip6Address& src, const Ip6Address& dst, const std::string& payload) {
  core::Bytes p(40 + payload.size(), 0);
  p[0] = 0x60;
  p[4] = static_cast<std::uint8_t>(payload.size() >> 8);
  p[5] = static_cast<std::uint8_t>(payload.size());
  p[6] = 59;
  p[7] = 64;
  std::copy(src.bytes.begin(), src.bytes.end(), p.begin() + 8);
  std::copy(dst.bytes.begin(), dst.bytes.end(), p.begin() + 24);
  std::copy(payload.begin(), payload.end(), p.begin() + 40);
  return p;
}

}  // namespace rtk::test
