// RouterConfig — everything a Router is built from. Defaults are the real
// node's (ironwood network/config.go as yggdrasil 0.5 sets it up in
// src/core/core.go); tests shorten the timings, nothing else should.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "core/crypto/Ed25519.hpp"
#include "core/wire/WireTypes.hpp"
#include "ratatoskr/log.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::core::router {

// Bounds on state that ironwood lets grow without limit (see README.md,
// "Hostile input"). Reaching one drops the newest input; nothing is evicted.
struct RouterLimits {
  std::size_t maxTreeInfos = 32768;       // announced tree entries (routerInfo)
  std::size_t maxPaths = 16384;           // pathfinder paths (known destinations)
  std::size_t maxRumors = 16384;          // pathfinder rumors (lookups in flight)
  std::size_t maxQueuedPackets = 16384;   // per peer, routed packet queue
  std::size_t maxQueuedBytes = 16u << 20;  // per peer, routed packet queue
  std::size_t maxDirectBytes = 4u << 20;  // per peer, protocol frames not yet taken; over it the link is closed
  std::size_t maxInboxFrames = 4096;      // per peer, decoded frames not yet handled; at it the link stops reading
  std::size_t maxPendingSends = 8192;     // sendTraffic calls not yet handled; over it sendTraffic drops
};

struct RouterConfig {
  crypto::SigningKey signingKey;
  // Applied to keys before bloom filtering and lookup matching. Empty means
  // identity; yggdrasil uses address::bloomTransform.
  std::function<PublicKey(const PublicKey&)> bloomTransform;
  // Called on the router thread when a path to `key` is learned or changes.
  // Must not block.
  std::function<void(const PublicKey& key)> pathNotify;

  std::chrono::milliseconds routerRefresh{std::chrono::minutes(4)};   // re-sign our tree position
  std::chrono::milliseconds routerTimeout{std::chrono::minutes(5)};   // forget others' positions
  std::chrono::milliseconds pathTimeout{std::chrono::minutes(1)};     // forget idle paths and rumors
  std::chrono::milliseconds pathThrottle{std::chrono::seconds(1)};    // lookups per destination
  std::chrono::milliseconds maintenanceInterval{std::chrono::seconds(1)};
  // A routed packet that has waited this long at the head of a peer's queue
  // makes the next push drop one (ironwood peers.go _push).
  std::chrono::milliseconds queueDropDelay{25};

  std::uint64_t maxMessageSize = wire::kMaxMessageSize;
  RouterLimits limits;
  rtk::Log log;
};

}  // namespace rtk::core::router
