// LinkTiming — the time limits of links, defaulting to yggdrasil 0.5.12's.
// Tests shorten them; production code keeps the defaults.
#pragma once

#include <chrono>

#include "core/wire/WireTypes.hpp"

namespace rtk::core::link {

struct LinkTiming {
  // Per address: TCP connect plus the transport's own setup (TLS, SOCKS,
  // WebSocket upgrade). Go's dialers use 5 s.
  std::chrono::milliseconds dialTimeout{5000};
  // The metadata exchange (link.go's handshake deadline).
  std::chrono::milliseconds handshakeTimeout{6000};
  // Inbound TLS handshake or WebSocket upgrade (Go's HTTP server for ws
  // listeners allows 10 s to read a request).
  std::chrono::milliseconds inboundSetupTimeout{10000};
  std::chrono::milliseconds keepAliveDelay{wire::kPeerKeepAliveDelayMs};
  std::chrono::milliseconds peerTimeout{wire::kPeerTimeoutMs};
  // The redial backoff doubles from this unit (link.go: time.Second).
  std::chrono::nanoseconds backoffUnit = std::chrono::seconds(1);
};

}  // namespace rtk::core::link
