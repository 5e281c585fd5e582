// PacketPipe — an in-memory IPv6 "network" joining PacketInterfaces, for
// testing netstacks in one process without the node core.
//
// Each end has an address in 200::/7 and an MTU; a packet written to one end
// is delivered (on the writer's thread) to the handler of the end that owns
// its destination address, or dropped when no end does. Optionally drops
// packets at random (seeded, reproducible), and lets a test watch every
// packet (tap) or inject packets as if the core delivered them.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <vector>

#include "core/ipv6/PacketInterface.hpp"

namespace rtk::netstack::test {

class PacketPipe;

class PipeEnd final : public core::ipv6::PacketInterface {
 public:
  PipeEnd(PacketPipe& pipe, Ip6Address address, std::uint64_t mtu) : pipe_(pipe), address_(address), mtu_(mtu) {}
  void writePacket(core::OffsetBytes packet) override;
  void setPacketHandler(PacketHandler handler) override;
  std::uint64_t mtu() const override { return mtu_; }
  Ip6Address address() const override { return address_; }
  Ip6Address subnet() const override;
  // Delivers `packet` to this end's handler, as the core would.
  void inject(core::Bytes packet);
  bool hasHandler() const;

 private:
  PacketPipe& pipe_;
  Ip6Address address_;
  std::uint64_t mtu_;
  mutable std::mutex mutex_;
  std::shared_ptr<const PacketHandler> handler_;
};

class PacketPipe {
 public:
  using Tap = std::function<void(const core::Bytes& packet)>;
  explicit PacketPipe(std::uint32_t seed = 1) : rng_(seed) {}
  // A new end with the given address and MTU; the pipe owns it.
  PipeEnd& addEnd(const Ip6Address& address, std::uint64_t mtu = 65535);
  // Fraction of packets dropped at random, 0..1.
  void setLoss(double fraction);
  // Called for every packet written to any end, before loss and routing.
  void setTap(Tap tap);
  std::uint64_t delivered() const { return delivered_.load(); }
  std::uint64_t dropped() const { return dropped_.load(); }

 private:
  friend class PipeEnd;
  void route(core::Bytes packet);

  std::mutex mutex_;
  std::vector<std::unique_ptr<PipeEnd>> ends_;
  std::mt19937 rng_;
  double loss_ = 0;
  std::shared_ptr<const Tap> tap_;
  std::atomic<std::uint64_t> delivered_{0}, dropped_{0};
};

// 200::<n> style test addresses.
Ip6Address testAddress(std::uint8_t n);

}  // namespace rtk::netstack::test
