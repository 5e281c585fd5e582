#include "core/router/Router.hpp"

#include <sodium.h>

#include <algorithm>

#include "core/wire/Frame.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::router {

namespace {

// ironwood routerUnknownLatency: what a link's latency starts as (uint32 max
// in nanoseconds, about 4.3 s), so an unmeasured link is a poor parent.
constexpr std::chrono::nanoseconds kUnknownLatency{0xffffffffll};

std::string shortKey(const PublicKey& k) { return k.hex().substr(0, 16); }

// Keys met while walking a parent chain: a linear scan for the short chains
// real trees have, a hash set past that so a hostile deep chain stays linear.
class KeySet {
 public:
  bool contains(const PublicKey& k) const {
    if (!big_.empty()) return big_.count(k) != 0;
    return std::find(small_.begin(), small_.end(), k) != small_.end();
  }
  void insert(const PublicKey& k) {
    if (!big_.empty()) {
      big_.insert(k);
      return;
    }
    small_.push_back(k);
    if (small_.size() > 32) big_.insert(small_.begin(), small_.end());
  }

 private:
  std::vector<PublicKey> small_;
  std::unordered_set<PublicKey> big_;
};

template <class... F>
struct Overload : F... {
  using F::operator()...;
};
template <class... F>
Overload(F...) -> Overload<F...>;

}  // namespace

Router::Router(RouterConfig config)
    : config_(std::move(config)),
      log_(config_.log),
      blooms_(*this),
      pathfinder_(*this),
      sends_(config_.limits.maxPendingSends) {
  if (config_.signingKey.publicKey() == PublicKey{})
    throw Error(Errc::InvalidArgument, "router: a signing key is required");
  if (config_.maxMessageSize <= wire::Traffic::minimumOverhead() + 1)
    throw Error(Errc::InvalidArgument, "router: maxMessageSize leaves no room for traffic");
  crypto::initSodium();
  signer_ = std::make_shared<const crypto::SigningKey>(config_.signingKey);
  self_ = signer_->publicKey();
  loop_ = std::make_shared<EventLoop>("rtk-router");
  loop_->call([this] {
    pathfinder_.init();
    // ironwood router.init: become root right away, then every second.
    doRoot2_ = true;
    doMaintenance();
  });
  log_.debug("router: started as ", shortKey(self_));
}

Router::~Router() { stop(); }

void Router::stop() {
  if (stopping_.exchange(true)) {
    loop_->stop();
    return;
  }
  try {
    loop_->call([this] { shutdown(); });
  } catch (const Error& e) {
    log_.debug("router: stop: ", e.what());
  }
  loop_->stop();
}

void Router::shutdown() {
  stopped_ = true;
  for (auto& [key, list] : peers_) {
    for (auto& p : list) {
      p->state.removed = true;
      p->close("router: stopped");
      p->detach();
    }
  }
  peers_.clear();
  sent_.clear();
  ports_.clear();
  requests_.clear();
  responses_.clear();
  cache_.clear();
  trafficHandler_ = nullptr;
  log_.debug("router: stopped");
}

// ---- peers --------------------------------------------------------------

std::shared_ptr<PeerEndpoint> Router::addPeer(const PublicKey& key, std::uint8_t priority,
                                              std::shared_ptr<PeerTransport> transport) {
  if (key == self_) throw Error(Errc::InvalidArgument, "router: a peer cannot have our own key");
  if (!transport) throw Error(Errc::InvalidArgument, "router: addPeer needs a transport");
  auto t = transport;
  auto peer = loop_->call([&] {
    if (stopped_) throw Error(Errc::Closed, "router: stopped");
    return registerPeer(key, priority, std::move(t));
  });
  // Frames queued while registering did not wake the transport (it had no
  // endpoint yet); do it now that the caller gets one.
  transport->wakeWriter();
  return peer;
}

void Router::removePeer(const std::shared_ptr<PeerEndpoint>& endpoint) {
  auto peer = std::dynamic_pointer_cast<Peer>(endpoint);
  if (!peer) return;
  loop_->post([this, peer] { unregisterPeer(peer); });
}

std::shared_ptr<Peer> Router::registerPeer(const PublicKey& key, std::uint8_t priority,
                                           std::shared_ptr<PeerTransport> transport) {
  // ironwood peers.addPeer: every link to one key shares its port; a new key
  // takes the lowest free port from 1.
  auto existing = peers_.find(key);
  wire::PeerPort port = 1;
  if (existing != peers_.end() && !existing->second.empty()) {
    port = existing->second.front()->port();
  } else {
    while (ports_.count(port)) ++port;
  }
  auto peer = std::make_shared<Peer>(this, loop_, signer_, config_, Peer::Params{key, port, priority, nextOrder_++},
                                     std::move(transport));
  peer->state.lag = kUnknownLatency;
  if (existing == peers_.end()) {
    peers_[key];
    sent_[key];
    ports_[port] = key;
    blooms_.addInfo(key);
  } else {
    // Whatever the other links to this node carried, this one should too.
    for (const auto& k : sent_[key]) {
      auto info = infos_.find(k);
      if (info != infos_.end()) sendAnnounce(*peer, k, info->second);
    }
  }
  peers_[key].push_back(peer);
  auto req = requests_.find(key);
  if (req == requests_.end()) req = requests_.emplace(key, newReq()).first;
  peer->state.responded = false;
  peer->sendSigReq(req->second);
  blooms_.sendBloom(*peer);
  peer->publish(cost(*peer), PublicKey{});
  log_.debug("router: peer ", shortKey(key), " up on port ", port, " (priority ", int(priority), ")");
  return peer;
}

void Router::unregisterPeer(const std::shared_ptr<Peer>& peer) {
  if (peer->state.removed) return;
  peer->state.removed = true;
  const PublicKey key = peer->key();
  auto it = peers_.find(key);
  if (it != peers_.end()) {
    auto& list = it->second;
    list.erase(std::remove(list.begin(), list.end(), peer), list.end());
    if (list.empty()) {
      peers_.erase(it);
      sent_.erase(key);
      ports_.erase(peer->port());
      requests_.erase(key);
      responses_.erase(key);
      cache_.erase(key);
      blooms_.removeInfo(key);
    } else {
      // The remote side may have raced us with the link that went away.
      for (auto& p : list) blooms_.sendBloom(*p);
    }
  }
  peer->detach();
  log_.debug("router: peer ", shortKey(key), " on port ", peer->port(), " removed");
}

void Router::drainInbox(const std::shared_ptr<Peer>& peer) {
  std::vector<Inbound> batch;
  batch.swap(spareBatch_);
  peer->takeInbox(batch);
  if (!peer->state.removed && !stopped_) {
    for (auto& message : batch) {
      handleInbound(peer, message);
      if (peer->state.removed || stopped_) break;
    }
  }
  batch.clear();
  spareBatch_.swap(batch);
}

void Router::handleInbound(const std::shared_ptr<Peer>& peer, Inbound& message) {
  std::visit(Overload{
                 [&](wire::Announce& ann) { handleAnnounce(*peer, ann); },
                 [&](InboundSigRes& r) { handleResponse(*peer, r.res, r.rtt); },
                 [&](std::unique_ptr<wire::BloomFilter>& b) { blooms_.handleBloom(peer->key(), *b); },
                 [&](wire::PathLookup& lookup) {
                   // Lookups only travel along the tree.
                   if (blooms_.isOnTree(peer->key())) pathfinder_.handleLookup(peer->key(), lookup);
                 },
                 [&](InboundNotify& n) { pathfinder_.handleNotify(peer->key(), n.notify, n.verified); },
                 [&](wire::PathBroken& broken) { pathfinder_.handleBroken(broken); },
                 [&](wire::Traffic& tr) { forwardTraffic(std::move(tr)); },
             },
             message);
}

// ---- PacketNetwork ------------------------------------------------------

void Router::sendTraffic(const PublicKey& dest, OffsetBytes payload) {
  if (payload.size() > mtu()) {
    log_.trace("router: dropping ", payload.size(), " byte packet above the MTU");
    return;
  }
  switch (sends_.push(Send{dest, std::move(payload)})) {
    case QueuePush::Dropped:
      log_.trace("router: dropping a packet: ", config_.limits.maxPendingSends, " sends pending");
      return;
    case QueuePush::QueuedFirst:
      loop_->post([this] { drainSends(); });
      return;
    case QueuePush::Queued:
      return;
  }
}

void Router::drainSends() {
  sends_.drainInto(sendBatch_);
  for (auto& send : sendBatch_) {
    if (stopped_) break;
    wire::Traffic tr;
    tr.source = self_;
    tr.dest = send.dest;
    tr.watermark = ~std::uint64_t{0};
    tr.payload = std::move(send.payload);
    pathfinder_.handleTraffic(std::move(tr));
  }
  sendBatch_.clear();
}

void Router::setTrafficHandler(TrafficHandler handler) {
  loop_->call([&] { trafficHandler_ = std::move(handler); });
}

void Router::sendLookup(const PublicKey& key) {
  loop_->post([this, key] {
    if (!stopped_) pathfinder_.rumorSendLookup(key);
  });
}

std::uint64_t Router::mtu() const { return config_.maxMessageSize - (wire::Traffic::minimumOverhead() + 1); }

// ---- debug ----------------------------------------------------------------

SelfInfo Router::getSelf() const {
  SelfInfo s;
  s.key = self_;
  try {
    s.routingEntries = loop_->call([this] { return static_cast<std::uint64_t>(infos_.size()); });
  } catch (const Error&) {
  }
  return s;
}

std::vector<TreeEntry> Router::getTree() const {
  try {
    return loop_->call([this] {
      std::vector<TreeEntry> out;
      out.reserve(infos_.size());
      for (const auto& [key, info] : infos_) out.push_back(TreeEntry{key, info.parent, info.res.req.seq});
      std::sort(out.begin(), out.end(), [](const TreeEntry& a, const TreeEntry& b) { return a.key < b.key; });
      return out;
    });
  } catch (const Error&) {
    return {};
  }
}

std::vector<PathEntry> Router::getPaths() const {
  try {
    return loop_->call([this] { return pathfinder_.snapshot(); });
  } catch (const Error&) {
    return {};
  }
}

std::vector<PeerEndpointInfo> Router::getPeers() const {
  try {
    return loop_->call([this] {
      std::vector<PeerEndpointInfo> out;
      for (const auto& [key, list] : peers_)
        for (const auto& p : list) out.push_back(p->info());
      return out;
    });
  } catch (const Error&) {
    return {};
  }
}

std::pair<PublicKey, std::vector<std::uint64_t>> Router::getRootAndPath() const {
  try {
    return loop_->call([this] {
      auto [root, path] = rootAndPath(self_);
      return std::make_pair(root, std::vector<std::uint64_t>(path.begin(), path.end()));
    });
  } catch (const Error&) {
    return {};
  }
}

// ---- maintenance and the tree ----------------------------------------------

void Router::scheduleMaintenance() {
  loop_->postAfter(config_.maintenanceInterval, [this] { doMaintenance(); });
}

void Router::doMaintenance() {
  if (stopped_) return;
  doRoot2_ = doRoot2_ || doRoot1_;
  resetCache();
  fix();
  sendAnnounces();
  blooms_.doMaintenance();
  pathfinder_.retryPendingLookups();
  publishPeerInfo();
  scheduleMaintenance();
}

void Router::publishPeerInfo() {
  for (const auto& [key, list] : peers_) {
    PublicKey root;
    if (infos_.count(key)) root = rootAndDists(key).first;
    for (const auto& p : list) p->publish(cost(*p), root);
  }
}

std::uint64_t Router::cost(const Peer& p) const {
  // ironwood _getCost: whole milliseconds of the latency average, never 0
  // (it multiplies and divides).
  const auto ms = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(p.state.lag).count());
  return ms == 0 ? 1 : ms;
}

void Router::fix() {
  PublicKey bestRoot = self_, bestParent = self_;
  std::uint64_t bestCost = ~std::uint64_t{0};
  auto selfIt = infos_.find(self_);
  const PublicKey selfParent = selfIt != infos_.end() ? selfIt->second.parent : PublicKey{};

  // Does our current parent still lead to a better root than ourselves?
  if (auto parentLinks = peers_.find(selfParent); parentLinks != peers_.end()) {
    auto [root, dists] = rootAndDists(self_);
    if (root < bestRoot) {
      std::uint64_t c = ~std::uint64_t{0};
      for (const auto& p : parentLinks->second) c = std::min(c, dists[root] * cost(*p));
      bestRoot = root;
      bestParent = selfParent;
      bestCost = c;
    }
  }
  // Do we know a better root, or a cheaper parent for the same root?
  for (const auto& [pk, res] : responses_) {
    if (!infos_.count(pk)) continue;  // we do not know where this peer is
    auto [pRoot, pDists] = rootAndDists(pk);
    if (pDists.count(self_)) continue;  // its path to the root runs through us
    std::uint64_t c = ~std::uint64_t{0};
    if (auto links = peers_.find(pk); links != peers_.end())
      for (const auto& p : links->second) c = std::min(c, pDists[pRoot] * cost(*p));
    if (pRoot < bestRoot) {
      bestRoot = pRoot;
      bestParent = pk;
      bestCost = c;
    } else if (pRoot != bestRoot) {
      continue;
    }
    if ((refresh_ && c * 2 < bestCost) || (bestParent != selfParent && c < bestCost)) {
      bestRoot = pRoot;
      bestParent = pk;
      bestCost = c;
    }
  }
  if (refresh_ || doRoot1_ || doRoot2_ || selfParent != bestParent) {
    auto res = responses_.find(bestParent);
    if (res != responses_.end() && bestRoot != self_ && useResponse(bestParent, res->second)) {
      refresh_ = doRoot1_ = doRoot2_ = false;
      sendReqs();
    } else if (doRoot2_) {
      becomeRoot();
      refresh_ = doRoot1_ = doRoot2_ = false;
      sendReqs();
    } else if (!doRoot1_) {
      // Give a better parent one more round to show up before self-rooting.
      doRoot1_ = true;
    }
  }
}

void Router::sendAnnounces() {
  // ironwood _sendAnnounces: each peer gets whatever it has not had from us
  // of our own ancestry, then of its ancestry, root side first.
  const auto selfAnc = ancestry(self_);
  std::vector<PublicKey> toSend;
  for (auto& [peerKey, sent] : sent_) {
    toSend.clear();
    for (const auto& k : selfAnc)
      if (sent.insert(k).second) toSend.push_back(k);
    for (const auto& k : ancestry(peerKey))
      if (sent.insert(k).second) toSend.push_back(k);
    auto links = peers_.find(peerKey);
    if (links == peers_.end()) continue;
    for (const auto& k : toSend) {
      auto info = infos_.find(k);
      if (info == infos_.end()) continue;
      for (auto& p : links->second) sendAnnounce(*p, k, info->second);
    }
  }
}

void Router::sendAnnounce(Peer& p, const PublicKey& key, const Info& info) {
  wire::Announce ann{key, info.parent, info.res, info.sig};
  Bytes frame;
  wire::appendFrame(frame, wire::PacketType::Announce, ann);
  p.sendDirectFrame(wire::PacketType::Announce, std::move(frame));
}

void Router::sendReqs() {
  requests_.clear();
  responses_.clear();
  for (auto& [pk, list] : peers_) {
    const auto req = newReq();
    requests_[pk] = req;
    for (auto& p : list) {
      p->state.responded = false;
      p->sendSigReq(req);
    }
  }
}

wire::SigReq Router::newReq() {
  wire::SigReq req;
  randombytes_buf(&req.nonce, sizeof req.nonce);
  auto self = infos_.find(self_);
  req.seq = (self != infos_.end() ? self->second.res.req.seq : 0) + 1;
  return req;
}

bool Router::becomeRoot() {
  wire::Announce ann;
  ann.key = self_;
  ann.parent = self_;
  ann.res.req = newReq();
  ann.res.port = 0;
  ann.res.psig = signer_->sign(ann.res.bytesForSig(self_, self_));
  ann.sig = ann.res.psig;
  return update(ann);
}

bool Router::useResponse(const PublicKey& peerKey, const wire::SigRes& res) {
  wire::Announce ann;
  ann.key = self_;
  ann.parent = peerKey;
  ann.res = res;
  ann.sig = signer_->sign(res.bytesForSig(self_, peerKey));
  return update(ann);
}

void Router::handleResponse(Peer& p, const wire::SigRes& res, std::chrono::nanoseconds rtt) {
  auto reqIt = requests_.find(p.key());
  const wire::SigReq req = reqIt != requests_.end() ? reqIt->second : wire::SigReq{};
  if (req != res.req) return;
  responses_.try_emplace(p.key(), res);  // the first matching response per key
  if (p.state.responded) return;
  p.state.responded = true;
  // The latency average: new links start at twice their first round trip;
  // later samples move it by an eighth, capped at twice the old value.
  const auto lag = p.state.lag;
  if (lag == kUnknownLatency) {
    p.state.lag = rtt * 2;
  } else {
    p.state.lag = lag * 7 / 8 + std::min(rtt, lag * 2) / 8;
  }
}

void Router::handleAnnounce(Peer& p, const wire::Announce& ann) {
  auto sent = sent_.find(p.key());
  if (sent == sent_.end()) return;
  if (update(ann)) {
    // Our own info coming back from a peer means we restarted and our seq
    // went backwards: refresh as if the refresh timer had run out.
    if (ann.key == self_) refresh_ = true;
    sent->second.insert(ann.key);  // no point sending it back
    return;
  }
  auto known = infos_.find(ann.key);
  if (known == infos_.end()) return;  // refused by the tree size limit
  sent->second.insert(ann.key);
  const Info incoming{ann.parent, ann.res, ann.sig, {}, 0};
  // They sent something older or worse: tell that one link what we know.
  if (!incoming.sameAs(known->second)) sendAnnounce(p, ann.key, known->second);
}

bool Router::update(const wire::Announce& ann) {
  auto it = infos_.find(ann.key);
  if (it != infos_.end()) {
    // The ordering must be the same on every node, or peers would bounce
    // expired infos at each other forever (ironwood router._update).
    const Info& info = it->second;
    if (info.res.req.seq > ann.res.req.seq) return false;           // older
    if (info.res.req.seq == ann.res.req.seq) {
      if (info.parent < ann.parent) return false;                    // same seq, worse parent
      if (!(ann.parent < info.parent) && !(ann.res.req.nonce < info.res.req.nonce))
        return false;                                                // same seq and parent, not a lower nonce
    }
  } else if (ann.key != self_ && infos_.size() >= config_.limits.maxTreeInfos) {
    log_.debug("router: tree info limit reached, ignoring ", shortKey(ann.key));
    return false;
  }
  for (auto& [k, sent] : sent_) sent.erase(ann.key);
  resetCache();
  Info& info = infos_[ann.key];
  info.parent = ann.parent;
  info.res = ann.res;
  info.sig = ann.sig;
  info.deadline = Clock::now() + (ann.key == self_ ? config_.routerRefresh : config_.routerTimeout);
  if (info.timerGen == 0) armInfoTimer(ann.key, info);
  return true;
}

void Router::armInfoTimer(const PublicKey& key, Info& info) {
  const std::uint64_t gen = info.timerGen = nextTimerGen_++;
  loop_->postAfter(info.deadline - Clock::now(), [this, key, gen] { onInfoTimer(key, gen); });
}

void Router::onInfoTimer(const PublicKey& key, std::uint64_t gen) {
  auto it = infos_.find(key);
  if (it == infos_.end() || it->second.timerGen != gen) return;
  Info& info = it->second;
  const auto now = Clock::now();
  if (now < info.deadline) {  // updated since: wait for the new deadline
    loop_->postAfter(info.deadline - now, [this, key, gen] { onInfoTimer(key, gen); });
    return;
  }
  info.timerGen = 0;
  if (key == self_) {
    refresh_ = true;
    return;
  }
  infos_.erase(it);
  for (auto& [k, sent] : sent_) sent.erase(key);
  resetCache();
}

// ---- routing in tree space ---------------------------------------------------

void Router::forwardTraffic(wire::Traffic&& tr) {
  if (Peer* next = lookup(tr.path, tr.watermark)) {
    next->sendQueued(std::move(tr));
  } else if (tr.dest == self_) {
    pathfinder_.resetTimeout(tr.source);
    if (trafficHandler_) trafficHandler_(tr.source, std::move(tr.payload).take());
  } else {
    // Not for us and no closer hop: the sender's path is stale.
    pathfinder_.doBroken(tr);
  }
}

std::pair<PublicKey, std::unordered_map<PublicKey, std::uint64_t>> Router::rootAndDists(const PublicKey& dest) const {
  std::unordered_map<PublicKey, std::uint64_t> dists;
  PublicKey root;
  std::uint64_t d = 0;
  PublicKey next = dest;
  while (!dists.count(next)) {
    auto it = infos_.find(next);
    if (it == infos_.end()) break;
    root = next;
    dists[next] = d++;
    next = it->second.parent;
  }
  return {root, std::move(dists)};
}

std::pair<PublicKey, wire::PortPath> Router::rootAndPath(const PublicKey& dest) const {
  wire::PortPath ports;
  KeySet visited;
  PublicKey root;
  PublicKey next = dest;
  for (;;) {
    if (visited.contains(next)) return {dest, {}};  // a loop
    auto it = infos_.find(next);
    if (it == infos_.end()) return {dest, {}};  // a dead end
    root = next;
    visited.insert(next);
    if (next == it->second.parent) break;  // the root: its own port (0) is not part of the path
    ports.push_back(it->second.res.port);
    next = it->second.parent;
  }
  ports.reverse();
  return {root, std::move(ports)};
}

std::vector<PublicKey> Router::ancestry(const PublicKey& key) const {
  std::vector<PublicKey> anc;
  KeySet seen;
  PublicKey here = key;
  while (!seen.contains(here)) {
    auto it = infos_.find(here);
    if (it == infos_.end()) break;
    anc.push_back(here);
    seen.insert(here);
    here = it->second.parent;
  }
  std::reverse(anc.begin(), anc.end());
  return anc;
}

const wire::PortPath& Router::pathOf(const PublicKey& key) {
  auto it = cache_.find(key);
  if (it == cache_.end()) it = cache_.emplace(key, rootAndPath(key).second).first;
  return it->second;
}

std::uint64_t Router::dist(const wire::PortPath& destPath, const PublicKey& key) {
  const wire::PortPath& keyPath = pathOf(key);
  const std::size_t end = std::min(keyPath.size(), destPath.size());
  std::uint64_t d = keyPath.size() + destPath.size();
  for (std::size_t i = 0; i < end && keyPath[i] == destPath[i]; ++i) d -= 2;
  return d;
}

Peer* Router::lookup(const wire::PortPath& path, std::uint64_t& watermark) {
  // Our own distance must beat the watermark, and a next hop must beat ours:
  // tree distance alone decides which peers may be used, which keeps routes
  // loop-free whatever the link costs.
  std::uint64_t selfDist = dist(path, self_);
  if (selfDist >= watermark) return nullptr;
  watermark = selfDist;
  candidates_.clear();
  for (const auto& [k, links] : peers_)
    if (dist(path, k) < selfDist)
      for (const auto& p : links) candidates_.push_back(p.get());
  // Among those, the lowest cost per unit of distance gained; then the
  // greater distance gained; then the oldest link. Links to the same node
  // differ only in cost and priority: the lower priority wins outright.
  Peer* best = nullptr;
  std::uint64_t bestCpd = ~std::uint64_t{0}, bestDist = ~std::uint64_t{0};
  for (Peer* p : candidates_) {
    const std::uint64_t d = dist(path, p->key());
    const std::uint64_t cpd = cost(*p) / (selfDist - d);
    bool accept = false;
    if (!best) {
      accept = true;
    } else if (p->key() == best->key() && p->priority() != best->priority()) {
      accept = p->priority() < best->priority();
    } else if (cpd != bestCpd) {
      accept = cpd < bestCpd;
    } else if (d != bestDist) {
      accept = d < bestDist;
    } else {
      accept = p->order() < best->order();
    }
    if (accept) {
      best = p;
      bestCpd = cpd;
      bestDist = d;
    }
  }
  return best;
}

}  // namespace rtk::core::router
