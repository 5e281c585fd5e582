// KeyStore — the IPv6 packet layer of the node (yggdrasil ipv6rwc/ipv6rwc.go):
// the PacketInterface a network stack attaches to.
//
// Outbound (writePacket): a packet from our address or subnet to 200::/8 or
// 300::/8 goes to the key that address or subnet belongs to. Keys are
// learned from path notifications and from traffic we receive; until one is
// known the newest packet per destination address (or subnet) is kept and a
// path lookup for the partial key the address encodes is started. The
// packet goes out when a path notify for a matching key arrives or when we
// first hear from that key.
//
// Inbound (handleMessage): a packet for our address or subnet, from the
// address or subnet of the session key it came on, goes to the packet
// handler. One larger than our MTU is answered with ICMPv6 Packet Too Big
// instead, sent back through writePacket exactly as ipv6rwc does.
//
// Session messages carry yggdrasil's session type byte: the messages this
// class sends and receives start with 0x01 (IPv6 traffic), followed by the
// IPv6 packet. The node core demultiplexes on that byte and passes type-1
// messages over unchanged.
//
// Learned keys and buffered packets expire 2 minutes after their last use.
// Tables are bounded (Options): past maxKeys the least recently used key is
// forgotten; past maxBufferedPackets / maxBufferedBytes the oldest buffered
// packet is dropped.
//
// MTU: 1280 until setMtu() (ipv6rwc's safe default); setMtu clamps to
// [1280, maxMtu()], maxMtu being the core MTU. The node calls
// setMtu(NodeConfig::ifMTU) at start.
//
// Thread-safety: every function may be called from any thread, concurrently:
// writePacket from the netstack's lwIP thread, handleMessage from the session
// thread, pathNotify from the router's notifier. State is behind one mutex;
// hooks and the packet handler are called with no lock held, on the calling
// thread. Hooks must not block.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "core/ipv6/PacketInterface.hpp"
#include "core/util/Bytes.hpp"
#include "ratatoskr/log.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::core::ipv6 {

class KeyStore final : public PacketInterface {
 public:
  using Clock = std::chrono::steady_clock;

  static constexpr std::uint8_t kSessionTraffic = 1;   // yggdrasil typeSessionTraffic
  static constexpr std::uint64_t kMinMtu = 1280;

  struct Hooks {
    // Sends one session message (0x01 + IPv6 packet) to `dest`: the session
    // layer's writeTo. Required.
    std::function<void(const PublicKey& dest, OffsetBytes message)> send;
    // Starts a path lookup for a partial key (address::partialKeyForAddress /
    // partialKeyForSubnet of the destination). Required.
    std::function<void(const PublicKey& partialKey)> sendLookup;
  };

  struct Options {
    // The core MTU: the session MTU minus the type byte, at most 65535.
    std::uint64_t maxMtuBytes = 65535;
    Clock::duration entryTimeout = std::chrono::minutes(2);
    std::size_t maxKeys = 65536;
    std::size_t maxBufferedPackets = 1024;
    std::size_t maxBufferedBytes = 8u << 20;
    std::function<Clock::time_point()> now;  // tests substitute their clock
  };

  struct Counters {
    // writePacket
    std::uint64_t sent = 0;             // handed to the session layer
    std::uint64_t buffered = 0;         // kept while a lookup runs
    std::uint64_t lookups = 0;          // sendLookup calls
    std::uint64_t flushed = 0;          // buffered packets sent once the key was known
    std::uint64_t bufferDrops = 0;      // buffered packets replaced, expired or evicted
    std::uint64_t notIpv6 = 0;
    std::uint64_t tooShort = 0;         // shorter than the 40-byte header
    std::uint64_t tooLarge = 0;         // above the core MTU: the session layer could not carry it
    std::uint64_t badSource = 0;        // not from our address or subnet
    std::uint64_t badDestination = 0;   // not in 200::/8 or 300::/8
    // handleMessage
    std::uint64_t received = 0;         // delivered to the packet handler
    std::uint64_t inNotTraffic = 0;     // empty message or wrong session type
    std::uint64_t inNotIpv6 = 0;
    std::uint64_t inTooShort = 0;
    std::uint64_t inTooBig = 0;         // above our MTU; answered with Packet Too Big
    std::uint64_t inBadDestination = 0; // not for our address or subnet
    std::uint64_t inBadSource = 0;      // not from the sender's address or subnet
    std::uint64_t inNoHandler = 0;      // no packet handler set
  };

  // Throws rtk::Error(Errc::InvalidArgument) when a hook is missing.
  KeyStore(const PublicKey& self, Hooks hooks, Options options, Log log);
  ~KeyStore() override;

  // PacketInterface
  void writePacket(OffsetBytes packet) override;
  void setPacketHandler(PacketHandler handler) override;
  std::uint64_t mtu() const override { return mtu_.load(std::memory_order_relaxed); }
  Ip6Address address() const override { return address_; }
  Ip6Address subnet() const override { return subnet_; }

  void setMtu(std::uint64_t mtuBytes);
  std::uint64_t maxMtu() const { return maxMtu_; }

  // A session message from `from` (0x01 + IPv6 packet).
  void handleMessage(const PublicKey& from, OffsetBytes message);
  // The router found a path to `key` (ironwood's path notify).
  void pathNotify(const PublicKey& key);

  Counters counters() const;
  std::size_t knownKeys() const;
  std::size_t bufferedPackets() const;

 private:
  struct KeyEntry {
    Ip6Address address, subnet;
    Clock::time_point expires;
    std::list<PublicKey>::iterator lru;
  };
  struct BufferRef {
    bool isSubnet;
    Ip6Address destination;  // address, or subnet prefix with a zero tail
  };
  struct Buffered {
    Bytes packet;
    Clock::time_point expires;
    std::list<BufferRef>::iterator lru;
  };
  struct Flush {
    PublicKey key;
    std::vector<Bytes> packets;
  };

  Clock::time_point now() const { return now_ ? now_() : Clock::now(); }
  void expireLocked(Clock::time_point now);
  void forgetKeyLocked(std::unordered_map<PublicKey, KeyEntry>::iterator it);
  void dropBufferLocked(const BufferRef& ref);
  void touchLocked(KeyEntry& e, Clock::time_point now);
  // ipv6rwc's update(): learns `key` (taking the packets buffered for its
  // address and subnet when it is new) and restarts its expiry.
  const KeyEntry& updateLocked(const PublicKey& key, Clock::time_point now, Flush& flush);
  void bufferLocked(bool isSubnet, const Ip6Address& destination, Bytes packet, Clock::time_point now);
  void sendPacket(const PublicKey& dest, OffsetBytes packet);
  void sendFlush(Flush& flush);

  Hooks hooks_;
  Log log_;
  const Ip6Address address_, subnet_;
  const std::uint64_t maxMtu_;
  const Clock::duration timeout_;
  const std::size_t maxKeys_, maxBuffered_, maxBufferedBytes_;
  std::function<Clock::time_point()> now_;
  std::atomic<std::uint64_t> mtu_{kMinMtu};

  mutable std::mutex mutex_;
  std::unordered_map<PublicKey, KeyEntry> keys_;
  std::unordered_map<Ip6Address, PublicKey> byAddress_;
  std::unordered_map<Ip6Address, PublicKey> bySubnet_;
  std::list<PublicKey> keyLru_;  // front: least recently used (= expires first)
  std::unordered_map<Ip6Address, Buffered> addressBuffers_, subnetBuffers_;
  std::list<BufferRef> bufferLru_;  // front: oldest
  std::size_t bufferedBytes_ = 0;

  mutable std::mutex handlerMutex_;
  std::shared_ptr<const PacketHandler> handler_;

  struct AtomicCounters;
  std::unique_ptr<AtomicCounters> counters_;
};

}  // namespace rtk::core::ipv6
