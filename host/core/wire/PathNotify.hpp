// PathNotify — the answer to a PathLookup, routed greedily back to the
// lookup's source coordinates (ironwood network/pathfinder.go, pathNotify).
//
// Wire: path (the requester's coordinates) || uvarint watermark || source
// (32, the responder) || dest (32, the requester) || PathNotifyInfo, nothing
// after. Thread-safety: a plain value.
#pragma once

#include "core/wire/PathNotifyInfo.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::core::wire {

struct PathNotify {
  PortPath path;
  std::uint64_t watermark = ~std::uint64_t{0};
  PublicKey source;
  PublicKey dest;
  PathNotifyInfo info;

  bool operator==(const PathNotify&) const = default;

  std::size_t size() const;
  void encode(Bytes& out) const;
  // Throws rtk::Error(Errc::Protocol) on a short, malformed or overlong body.
  static PathNotify decode(ByteView body);
  // The source signed info.
  bool check() const { return crypto::verify(source, info.bytesForSig(), info.sig); }
};

}  // namespace rtk::core::wire
