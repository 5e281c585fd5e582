// Peer — the router's side of one link (PeerEndpoint), after ironwood
// network/peers.go (peer, peerWriter).
//
// Inbound: handleFrame() runs on the link's reactor thread. It decodes the frame,
// checks what must be checked before the real node would accept it (sigres
// and announce signatures, the announce port-0 rule), answers a sigreq
// itself (the answer needs only this link's port and our key), and hands
// everything else to the router in batches: frames collect in an inbox and
// one task drains it on the router thread. While the inbox is full the link
// reads no more (acceptsFrames) until the router takes the batch and wakes
// its reader — TCP backpressure, as ironwood's actors give, without
// blocking a reactor thread that serves other links too.
//
// Outbound: two queues, both taken by takeOutbound() on the link's reactor thread.
//   direct — sigreq, sigres, announce, bloom: pre-encoded frames in FIFO
//            order, never dropped. Taken first.
//   queued — lookup, notify, broken, traffic: the fair PacketQueue. When its
//            oldest packet has waited longer than queueDropDelay, each push
//            drops one packet (ironwood peers.go _push).
//
// Thread-safety: handleFrame/takeOutbound/info from the link's reactor thread (any
// thread, in fact); the send* and router-state members only from the router
// thread. Internal locks are leaves: no callback runs under them.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "core/crypto/Ed25519.hpp"
#include "core/router/Fifo.hpp"
#include "core/router/PacketQueue.hpp"
#include "core/router/PeerPorts.hpp"
#include "core/router/RouterConfig.hpp"
#include "core/util/BoundedQueue.hpp"
#include "core/util/EventLoop.hpp"
#include "core/wire/Announce.hpp"
#include "core/wire/BloomFilter.hpp"
#include "core/wire/SigRes.hpp"
#include "ratatoskr/log.hpp"

namespace rtk::core::router {

class Router;

// A decoded, verified frame waiting for the router thread.
struct InboundSigRes {
  wire::SigRes res;
  std::chrono::nanoseconds rtt{0};
};
struct InboundNotify {
  wire::PathNotify notify;
  bool verified = false;  // the source's signature was checked (only done when dest is us)
};
using Inbound = std::variant<wire::Announce, InboundSigRes, std::unique_ptr<wire::BloomFilter>, wire::PathLookup,
                             InboundNotify, wire::PathBroken, wire::Traffic>;

class Peer final : public PeerEndpoint, public std::enable_shared_from_this<Peer> {
 public:
  struct Params {
    PublicKey key;
    wire::PeerPort port = 0;
    std::uint8_t priority = 0;
    std::uint64_t order = 0;  // connection order, for tie-breaks (older wins)
  };

  // Router thread, from Router::addPeer. `router` outlives every task this
  // peer posts to `loop` (the router stops the loop before it dies).
  Peer(Router* router, std::shared_ptr<EventLoop> loop, std::shared_ptr<const crypto::SigningKey> signer,
       const RouterConfig& config, Params params, std::shared_ptr<PeerTransport> transport);

  // ---- PeerEndpoint (link's reactor thread) ----
  void handleFrame(ByteView frame) override;
  bool acceptsFrames() override;
  std::size_t takeOutbound(Bytes& out, std::size_t maxBytes) override;
  PeerEndpointInfo info() const override;

  // ---- immutable ----
  const PublicKey& key() const { return params_.key; }
  wire::PeerPort port() const { return params_.port; }
  std::uint8_t priority() const { return params_.priority; }
  std::uint64_t order() const { return params_.order; }

  // ---- router thread (sendDirectFrame: any thread) ----
  void sendSigReq(const wire::SigReq& req);
  // A complete frame (length prefix included) for the direct queue.
  void sendDirectFrame(wire::PacketType type, Bytes frame);
  void sendQueued(QueuedPacket packet);
  // Replaces `batch` with the pending inbox and wakes the link's reader if
  // acceptsFrames() turned it away.
  void takeInbox(std::vector<Inbound>& batch);
  // Removed from the router: drop queues, forget the transport, release a
  // caller waiting in handleFrame. Idempotent.
  void detach();
  // The router gave up on the link (or stopped).
  void close(const std::string& reason);
  void publish(std::uint64_t cost, const PublicKey& root);

  // Router-thread-only state (ironwood router.lags / router.responded).
  struct RouterState {
    std::chrono::nanoseconds lag{0};
    bool responded = false;
    bool removed = false;
  };
  RouterState state;

 private:
  struct DirectFrame {
    wire::PacketType type;
    Bytes frame;
  };
  static std::int64_t nowNs();
  [[noreturn]] void fail(const std::string& what) const;
  void deliver(Inbound message);
  template <class T>
  T decodeBody(ByteView body) const;
  void answerSigReq(const wire::SigReq& req);
  // Wakes the transport unless a wake is already outstanding.
  void wake(std::unique_lock<std::mutex>& lock);

  Router* router_;
  std::shared_ptr<EventLoop> loop_;
  std::shared_ptr<const crypto::SigningKey> signer_;
  PublicKey selfKey_;
  Params params_;
  std::uint64_t maxMessageSize_;
  RouterLimits limits_;
  std::chrono::milliseconds queueDropDelay_;
  rtk::Log log_;
  std::string name_;  // "peer <key prefix> port N" for messages

  // Outbound, guarded by outMutex_.
  mutable std::mutex outMutex_;
  std::shared_ptr<PeerTransport> transport_;
  Fifo<DirectFrame> direct_;
  std::size_t directBytes_ = 0;
  PacketQueue queue_;
  bool wakePending_ = true;  // addPeer wakes the transport once it has returned the endpoint
  bool detached_ = false;

  // Inbound frames for the router. The link asks acceptsFrames() before each
  // frame, so it stops at limits.maxInboxFrames; the queue's budget is twice
  // that, where a caller that does not ask waits (pushWaiting).
  BoundedQueue<Inbound> inbox_;
  std::atomic<bool> readerPaused_{false};  // acceptsFrames() said no since the last takeInbox

  // For getPeers.
  std::atomic<std::int64_t> sigReqSentNs_;
  std::atomic<std::int64_t> sigResRecvNs_{0};
  std::atomic<std::uint64_t> cost_{0};
  mutable std::mutex rootMutex_;
  PublicKey root_;
};

}  // namespace rtk::core::router
