// What the encrypted session layer needs from the router: Ironwood's
// network.PacketConn, reduced to its essentials. Implemented by the router;
// sessions are tested against a fake.
#pragma once

#include <cstdint>
#include <functional>

#include "core/util/Bytes.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::core::router {

class PacketNetwork {
 public:
  using TrafficHandler = std::function<void(const PublicKey& source, Bytes payload)>;
  virtual ~PacketNetwork() = default;
  // Any thread, non-blocking: route `payload` to `dest` (looking up a path
  // first if needed; the newest packet waiting for a path is kept).
  // Payloads above mtu() are dropped.
  virtual void sendTraffic(const PublicKey& dest, OffsetBytes payload) = 0;
  // The handler receives traffic addressed to us, on the router thread; it
  // must not block (post onwards). Set once, before peers are added.
  virtual void setTrafficHandler(TrafficHandler handler) = 0;
  // Any thread: start a path lookup for a (possibly partial) key.
  virtual void sendLookup(const PublicKey& key) = 0;
  // Largest payload sendTraffic accepts.
  virtual std::uint64_t mtu() const = 0;
};

}  // namespace rtk::core::router
