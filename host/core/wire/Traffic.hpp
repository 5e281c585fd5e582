// Traffic — a data packet routed greedily through tree space (ironwood
// network/traffic.go): the destination's coordinates, the source's
// coordinates (for path-broken replies), both keys, the watermark (the best
// tree distance seen so far; a hop must beat it) and the payload.
//
// Wire: path || from || source (32) || dest (32) || uvarint watermark ||
// payload (the rest of the frame, possibly empty).
// Thread-safety: a plain value; cheap to move (paths are inline).
#pragma once

#include "core/wire/PortPath.hpp"
#include "core/wire/WireReader.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::core::wire {

struct Traffic {
  PortPath path;
  PortPath from;
  PublicKey source;
  PublicKey dest;
  std::uint64_t watermark = ~std::uint64_t{0};
  OffsetBytes payload;  // from the session layer: after its headroom

  bool operator==(const Traffic&) const = default;

  std::size_t size() const;
  void encode(Bytes& out) const;
  // Throws rtk::Error(Errc::Protocol) on a short or malformed header; every
  // byte after the header is payload.
  static Traffic decode(ByteView body);
  // Header size for empty paths and the largest watermark: what ironwood
  // subtracts (plus the type byte) from the frame limit to get the MTU.
  static std::size_t minimumOverhead();
};

}  // namespace rtk::core::wire
