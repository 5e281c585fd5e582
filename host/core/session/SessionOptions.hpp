// SessionOptions — timing, bounds and test injection points of the session
// manager. Every default is the real node's behaviour (ironwood
// encrypted/session.go) except the bounds, which Ironwood does not have; see
// README.md, "Bounds".
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "core/crypto/Box.hpp"

namespace rtk::core::session {

struct SessionOptions {
  using Clock = std::chrono::steady_clock;

  // ---- timing (Ironwood's constants) -------------------------------------
  // A session with no traffic, init or ack for this long is forgotten.
  Clock::duration sessionTimeout = std::chrono::minutes(1);
  // The message buffered for a pending session is dropped this long after
  // the last write to it.
  Clock::duration bufferTimeout = std::chrono::minutes(1);
  // A session ratchets its keys forward on traffic under the remote's next
  // key only if it has never done so, or did so more than this long ago.
  Clock::duration rotationGuard = std::chrono::minutes(1);

  // ---- bounds (ours) -----------------------------------------------------
  // Sessions kept at once; beyond, the least recently used session that
  // never carried traffic is evicted first, else the least recently used.
  std::size_t maxSessions = 4096;
  // Destinations with a message waiting for a session, and the bytes those
  // messages hold; beyond either, the least recently written buffer goes.
  std::size_t maxBuffers = 1024;
  std::size_t maxBufferedBytes = 16u << 20;
  // Bytes (plus kQueueEntryCost per packet) posted to the session thread and
  // not yet handled, per direction; beyond, new packets are dropped.
  std::size_t maxQueuedInboundBytes = 32u << 20;
  std::size_t maxQueuedOutboundBytes = 32u << 20;
  // Inits we send in reaction to traffic we cannot use (unknown session,
  // out-of-sync keys, undecryptable box): a token bucket of this rate and
  // burst. 0 = unlimited, as Ironwood.
  double reactiveInitsPerSecond = 100;
  double reactiveInitBurst = 100;

  // ---- injection points for tests (empty = the real thing) ---------------
  std::function<Clock::time_point()> now;           // default Clock::now
  std::function<std::uint64_t()> unixSeconds;      // default: system clock, whole seconds
  std::function<crypto::BoxKeyPair()> newBoxKeys;  // default crypto::BoxKeyPair::generate
};

// Bookkeeping charge per queued packet, so floods of tiny packets are bounded too.
constexpr std::size_t kQueueEntryCost = 256;

}  // namespace rtk::core::session
