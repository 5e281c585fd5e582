// PathBroken — tells a traffic source that a node on the way found no next
// hop for its packet, routed back to the source's coordinates (ironwood
// network/pathfinder.go, pathBroken).
//
// Wire: path (the traffic's `from`) || uvarint watermark || source (32) ||
// dest (32), nothing after. Thread-safety: a plain value.
#pragma once

#include "core/wire/PortPath.hpp"
#include "core/wire/WireReader.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::core::wire {

struct PathBroken {
  PortPath path;
  std::uint64_t watermark = ~std::uint64_t{0};
  PublicKey source;
  PublicKey dest;

  bool operator==(const PathBroken&) const = default;

  std::size_t size() const;
  void encode(Bytes& out) const;
  // Throws rtk::Error(Errc::Protocol) on a short, malformed or overlong body.
  static PathBroken decode(ByteView body);
};

}  // namespace rtk::core::wire
