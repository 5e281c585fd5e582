// The IPv6 packet boundary between the node and a network stack — the same
// place a TUN device sits in yggdrasil-go. The core implements it (keystore,
// address checks, ICMPv6 Packet Too Big); the userspace netstack attaches to
// it; tests attach a pipe.
#pragma once

#include <cstdint>
#include <functional>

#include "core/util/Bytes.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::core::ipv6 {

class PacketInterface {
 public:
  // The packet starts at its offset (the session's headers before it are
  // skipped, not moved): std::move(packet).take() gives it a buffer alone.
  using PacketHandler = std::function<void(OffsetBytes packet)>;
  // The bytes a writer should leave free before the packet (its offset) for
  // the core's headers (the session message type, the session's traffic
  // header, box tag and next key): then they are written in place.
  static constexpr std::size_t kWriteHeadroom = 80;
  virtual ~PacketInterface() = default;
  // Any thread, non-blocking: sends one whole IPv6 packet (40-byte header
  // first, at the offset). Packets that are not IPv6, are shorter than a
  // header, carry a source other than our address/subnet, or go outside
  // 200::/7 are dropped and counted.
  virtual void writePacket(OffsetBytes packet) = 0;
  // Receives each IPv6 packet addressed to us, on a core thread; the handler
  // must copy/queue and return quickly. Set before traffic flows; setting it
  // again replaces it; an empty handler drops packets.
  virtual void setPacketHandler(PacketHandler handler) = 0;
  // Largest packet writePacket carries (the interface MTU).
  virtual std::uint64_t mtu() const = 0;
  virtual Ip6Address address() const = 0;
  virtual Ip6Address subnet() const = 0;  // prefix in the first 8 bytes
};

}  // namespace rtk::core::ipv6
