// PathLookup — a request for a node's current coordinates, multicast along
// the tree to the peers whose bloom filters may contain the (transformed)
// destination key (ironwood network/pathfinder.go, pathLookup).
//
// Wire: source (32) || dest (32) || path `from` (the source's coordinates),
// nothing after. Thread-safety: a plain value.
#pragma once

#include "core/wire/PortPath.hpp"
#include "core/wire/WireReader.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::core::wire {

struct PathLookup {
  PublicKey source;
  PublicKey dest;
  PortPath from;

  bool operator==(const PathLookup&) const = default;

  std::size_t size() const;
  void encode(Bytes& out) const;
  // Throws rtk::Error(Errc::Protocol) on a short, malformed or overlong body.
  static PathLookup decode(ByteView body);
};

}  // namespace rtk::core::wire
