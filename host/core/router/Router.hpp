// Router — the Ironwood network layer of a node: the spanning tree (sigreq /
// sigres / announce), the bloom filters, the pathfinder and greedy routing
// in tree space, reproducing Debian's ironwood network package (router.go,
// bloomfilter.go, pathfinder.go, peers.go, packetconn.go, debug.go).
//
// Implements PeerRegistry (links attach here, see PeerPorts.hpp) and
// PacketNetwork (the session layer sends and receives through it).
//
// Threads: all router state is owned by one EventLoop, "rtk-router". Public
// methods may be called from any thread except where noted; they post work
// or use EventLoop::call. Callbacks (traffic handler, pathNotify) run on the
// router thread and must not block. Peers decode and verify on their link
// threads and hand the router batches (see Peer.hpp).
//
// Lifetime: stop() (or the destructor) closes every link, drops what is
// queued and joins the router thread. Endpoints handed out by addPeer stay
// valid objects afterwards but do nothing.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/router/Blooms.hpp"
#include "core/router/PacketNetwork.hpp"
#include "core/router/Pathfinder.hpp"
#include "core/router/Peer.hpp"
#include "core/router/PeerPorts.hpp"
#include "core/router/RouterConfig.hpp"
#include "core/util/BoundedQueue.hpp"
#include "core/util/EventLoop.hpp"
#include "ratatoskr/node_interface.hpp"

namespace rtk::core::router {

class Router final : public PeerRegistry, public PacketNetwork {
 public:
  // Starts the router thread; the node makes itself root at once, as
  // ironwood does. Throws Errc::InvalidArgument without a signing key.
  explicit Router(RouterConfig config);
  ~Router() override;
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Closes every link and joins the router thread. Idempotent. Not from the
  // router thread (i.e. not from a callback).
  void stop();

  const PublicKey& publicKey() const { return self_; }

  // ---- PeerRegistry ----
  // Throws Errc::InvalidArgument for our own key, Errc::Closed after stop().
  // Blocks until the router thread has registered the link; the caller must
  // not hold a lock that the transport's wakeWriter/closeTransport take.
  std::shared_ptr<PeerEndpoint> addPeer(const PublicKey& key, std::uint8_t priority,
                                        std::shared_ptr<PeerTransport> transport) override;
  void removePeer(const std::shared_ptr<PeerEndpoint>& endpoint) override;

  // ---- PacketNetwork ----
  void sendTraffic(const PublicKey& dest, OffsetBytes payload) override;
  void setTrafficHandler(TrafficHandler handler) override;
  void sendLookup(const PublicKey& key) override;
  // ironwood PacketConn.MTU: maxMessageSize minus a traffic header with
  // empty paths and the type byte.
  std::uint64_t mtu() const override;

  // ---- debug snapshots (any thread but the router's callbacks; block on
  // the router thread; empty after stop()) ----
  SelfInfo getSelf() const;
  std::vector<TreeEntry> getTree() const;
  std::vector<PathEntry> getPaths() const;
  std::vector<PeerEndpointInfo> getPeers() const;
  // Our coordinates (ports from the root), and the root we believe in.
  std::pair<PublicKey, std::vector<std::uint64_t>> getRootAndPath() const;

 private:
  friend class Peer;
  friend class Blooms;
  friend class Pathfinder;

  using Clock = std::chrono::steady_clock;
  using PeerList = std::vector<std::shared_ptr<Peer>>;

  // A node's tree position as we last accepted it (ironwood routerInfo),
  // with its lazily re-armed expiry (refresh for our own, timeout for others).
  struct Info {
    PublicKey parent;
    wire::SigRes res;
    crypto::Signature sig{};
    Clock::time_point deadline;
    std::uint64_t timerGen = 0;  // 0: no timer armed
    bool sameAs(const Info& o) const { return parent == o.parent && res == o.res && sig == o.sig; }
  };

  // ---- router thread ----
  void drainInbox(const std::shared_ptr<Peer>& peer);
  void drainSends();
  void handleInbound(const std::shared_ptr<Peer>& peer, Inbound& message);
  std::shared_ptr<Peer> registerPeer(const PublicKey& key, std::uint8_t priority,
                                     std::shared_ptr<PeerTransport> transport);
  void unregisterPeer(const std::shared_ptr<Peer>& peer);
  void shutdown();

  void doMaintenance();
  void scheduleMaintenance();
  void resetCache() { cache_.clear(); }
  std::uint64_t cost(const Peer& p) const;
  void fix();
  void sendAnnounces();
  void sendReqs();
  wire::SigReq newReq();
  bool becomeRoot();
  bool useResponse(const PublicKey& peerKey, const wire::SigRes& res);
  void handleResponse(Peer& p, const wire::SigRes& res, std::chrono::nanoseconds rtt);
  void handleAnnounce(Peer& p, const wire::Announce& ann);
  bool update(const wire::Announce& ann);
  void armInfoTimer(const PublicKey& key, Info& info);
  void onInfoTimer(const PublicKey& key, std::uint64_t gen);
  void sendAnnounce(Peer& p, const PublicKey& key, const Info& info);

  // Routing in tree space.
  void forwardTraffic(wire::Traffic&& tr);
  Peer* lookup(const wire::PortPath& path, std::uint64_t& watermark);
  std::uint64_t dist(const wire::PortPath& destPath, const PublicKey& key);
  const wire::PortPath& pathOf(const PublicKey& key);  // cached coordinates
  std::pair<PublicKey, std::unordered_map<PublicKey, std::uint64_t>> rootAndDists(const PublicKey& dest) const;
  std::pair<PublicKey, wire::PortPath> rootAndPath(const PublicKey& dest) const;
  std::vector<PublicKey> ancestry(const PublicKey& key) const;  // root first
  void publishPeerInfo();

  RouterConfig config_;
  std::shared_ptr<const crypto::SigningKey> signer_;
  PublicKey self_;
  rtk::Log log_;

  std::map<PublicKey, PeerList> peers_;                       // links per peer key
  std::map<PublicKey, std::unordered_set<PublicKey>> sent_;  // infos each peer key has from us
  std::map<wire::PeerPort, PublicKey> ports_;
  std::unordered_map<PublicKey, Info> infos_;
  std::unordered_map<PublicKey, wire::PortPath> cache_;  // coordinates, cleared on any tree change
  std::map<PublicKey, wire::SigReq> requests_;
  std::map<PublicKey, wire::SigRes> responses_;
  bool refresh_ = false;
  bool doRoot1_ = false;
  bool doRoot2_ = false;
  std::uint64_t nextOrder_ = 0;
  std::uint64_t nextTimerGen_ = 1;
  bool stopped_ = false;

  Blooms blooms_;
  Pathfinder pathfinder_;
  TrafficHandler trafficHandler_;
  std::vector<Peer*> candidates_;  // reused by lookup()
  std::vector<Inbound> spareBatch_;

  struct Send {
    PublicKey dest;
    OffsetBytes payload;
  };
  std::vector<Send> sendBatch_;  // router thread
  BoundedQueue<Send> sends_;     // sendTraffic → router thread, at most limits.maxPendingSends
  std::atomic<bool> stopping_{false};
  // Last member: destroyed (and its thread joined) first.
  std::shared_ptr<EventLoop> loop_;
};

}  // namespace rtk::core::router
