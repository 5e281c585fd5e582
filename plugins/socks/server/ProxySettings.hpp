// ProxySettings — what the proxy server runs with (filled from
// Modules.socks by Settings.cpp; defaults are the Go proxy's).
// A duration of 0 means "no limit".
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "protocol/Handshake.hpp"

namespace rtk::plugins::socks {

struct ListenSpec {
  enum class Protocol { Socks, Http };
  std::string address;  // "127.0.0.1:1080", "[::1]:1080" or a Unix socket path
  Protocol protocol = Protocol::Socks;
};

struct AssociateLimits {
  std::size_t maxTargetsPerSession = 128;    // 0: no cap per association
  std::size_t maxTargetsPerPrincipal = 0;    // 0: no cap per user / client address
  std::size_t maxTargets = 1024;             // over all associations
  std::size_t maxQueuedPacketsPerTarget = 64;
  std::size_t maxQueuedBytesPerTarget = 65536;
  std::chrono::milliseconds targetIdle{30000};
  std::chrono::milliseconds targetWriteTimeout{10000};
};

struct ProxySettings {
  std::vector<ListenSpec> listen;
  std::size_t maxConnections = 256;  // handshakes, tunnels and associations together
  std::chrono::milliseconds handshakeTimeout{10000};
  std::chrono::milliseconds dialTimeout{10000};
  std::chrono::milliseconds idleTimeout{300000};
  bool verbose = false;
  UserTable users;  // empty: no authentication
  AssociateLimits associate;
};

}  // namespace rtk::plugins::socks
