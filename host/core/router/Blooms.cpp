#include "core/router/Blooms.hpp"

#include "core/router/Router.hpp"
#include "core/wire/Frame.hpp"

namespace rtk::core::router {

namespace {
// ironwood resends an unchanged filter after this many maintenance rounds.
constexpr std::uint16_t kResendRounds = 3600;
}  // namespace

PublicKey Blooms::xKey(const PublicKey& key) const {
  const auto& transform = router_.config_.bloomTransform;
  return transform ? transform(key) : key;
}

bool Blooms::isOnTree(const PublicKey& key) const {
  auto it = blooms_.find(key);
  return it != blooms_.end() && it->second.onTree;
}

void Blooms::addInfo(const PublicKey& key) { blooms_[key] = Info{}; }

void Blooms::removeInfo(const PublicKey& key) { blooms_.erase(key); }

void Blooms::handleBloom(const PublicKey& from, const wire::BloomFilter& bloom) {
  auto it = blooms_.find(from);
  if (it != blooms_.end()) it->second.recv = bloom;
}

void Blooms::sendBloom(Peer& peer) {
  auto it = blooms_.find(peer.key());
  const wire::BloomFilter empty;
  Bytes frame;
  wire::appendFrame(frame, wire::PacketType::BloomFilter, it != blooms_.end() ? it->second.send : empty);
  peer.sendDirectFrame(wire::PacketType::BloomFilter, std::move(frame));
}

void Blooms::sendTo(const PublicKey& key, const wire::BloomFilter& bloom) {
  auto links = router_.peers_.find(key);
  if (links == router_.peers_.end() || links->second.empty()) return;
  Bytes frame;
  wire::appendFrame(frame, wire::PacketType::BloomFilter, bloom);
  for (auto& p : links->second) p->sendDirectFrame(wire::PacketType::BloomFilter, frame);
}

void Blooms::doMaintenance() {
  fixOnTree();
  sendAllBlooms();
}

void Blooms::fixOnTree() {
  auto self = router_.infos_.find(router_.self_);
  if (self == router_.infos_.end()) return;
  for (auto& [pk, pbi] : blooms_) {
    const bool wasOn = pbi.onTree;
    pbi.onTree = false;
    if (self->second.parent == pk) {
      pbi.onTree = true;
    } else if (auto info = router_.infos_.find(pk); info != router_.infos_.end() && info->second.parent == router_.self_) {
      pbi.onTree = true;
    }
    if (wasOn && !pbi.onTree) {
      // Off the tree: send a blank filter, so that if the link rejoins the
      // tree it does not start out with stale bits.
      pbi.send = wire::BloomFilter{};
      sendTo(pk, pbi.send);
    }
  }
}

std::pair<wire::BloomFilter, bool> Blooms::bloomFor(const PublicKey& key, bool keepOnes) {
  Info& pbi = blooms_.at(key);
  wire::BloomFilter b;
  b.add(xKey(router_.self_).bytes);
  for (const auto& [k, other] : blooms_) {
    if (!other.onTree || k == key) continue;
    b.merge(other.recv);
  }
  bool zDirty = pbi.zDirty;
  if (keepOnes) {
    // Keep the 1 bits already sent (they may still be needed elsewhere);
    // clear them next round. 1s travel faster than 0s, against flapping.
    if (!zDirty) {
      const wire::BloomFilter fresh = b;
      b.merge(pbi.send);
      if (!(b == fresh)) zDirty = true;
    } else {
      b.merge(pbi.send);
    }
  } else {
    zDirty = false;
  }
  if (b == pbi.send) return {pbi.send, false};  // ironwood keeps the zDirty change only with a new filter
  pbi.send = b;
  pbi.zDirty = zDirty;
  return {b, true};
}

void Blooms::sendAllBlooms() {
  for (auto& [k, pbi] : blooms_) {
    if (!pbi.onTree) continue;
    auto [b, isNew] = bloomFor(k, !pbi.zDirty);
    ++pbi.seq;
    if (isNew || pbi.seq >= kResendRounds) {
      sendTo(k, b);
      pbi.seq = 0;
    }
  }
}

void Blooms::sendMulticast(const wire::PathLookup& lookup, const PublicKey& fromKey, const PublicKey& toKey) {
  const PublicKey x = xKey(toKey);
  for (const auto& [k, pbi] : blooms_) {
    if (!pbi.onTree || k == fromKey) continue;
    if (!pbi.recv.test(x.bytes)) continue;  // definitely not reachable through them
    auto links = router_.peers_.find(k);
    if (links == router_.peers_.end()) continue;
    Peer* best = nullptr;
    for (const auto& p : links->second)
      if (!best || p->priority() < best->priority()) best = p.get();
    if (best) best->sendQueued(lookup);
  }
}

std::vector<Blooms::Snapshot> Blooms::snapshot() const {
  std::vector<Snapshot> out;
  for (const auto& [k, pbi] : blooms_) out.push_back(Snapshot{k, pbi.send, pbi.recv, pbi.onTree});
  return out;
}

}  // namespace rtk::core::router
