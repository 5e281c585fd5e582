#include "core/router/PacketQueue.hpp"

#include <algorithm>

#include "core/wire/Frame.hpp"

namespace rtk::core::router {

namespace {
constexpr std::size_t kMaxIdleFlows = 16;
constexpr std::size_t kCompactAfterTombstones = 1024;

template <class>
constexpr wire::PacketType typeOf = wire::PacketType::Dummy;
template <>
constexpr wire::PacketType typeOf<wire::PathLookup> = wire::PacketType::PathLookup;
template <>
constexpr wire::PacketType typeOf<wire::PathNotify> = wire::PacketType::PathNotify;
template <>
constexpr wire::PacketType typeOf<wire::PathBroken> = wire::PacketType::PathBroken;
template <>
constexpr wire::PacketType typeOf<wire::Traffic> = wire::PacketType::Traffic;
}  // namespace

wire::PacketType packetType(const QueuedPacket& packet) {
  return std::visit([](const auto& p) { return typeOf<std::decay_t<decltype(p)>>; }, packet);
}

const PublicKey& packetSource(const QueuedPacket& packet) {
  return std::visit([](const auto& p) -> const PublicKey& { return p.source; }, packet);
}

const PublicKey& packetDest(const QueuedPacket& packet) {
  return std::visit([](const auto& p) -> const PublicKey& { return p.dest; }, packet);
}

std::size_t packetSize(const QueuedPacket& packet) {
  return std::visit([](const auto& p) { return p.size(); }, packet);
}

void appendPacketFrame(Bytes& out, const QueuedPacket& packet) {
  std::visit([&out](const auto& p) { wire::appendFrame(out, typeOf<std::decay_t<decltype(p)>>, p); }, packet);
}

void PacketQueue::push(QueuedPacket packet, std::size_t size, Clock::time_point now) {
  FlowKey key{packetDest(packet), packetSource(packet)};
  auto [it, inserted] = flows_.try_emplace(key);
  Flow& flow = it->second;
  Dest& dest = dests_[key.dest];
  if (inserted) {
    flow.key = key;
    dest.flows.push_back(&flow);
  } else if (flow.refs == 0) {
    --idleFlows_;
  }
  const std::uint64_t seq = nextSeq_++;
  flow.items.push(Item{seq, now, size, std::move(packet)});
  flow.bytes += size;
  ++flow.refs;
  dest.bytes += size;
  order_.push(OrderRef{&flow, seq});
  ++packets_;
  bytes_ += size;
}

std::optional<PacketQueue::Entry> PacketQueue::pop() {
  skipTombstones();
  if (order_.empty()) return std::nullopt;
  Flow* flow = order_.pop().flow;
  Item item = flow->items.pop();
  flow->bytes -= item.size;
  dests_[flow->key.dest].bytes -= item.size;
  --packets_;
  bytes_ -= item.size;
  release(flow);
  return Entry{std::move(item.packet), item.size, item.time};
}

std::optional<PacketQueue::Clock::time_point> PacketQueue::oldestTime() {
  skipTombstones();
  if (order_.empty()) return std::nullopt;
  return order_.front().flow->items.front().time;
}

bool PacketQueue::dropOne() {
  if (packets_ == 0) return false;
  Dest* dest = nullptr;
  for (auto& [key, d] : dests_)
    if (d.bytes > 0 && (!dest || d.bytes > dest->bytes)) dest = &d;
  Flow* flow = nullptr;
  for (Flow* f : dest->flows)
    if (f->bytes > 0 && (!flow || f->bytes > flow->bytes)) flow = f;
  Item item = flow->items.pop();
  flow->bytes -= item.size;
  dest->bytes -= item.size;
  --packets_;
  bytes_ -= item.size;
  ++tombstones_;  // its order_ entry stays until pop() or compact() passes it
  if (tombstones_ > kCompactAfterTombstones && tombstones_ > packets_) compact();
  return true;
}

void PacketQueue::clear() {
  order_.clear();
  dests_.clear();
  flows_.clear();
  packets_ = 0;
  bytes_ = 0;
  tombstones_ = 0;
  idleFlows_ = 0;
}

void PacketQueue::skipTombstones() {
  while (!order_.empty() && !live(order_.front())) {
    Flow* flow = order_.pop().flow;
    --tombstones_;
    release(flow);
  }
}

void PacketQueue::compact() {
  order_.retain([this](const OrderRef& ref) {
    if (live(ref)) return true;
    --tombstones_;
    release(ref.flow);
    return false;
  });
}

void PacketQueue::release(Flow* flow) {
  if (--flow->refs > 0) return;
  // Every queued item holds a reference, so the flow is empty now.
  if (idleFlows_ < kMaxIdleFlows) {
    ++idleFlows_;
    return;
  }
  forget(flow);
}

void PacketQueue::forget(Flow* flow) {
  const FlowKey key = flow->key;
  auto d = dests_.find(key.dest);
  auto& flows = d->second.flows;
  flows.erase(std::find(flows.begin(), flows.end(), flow));
  if (flows.empty()) dests_.erase(d);
  flows_.erase(key);
}

}  // namespace rtk::core::router
