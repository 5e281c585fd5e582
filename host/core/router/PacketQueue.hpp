// PacketQueue — the per-peer fair queue for routed packets (lookups,
// notifies, path-broken and traffic), after ironwood network/packetqueue.go.
//
// Packets leave in arrival order. When the link falls behind, the owner
// calls dropOne(), which removes the oldest packet of the largest source
// stream within the largest destination (by queued bytes): one heavy sender
// cannot starve the others. Ironwood itself only drops when the head of the
// queue has waited over 25 ms (see Peer); on top of that we cap packets and
// bytes, which ironwood leaves unbounded.
//
// Thread-safety: none; the owning Peer locks around every call.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <variant>
#include <vector>

#include "core/router/Fifo.hpp"
#include "core/wire/PathBroken.hpp"
#include "core/wire/PathLookup.hpp"
#include "core/wire/PathNotify.hpp"
#include "core/wire/Traffic.hpp"
#include "core/wire/WireTypes.hpp"

namespace rtk::core::router {

using QueuedPacket = std::variant<wire::PathLookup, wire::PathNotify, wire::PathBroken, wire::Traffic>;

wire::PacketType packetType(const QueuedPacket& packet);
const PublicKey& packetSource(const QueuedPacket& packet);
const PublicKey& packetDest(const QueuedPacket& packet);
// Encoded body size (without the type byte).
std::size_t packetSize(const QueuedPacket& packet);
// Appends uvarint length || type || body.
void appendPacketFrame(Bytes& out, const QueuedPacket& packet);

class PacketQueue {
 public:
  using Clock = std::chrono::steady_clock;

  struct Entry {
    QueuedPacket packet;
    std::size_t size = 0;  // packetSize(), what the fairness accounting counts
    Clock::time_point time;
  };

  PacketQueue() = default;
  PacketQueue(const PacketQueue&) = delete;
  PacketQueue& operator=(const PacketQueue&) = delete;

  void push(QueuedPacket packet, std::size_t size, Clock::time_point now);
  // The oldest packet.
  std::optional<Entry> pop();
  // When the oldest packet was pushed.
  std::optional<Clock::time_point> oldestTime();
  // Removes the oldest packet from the largest source of the largest
  // destination; false when empty.
  bool dropOne();
  void clear();

  std::size_t packets() const { return packets_; }
  std::uint64_t bytes() const { return bytes_; }
  bool empty() const { return packets_ == 0; }

 private:
  struct Item {
    std::uint64_t seq;
    Clock::time_point time;
    std::size_t size;
    QueuedPacket packet;
  };
  struct FlowKey {
    PublicKey dest;
    PublicKey source;
    bool operator==(const FlowKey&) const = default;
  };
  struct FlowKeyHash {
    std::size_t operator()(const FlowKey& k) const noexcept {
      return std::hash<PublicKey>()(k.dest) ^ (std::hash<PublicKey>()(k.source) * 0x9e3779b97f4a7c15ull);
    }
  };
  struct Flow {
    FlowKey key;
    Fifo<Item> items;
    std::uint64_t bytes = 0;
    std::size_t refs = 0;  // entries in order_ naming this flow, live or dropped
  };
  struct Dest {
    std::uint64_t bytes = 0;
    std::vector<Flow*> flows;
  };
  // Arrival order across flows. A dropped packet leaves its entry behind
  // (a tombstone); pop() skips those, compact() clears them out.
  struct OrderRef {
    Flow* flow;
    std::uint64_t seq;
  };

  static bool live(const OrderRef& ref) {
    return !ref.flow->items.empty() && ref.seq >= ref.flow->items.front().seq;
  }
  void skipTombstones();
  void compact();
  void release(Flow* flow);  // one order_ reference fewer
  void forget(Flow* flow);

  std::unordered_map<FlowKey, Flow, FlowKeyHash> flows_;
  std::unordered_map<PublicKey, Dest> dests_;
  Fifo<OrderRef> order_;
  std::uint64_t nextSeq_ = 0;
  std::size_t packets_ = 0;
  std::uint64_t bytes_ = 0;
  std::size_t tombstones_ = 0;
  std::size_t idleFlows_ = 0;  // flows kept empty to avoid re-allocating them
};

}  // namespace rtk::core::router
