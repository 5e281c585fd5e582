// LossyPackets — a PacketInterface between a netstack and the core that
// drops a set fraction of the packets the netstack sends, so TCP's recovery
// in lwIP is what a loss test exercises (the links below stay lossless).
// Drops are decided by a counter-based PRNG (splitmix64 of the packet's
// sequence number and the seed): the same seed drops the same packets.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/ipv6/PacketInterface.hpp"

namespace rtk::test {

class LossyPackets final : public core::ipv6::PacketInterface {
 public:
  LossyPackets(core::ipv6::PacketInterface& inner, std::uint64_t seed) : inner_(inner), seed_(seed) {}

  // Fraction of outgoing packets dropped, 0..1; any thread.
  void setLoss(double fraction) {
    threshold_.store(static_cast<std::uint64_t>(fraction * 18446744073709551615.0), std::memory_order_relaxed);
  }
  std::uint64_t sent() const { return sent_.load(std::memory_order_relaxed); }
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

  void writePacket(core::OffsetBytes packet) override {
    const std::uint64_t n = sent_.fetch_add(1, std::memory_order_relaxed);
    if (mix(seed_ ^ n) < threshold_.load(std::memory_order_relaxed)) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    inner_.writePacket(std::move(packet));
  }
  void setPacketHandler(PacketHandler handler) override { inner_.setPacketHandler(std::move(handler)); }
  std::uint64_t mtu() const override { return inner_.mtu(); }
  Ip6Address address() const override { return inner_.address(); }
  Ip6Address subnet() const override { return inner_.subnet(); }

 private:
  static std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
  }

  core::ipv6::PacketInterface& inner_;
  const std::uint64_t seed_;
  std::atomic<std::uint64_t> threshold_{0};
  std::atomic<std::uint64_t> sent_{0}, dropped_{0};
};

}  // namespace rtk::test
