#include "core/router/Pathfinder.hpp"

#include "core/router/Router.hpp"

namespace rtk::core::router {

namespace {
std::uint64_t unixSeconds() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}
}  // namespace

void Pathfinder::init() { info_.sign(*router_.signer_); }

void Pathfinder::handleLookup(const PublicKey& fromKey, const wire::PathLookup& lookup) {
  router_.blooms_.sendMulticast(lookup, fromKey, lookup.dest);
  const PublicKey& self = router_.self_;
  if (router_.blooms_.xKey(lookup.dest) != router_.blooms_.xKey(self)) return;
  // We are (a node with) the key looked up: answer towards the requester.
  wire::PathNotify notify;
  notify.path = lookup.from;
  notify.watermark = ~std::uint64_t{0};
  notify.source = self;
  notify.dest = lookup.source;
  notify.info.seq = unixSeconds();
  notify.info.path = router_.pathOf(self);
  if (!info_.sameContent(notify.info)) {
    // Re-sign only when the coordinates or the second changed.
    notify.info.sign(*router_.signer_);
    info_ = notify.info;
  } else {
    notify.info = info_;
  }
  handleNotify(self, notify, true);
}

void Pathfinder::handleNotify(const PublicKey& /*fromKey*/, wire::PathNotify& notify, bool verified) {
  if (Peer* next = router_.lookup(notify.path, notify.watermark)) {
    next->sendQueued(std::move(notify));
    return;
  }
  if (notify.dest != router_.self_) return;
  const auto now = Clock::now();
  const auto timeout = router_.config_.pathTimeout;
  auto it = paths_.find(notify.source);
  if (it != paths_.end()) {
    PathInfo& info = it->second;
    if (notify.info.seq <= info.seq) return;     // not newer
    if (notify.info.path == info.path) return;  // nothing new
    if (!verified) return;
    info.deadline = now + timeout;
  } else {
    auto rumor = rumors_.find(router_.blooms_.xKey(notify.source));
    if (rumor == rumors_.end()) return;  // we never asked
    if (!verified) return;
    if (paths_.size() >= router_.config_.limits.maxPaths) {
      router_.log_.debug("router: path limit reached, ignoring a notify");
      return;
    }
    it = paths_.emplace(notify.source, PathInfo{}).first;
    PathInfo& info = it->second;
    info.reqTime = now;
    info.deadline = now + timeout;
    armPathTimer(notify.source, info);
    if (rumor->second.traffic && rumor->second.traffic->dest == notify.source) {
      info.traffic = std::move(rumor->second.traffic);
      rumor->second.traffic.reset();
    }
  }
  PathInfo& info = it->second;
  info.path = notify.info.path;
  info.seq = notify.info.seq;
  info.broken = false;
  std::optional<wire::Traffic> pending;
  if (info.traffic) {
    pending = std::move(info.traffic);
    info.traffic.reset();
  }
  if (router_.config_.pathNotify) router_.config_.pathNotify(notify.source);
  // The newest packet for this destination goes out on the new path.
  if (pending) handleTraffic(std::move(*pending));
}

void Pathfinder::handleBroken(wire::PathBroken& broken) {
  if (Peer* next = router_.lookup(broken.path, broken.watermark)) {
    next->sendQueued(std::move(broken));
    return;
  }
  if (broken.source != router_.self_) return;
  auto it = paths_.find(broken.dest);
  if (it == paths_.end()) return;
  it->second.broken = true;
  sendLookup(broken.dest);
}

void Pathfinder::handleTraffic(wire::Traffic&& tr) {
  auto it = paths_.find(tr.dest);
  if (it != paths_.end()) {
    PathInfo& info = it->second;
    tr.path = info.path;
    tr.from = router_.pathOf(router_.self_);
    // Keep a copy of the newest packet to resend if the path changes; the
    // cached buffer is reused, so this costs a copy, not an allocation.
    if (!info.traffic) info.traffic.emplace();
    wire::Traffic& cached = *info.traffic;
    cached.path = tr.path;
    cached.from = tr.from;
    cached.source = tr.source;
    cached.dest = tr.dest;
    cached.watermark = tr.watermark;
    const ByteView payload = tr.payload.view();
    cached.payload.buffer.assign(payload.begin(), payload.end());
    cached.payload.offset = 0;
    router_.forwardTraffic(std::move(tr));
    return;
  }
  const PublicKey dest = tr.dest;
  if (!rumorLookup(dest)) return;  // rumor limit reached: dropped
  rumors_[router_.blooms_.xKey(dest)].traffic = std::move(tr);
}

void Pathfinder::doBroken(const wire::Traffic& tr) {
  wire::PathBroken broken{tr.from, ~std::uint64_t{0}, tr.source, tr.dest};
  handleBroken(broken);
}

void Pathfinder::resetTimeout(const PublicKey& key) {
  auto it = paths_.find(key);
  // A broken path must be renewed by a notify, not kept alive by traffic.
  if (it != paths_.end() && !it->second.broken) it->second.deadline = Clock::now() + router_.config_.pathTimeout;
}

void Pathfinder::rumorSendLookup(const PublicKey& dest) { rumorLookup(dest); }

bool Pathfinder::rumorLookup(const PublicKey& dest) {
  const PublicKey xform = router_.blooms_.xKey(dest);
  const auto now = Clock::now();
  auto it = rumors_.find(xform);
  if (it != rumors_.end()) {
    if (now - it->second.sendTime < router_.config_.pathThrottle) return true;
    it->second.sendTime = now;
    it->second.deadline = now + router_.config_.pathTimeout;
  } else {
    if (rumors_.size() >= router_.config_.limits.maxRumors) {
      router_.log_.debug("router: rumor limit reached, not looking up ", dest.hex().substr(0, 16));
      return false;
    }
    Rumor& rumor = rumors_[xform];
    rumor.sendTime = now;
    rumor.deadline = now + router_.config_.pathTimeout;
    armRumorTimer(xform, rumor);
  }
  sendLookup(dest);
  return true;
}

void Pathfinder::retryPendingLookups() {
  const auto now = Clock::now();
  std::vector<PublicKey> dests;  // collected first: a lookup may change rumors_
  for (auto& [xform, rumor] : rumors_) {
    if (!rumor.traffic || now - rumor.sendTime < router_.config_.pathThrottle) continue;
    rumor.sendTime = now;
    dests.push_back(rumor.traffic->dest);
  }
  for (const auto& dest : dests) sendLookup(dest);
}

void Pathfinder::sendLookup(const PublicKey& dest) {
  auto it = paths_.find(dest);
  if (it != paths_.end() && Clock::now() - it->second.reqTime < router_.config_.pathThrottle) return;
  wire::PathLookup lookup{router_.self_, dest, router_.pathOf(router_.self_)};
  handleLookup(router_.self_, lookup);
}

void Pathfinder::armPathTimer(const PublicKey& key, PathInfo& info) {
  const std::uint64_t gen = info.timerGen = nextGen_++;
  router_.loop_->postAfter(info.deadline - Clock::now(), [this, key, gen] { onPathTimer(key, gen); });
}

void Pathfinder::onPathTimer(const PublicKey& key, std::uint64_t gen) {
  auto it = paths_.find(key);
  if (it == paths_.end() || it->second.timerGen != gen) return;
  const auto now = Clock::now();
  if (now < it->second.deadline) {
    router_.loop_->postAfter(it->second.deadline - now, [this, key, gen] { onPathTimer(key, gen); });
    return;
  }
  paths_.erase(it);
}

void Pathfinder::armRumorTimer(const PublicKey& xform, Rumor& rumor) {
  const std::uint64_t gen = rumor.timerGen = nextGen_++;
  router_.loop_->postAfter(rumor.deadline - Clock::now(), [this, xform, gen] { onRumorTimer(xform, gen); });
}

void Pathfinder::onRumorTimer(const PublicKey& xform, std::uint64_t gen) {
  auto it = rumors_.find(xform);
  if (it == rumors_.end() || it->second.timerGen != gen) return;
  const auto now = Clock::now();
  if (now < it->second.deadline) {
    router_.loop_->postAfter(it->second.deadline - now, [this, xform, gen] { onRumorTimer(xform, gen); });
    return;
  }
  rumors_.erase(it);
}

std::vector<PathEntry> Pathfinder::snapshot() const {
  std::vector<PathEntry> out;
  out.reserve(paths_.size());
  for (const auto& [key, info] : paths_)
    out.push_back(PathEntry{key, std::vector<std::uint64_t>(info.path.begin(), info.path.end()), info.seq});
  return out;
}

}  // namespace rtk::core::router
