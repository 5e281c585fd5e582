// The boundary between the link layer (sockets, handshake, framing) and the
// router (Ironwood protocol state). Neither side includes the other's
// implementation; the core wires them together and tests use fakes.
//
//   link (reactor thread)               router
//   ----------                          ------
//   handshake ok ──addPeer(key,prio,transport)──▶ PeerRegistry
//                ◀────────── PeerEndpoint ───────
//   frame read   ──handleFrame(frame)──────────▶ PeerEndpoint (decode, verify, post)
//   writable     ──takeOutbound(out,max)───────▶ PeerEndpoint (queued frames)
//                ◀────────── wakeWriter() ─────── PeerTransport (frames queued)
//   socket dead  ──removePeer(endpoint)────────▶ PeerRegistry
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/util/Bytes.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::core::router {

// Implemented by the link layer, one per connected link.
class PeerTransport {
 public:
  virtual ~PeerTransport() = default;
  // Frames are waiting in the endpoint's queues; call takeOutbound() when the
  // socket can take more. Thread-safe, non-blocking, may be called often.
  virtual void wakeWriter() = 0;
  // The endpoint's inbox has room again after acceptsFrames() said no: read
  // on. Thread-safe, non-blocking. Transports that never ask need not care.
  virtual void wakeReader() {}
  // Close the link (the router gave up on it). Thread-safe, idempotent.
  virtual void closeTransport(const std::string& reason) = 0;
};

// Router-side view of one link, for getPeers.
struct PeerEndpointInfo {
  PublicKey key;
  std::uint64_t port = 0;
  std::uint8_t priority = 0;
  std::uint64_t cost = 0;
  std::chrono::nanoseconds latency{0};
  PublicKey root;  // zero when unknown
};

// Implemented by the router, one per connected link.
class PeerEndpoint {
 public:
  virtual ~PeerEndpoint() = default;
  // Link thread: one frame, type byte first, length prefix removed. Decodes
  // and verifies it and posts the result to the router. Throws
  // rtk::Error(Errc::Protocol) with the reason when the real node would close
  // the link (undecodable packet, bad signature, unknown type, empty frame).
  virtual void handleFrame(ByteView frame) = 0;
  // Link thread, before each frame: false while the router is behind on
  // this peer's frames. The link then stops reading (TCP backpressure,
  // without blocking its thread, which serves other links) until
  // wakeReader(). A caller that hands frames over regardless waits inside
  // handleFrame once twice as many are queued.
  virtual bool acceptsFrames() = 0;
  // Link thread: appends queued frames, each with its uvarint length prefix,
  // to `out` until it holds about `maxBytes` or the queues are empty.
  // Returns the number of frames appended.
  virtual std::size_t takeOutbound(Bytes& out, std::size_t maxBytes) = 0;
  // Any thread.
  virtual PeerEndpointInfo info() const = 0;
};

// Implemented by the router.
class PeerRegistry {
 public:
  virtual ~PeerRegistry() = default;
  // Any thread, after a successful handshake. The router starts its protocol
  // exchange (sigreq, bloom) right away by queueing frames and waking the
  // transport. Throws Errc::Closed after the router stopped.
  virtual std::shared_ptr<PeerEndpoint> addPeer(const PublicKey& key, std::uint8_t priority,
                                                std::shared_ptr<PeerTransport> transport) = 0;
  // Any thread, when the link is gone. Idempotent.
  virtual void removePeer(const std::shared_ptr<PeerEndpoint>& endpoint) = 0;
};

}  // namespace rtk::core::router
