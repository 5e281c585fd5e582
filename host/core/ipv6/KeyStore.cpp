#include "core/ipv6/KeyStore.hpp"

#include <algorithm>
#include <exception>

#include "ratatoskr/address.hpp"
#include "core/ipv6/Icmpv6.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::core::ipv6 {

#define RTK_KEYSTORE_COUNTERS(X)                                                                   \
  X(sent) X(buffered) X(lookups) X(flushed) X(bufferDrops) X(notIpv6) X(tooShort) X(tooLarge)     \
  X(badSource) X(badDestination) X(received) X(inNotTraffic) X(inNotIpv6) X(inTooShort)           \
  X(inTooBig) X(inBadDestination) X(inBadSource) X(inNoHandler)

struct KeyStore::AtomicCounters {
#define RTK_DECLARE(name) std::atomic<std::uint64_t> name{0};
  RTK_KEYSTORE_COUNTERS(RTK_DECLARE)
#undef RTK_DECLARE
};

namespace {

constexpr std::size_t kHeaderBytes = 40;

Ip6Address addressAt(ByteView p, std::size_t offset) {
  Ip6Address a;
  std::copy_n(p.begin() + static_cast<std::ptrdiff_t>(offset), 16, a.bytes.begin());
  return a;
}

// The /64 prefix of an address, tail zeroed: the form subnets are kept in.
Ip6Address prefix64(const Ip6Address& a) {
  Ip6Address s;
  std::copy_n(a.bytes.begin(), 8, s.bytes.begin());
  return s;
}

void bump(std::atomic<std::uint64_t>& c) { c.fetch_add(1, std::memory_order_relaxed); }

}  // namespace

KeyStore::KeyStore(const PublicKey& self, Hooks hooks, Options options, Log log)
    : hooks_(std::move(hooks)),
      log_(std::move(log)),
      address_(address::addressForKey(self)),
      subnet_(address::subnetForKey(self)),
      maxMtu_(options.maxMtuBytes),
      timeout_(options.entryTimeout),
      maxKeys_(std::max<std::size_t>(options.maxKeys, 1)),
      maxBuffered_(std::max<std::size_t>(options.maxBufferedPackets, 1)),
      maxBufferedBytes_(options.maxBufferedBytes),
      now_(std::move(options.now)),
      counters_(std::make_unique<AtomicCounters>()) {
  if (!hooks_.send || !hooks_.sendLookup)
    throw Error(Errc::InvalidArgument, "ipv6: keystore needs both the send and the sendLookup hooks");
}

KeyStore::~KeyStore() = default;

void KeyStore::setMtu(std::uint64_t mtuBytes) {
  // Same order as ipv6rwc's SetMTU: cap at the core MTU first, then raise to
  // the IPv6 minimum.
  mtuBytes = std::min(mtuBytes, maxMtu_);
  mtuBytes = std::max(mtuBytes, kMinMtu);
  mtu_.store(mtuBytes, std::memory_order_relaxed);
}

void KeyStore::setPacketHandler(PacketHandler handler) {
  auto h = handler ? std::make_shared<const PacketHandler>(std::move(handler)) : nullptr;
  std::lock_guard lock(handlerMutex_);
  handler_ = std::move(h);
}

KeyStore::Counters KeyStore::counters() const {
  Counters c;
#define RTK_COPY(name) c.name = counters_->name.load(std::memory_order_relaxed);
  RTK_KEYSTORE_COUNTERS(RTK_COPY)
#undef RTK_COPY
  return c;
}

std::size_t KeyStore::knownKeys() const {
  std::lock_guard lock(mutex_);
  return keys_.size();
}

std::size_t KeyStore::bufferedPackets() const {
  std::lock_guard lock(mutex_);
  return addressBuffers_.size() + subnetBuffers_.size();
}

// ---- tables (mutex_ held) -------------------------------------------------

void KeyStore::forgetKeyLocked(std::unordered_map<PublicKey, KeyEntry>::iterator it) {
  const PublicKey& key = it->first;
  // Another key may have taken over the address or subnet since; only
  // remove mappings that still point at this one.
  if (auto a = byAddress_.find(it->second.address); a != byAddress_.end() && a->second == key) byAddress_.erase(a);
  if (auto s = bySubnet_.find(it->second.subnet); s != bySubnet_.end() && s->second == key) bySubnet_.erase(s);
  keyLru_.erase(it->second.lru);
  keys_.erase(it);
}

void KeyStore::dropBufferLocked(const BufferRef& ref) {
  auto& map = ref.isSubnet ? subnetBuffers_ : addressBuffers_;
  auto it = map.find(ref.destination);
  if (it == map.end()) return;
  bufferedBytes_ -= it->second.packet.size();
  bufferLru_.erase(it->second.lru);
  map.erase(it);
}

void KeyStore::expireLocked(Clock::time_point now) {
  // Every entry lives the same time after its last use, so least recently
  // used order is expiry order: only the fronts need looking at.
  while (!keyLru_.empty()) {
    auto it = keys_.find(keyLru_.front());
    if (it->second.expires > now) break;
    forgetKeyLocked(it);
  }
  while (!bufferLru_.empty()) {
    const BufferRef ref = bufferLru_.front();
    auto& map = ref.isSubnet ? subnetBuffers_ : addressBuffers_;
    if (map.at(ref.destination).expires > now) break;
    dropBufferLocked(ref);
    bump(counters_->bufferDrops);
  }
}

void KeyStore::touchLocked(KeyEntry& e, Clock::time_point now) {
  e.expires = now + timeout_;
  keyLru_.splice(keyLru_.end(), keyLru_, e.lru);
}

const KeyStore::KeyEntry& KeyStore::updateLocked(const PublicKey& key, Clock::time_point now, Flush& flush) {
  auto it = keys_.find(key);
  if (it == keys_.end()) {
    if (keys_.size() >= maxKeys_) forgetKeyLocked(keys_.find(keyLru_.front()));
    KeyEntry e;
    e.address = address::addressForKey(key);
    e.subnet = address::subnetForKey(key);
    e.lru = keyLru_.insert(keyLru_.end(), key);
    it = keys_.emplace(key, e).first;
    byAddress_[e.address] = key;
    bySubnet_[e.subnet] = key;
    flush.key = key;
    for (bool isSubnet : {false, true}) {
      auto& map = isSubnet ? subnetBuffers_ : addressBuffers_;
      const Ip6Address& dest = isSubnet ? e.subnet : e.address;
      auto b = map.find(dest);
      if (b == map.end()) continue;
      flush.packets.push_back(std::move(b->second.packet));
      dropBufferLocked(BufferRef{isSubnet, dest});
    }
  }
  touchLocked(it->second, now);
  return it->second;
}

void KeyStore::bufferLocked(bool isSubnet, const Ip6Address& destination, Bytes packet, Clock::time_point now) {
  auto& map = isSubnet ? subnetBuffers_ : addressBuffers_;
  if (auto it = map.find(destination); it != map.end()) {
    // Only the newest packet is kept, as in ipv6rwc.
    dropBufferLocked(BufferRef{isSubnet, destination});
    bump(counters_->bufferDrops);
  }
  while (!bufferLru_.empty() &&
         (addressBuffers_.size() + subnetBuffers_.size() >= maxBuffered_ ||
          bufferedBytes_ + packet.size() > maxBufferedBytes_)) {
    dropBufferLocked(BufferRef(bufferLru_.front()));
    bump(counters_->bufferDrops);
  }
  if (packet.size() > maxBufferedBytes_) {
    bump(counters_->bufferDrops);
    return;
  }
  Buffered b;
  b.expires = now + timeout_;
  b.lru = bufferLru_.insert(bufferLru_.end(), BufferRef{isSubnet, destination});
  bufferedBytes_ += packet.size();
  b.packet = std::move(packet);
  map.emplace(destination, std::move(b));
  bump(counters_->buffered);
}

// ---- sending (no lock held) -----------------------------------------------

void KeyStore::sendPacket(const PublicKey& dest, OffsetBytes packet) {
  *packet.extendFront(1) = kSessionTraffic;
  hooks_.send(dest, std::move(packet));
  bump(counters_->sent);
}

void KeyStore::sendFlush(Flush& flush) {
  for (auto& p : flush.packets) {
    bump(counters_->flushed);
    sendPacket(flush.key, std::move(p));
  }
}

// ---- the two directions ---------------------------------------------------

void KeyStore::writePacket(OffsetBytes packet) {
  if (packet.empty() || (packet[0] & 0xf0) != 0x60) return bump(counters_->notIpv6);
  if (packet.size() < kHeaderBytes) return bump(counters_->tooShort);
  if (packet.size() > maxMtu_) return bump(counters_->tooLarge);
  const Ip6Address src = addressAt(packet.view(), 8), dst = addressAt(packet.view(), 24);
  if (src != address_ && prefix64(src) != subnet_) {
    // Routine for link-local traffic from the stack; not worth more than a trace.
    log_.trace("dropped outbound packet from ", formatAddress(src), ": not our address or subnet");
    return bump(counters_->badSource);
  }
  const bool toAddress = address::isValidAddress(dst);
  if (!toAddress && !address::isValidSubnet(dst)) return bump(counters_->badDestination);
  const Ip6Address dest = toAddress ? dst : prefix64(dst);

  const auto t = now();
  std::optional<PublicKey> key;
  {
    std::lock_guard lock(mutex_);
    expireLocked(t);
    auto& index = toAddress ? byAddress_ : bySubnet_;
    if (auto it = index.find(dest); it != index.end()) {
      key = it->second;
      touchLocked(keys_.at(*key), t);
    } else {
      bufferLocked(!toAddress, dest, std::move(packet).take(), t);
    }
  }
  if (key) return sendPacket(*key, std::move(packet));
  bump(counters_->lookups);
  hooks_.sendLookup(toAddress ? address::partialKeyForAddress(dest).key : address::partialKeyForSubnet(dest).key);
}

void KeyStore::pathNotify(const PublicKey& key) {
  Flush flush;
  {
    std::lock_guard lock(mutex_);
    const auto t = now();
    expireLocked(t);
    updateLocked(key, t, flush);
  }
  sendFlush(flush);
}

void KeyStore::handleMessage(const PublicKey& from, OffsetBytes message) {
  if (message.empty() || message[0] != kSessionTraffic) return bump(counters_->inNotTraffic);
  message.skip(1);
  OffsetBytes& packet = message;
  if (packet.empty() || (packet[0] & 0xf0) != 0x60) return bump(counters_->inNotIpv6);
  if (packet.size() < kHeaderBytes) return bump(counters_->inTooShort);
  const std::uint64_t mtuBytes = mtu();
  if (packet.size() > mtuBytes) {
    // ipv6rwc answers before looking at the addresses; the reply then goes
    // through the outbound checks, which drop it unless the original was
    // addressed to us.
    bump(counters_->inTooBig);
    writePacket(Icmpv6::packetTooBig(packet.view(), static_cast<std::uint32_t>(mtuBytes)));
    return;
  }
  const Ip6Address src = addressAt(packet.view(), 8), dst = addressAt(packet.view(), 24);
  if (dst != address_ && prefix64(dst) != subnet_) return bump(counters_->inBadDestination);

  Flush flush;
  Ip6Address senderAddress, senderSubnet;
  {
    std::lock_guard lock(mutex_);
    const auto t = now();
    expireLocked(t);
    const KeyEntry& e = updateLocked(from, t, flush);
    senderAddress = e.address;
    senderSubnet = e.subnet;
  }
  sendFlush(flush);
  if (src != senderAddress && prefix64(src) != senderSubnet) {
    log_.trace("dropped inbound packet from ", formatAddress(src), ": not the address of ", from.hex());
    return bump(counters_->inBadSource);
  }
  std::shared_ptr<const PacketHandler> handler;
  {
    std::lock_guard lock(handlerMutex_);
    handler = handler_;
  }
  if (!handler || !*handler) return bump(counters_->inNoHandler);
  bump(counters_->received);
  (*handler)(std::move(packet));
}

}  // namespace rtk::core::ipv6
