// ProxyCounters — what the proxy counts, for its snapshot (the admin
// command getSocks and the ratatoskr.socks/1 service). Cumulative counters
// only grow; gauges go up and down.
// Thread-safety: atomics, any thread.
#pragma once

#include <atomic>
#include <cstdint>

namespace rtk::plugins::socks {

struct ProxyCounters {
  // cumulative
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> handshakeFailures{0};   // bad input, timeouts, refused authentication
  std::atomic<std::uint64_t> evictedHandshakes{0};   // closed to make room at MaxConnections
  std::atomic<std::uint64_t> dialFailures{0};
  std::atomic<std::uint64_t> tunnels{0};              // CONNECT sessions that reached their destination
  std::atomic<std::uint64_t> associations{0};         // UDP ASSOCIATE sessions
  std::atomic<std::uint64_t> rejectedAssociateTargets{0};
  std::atomic<std::uint64_t> droppedAssociatePackets{0};
  std::atomic<std::uint64_t> bytesUp{0};              // client to destination
  std::atomic<std::uint64_t> bytesDown{0};
  // gauges
  std::atomic<std::int64_t> handshakes{0};
  std::atomic<std::int64_t> activeTunnels{0};
  std::atomic<std::int64_t> activeAssociations{0};
  std::atomic<std::int64_t> associateTargets{0};
  std::atomic<std::int64_t> pendingAssociateTargets{0};
};

}  // namespace rtk::plugins::socks
