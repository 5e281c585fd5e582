// SigRes — the router's signature response (ironwood network/router.go,
// routerSigRes): the parent's signature over the child's request and the
// port the child has on the parent.
//
// Wire: SigReq fields || uvarint port || 64-byte parent signature, nothing
// after. The parent signs node key || parent key || seq || nonce || port.
// Thread-safety: a plain value.
#pragma once

#include "core/crypto/Ed25519.hpp"
#include "core/wire/PortPath.hpp"
#include "core/wire/SigReq.hpp"

namespace rtk::core::wire {

struct SigRes {
  SigReq req;
  PeerPort port = 0;
  crypto::Signature psig{};

  bool operator==(const SigRes&) const = default;

  std::size_t size() const;
  void encode(Bytes& out) const;
  // Throws rtk::Error(Errc::Protocol) on a short, malformed or overlong body.
  static SigRes decode(ByteView body);
  bool chop(WireReader& in);

  Bytes bytesForSig(const PublicKey& node, const PublicKey& parent) const;
  // True when `parent` signed this response for `node`.
  bool check(const PublicKey& node, const PublicKey& parent) const;
};

}  // namespace rtk::core::wire
