// SigReq — the router's signature request (ironwood network/router.go,
// routerSigReq): "sign that I may be your child, at this sequence number".
//
// Wire: uvarint seq || uvarint nonce, nothing after.
// Thread-safety: a plain value.
#pragma once

#include <cstdint>

#include "core/util/Bytes.hpp"
#include "core/wire/WireReader.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::core::wire {

struct SigReq {
  std::uint64_t seq = 0;
  std::uint64_t nonce = 0;

  bool operator==(const SigReq&) const = default;

  std::size_t size() const;
  void encode(Bytes& out) const;
  // Throws rtk::Error(Errc::Protocol) on a short, malformed or overlong body.
  static SigReq decode(ByteView body);
  // The fields at the reader's position (used inside SigRes and Announce).
  bool chop(WireReader& in);

  // What a parent signs for a child: node key || parent key || seq || nonce.
  Bytes bytesForSig(const PublicKey& node, const PublicKey& parent) const;
  void appendForSig(Bytes& out, const PublicKey& node, const PublicKey& parent) const;
};

}  // namespace rtk::core::wire
