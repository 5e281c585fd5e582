// What the probe engine gives back: a crawl (BFS over the peers graph), a
// tree path, a route trace. Plain values; ProbeJson.hpp has their JSON forms.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ratatoskr/types.hpp"

namespace rtk::probe {

// Fixed limits (the Go probe's).
inline constexpr std::size_t kMaxKeysPerReply = 1024;          // more are dropped, with a warning
inline constexpr std::size_t kMaxReplyBytes = 1024 * 1024;     // a bigger reply is refused
inline constexpr std::size_t kMaxFlights = 256;                // distinct remote calls at once
inline constexpr int kDefaultConcurrency = 16;
inline constexpr int kMaxConcurrency = 256;

struct CrawlOptions {
  int maxDepth = 0;      // required: >= 1
  int concurrency = 0;   // <= 0: 16; > 256: 256
  std::size_t maxNodes = 4096;  // the root excluded
  int attempts = 2;             // remote calls per node when they time out (a first contact may be lost)
};

struct CrawlNode {
  PublicKey key;
  PublicKey parent;  // the node whose reply listed it first (in sorted order); the root for depth 1
  int depth = 0;
  std::chrono::nanoseconds rtt{0};  // peer latency at depth 1, then the duration of its own remote call
  bool queried = false;             // a remote call was made (nodes of the last level are not)
  bool unreachable = false;         // its remote call failed
  std::size_t peers = 0;            // keys its reply listed
};

// Per level: its depth, the nodes found there, all nodes so far.
struct CrawlLevel {
  int depth = 0;
  std::size_t found = 0;
  std::size_t total = 0;
  bool truncated = false;
};

struct CrawlResult {
  PublicKey root;
  CrawlOptions options;
  std::vector<CrawlNode> nodes;  // in BFS order, root excluded
  std::vector<CrawlLevel> levels;
  bool truncated = false;        // stopped at maxNodes
  std::string error;             // set when it ended early (busy, closed, deadline): the result is partial
  std::chrono::nanoseconds elapsed{0};
  std::size_t remoteCalls = 0;
};

// One port of the target's tree coordinates (root first). `from` is the node
// the port belongs to, when the local tree knows it; a port is matched to one
// of our up peers only when `from` is this node — anywhere else the same
// number is another node's port.
struct TraceHop {
  std::size_t index = 0;
  std::uint64_t port = 0;
  std::optional<PublicKey> from, to;
  std::optional<PublicKey> localPeer;
  std::optional<std::chrono::nanoseconds> rtt;  // of `to`, when known and it answered
};

struct TracePathNode {
  PublicKey key;
  std::optional<std::chrono::nanoseconds> rtt;  // none for the root and for us
  bool unreachable = false;
};

struct TraceResult {
  PublicKey self;
  PublicKey target;
  bool lookupSent = false;
  std::vector<TracePathNode> path;  // root … target from the local tree; empty when it does not know it
  std::vector<TraceHop> hops;       // from the target's path (getPaths); empty when none known
  std::optional<std::chrono::nanoseconds> rtt;  // the target's own round trip
  std::string error;                // a partial result's reason
  std::chrono::nanoseconds elapsed{0};
};

}  // namespace rtk::probe
