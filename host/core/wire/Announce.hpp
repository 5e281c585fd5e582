// Announce — one node's position in the spanning tree (ironwood
// network/router.go, routerAnnounce): the node, its parent, the parent's
// signed response, and the node's own signature over the same bytes.
//
// Wire: key (32) || parent (32) || SigRes fields || node signature (64),
// nothing after. A root announces itself as its own parent with port 0; port
// 0 with any other parent is invalid.
// Thread-safety: a plain value.
#pragma once

#include "core/wire/SigRes.hpp"

namespace rtk::core::wire {

struct Announce {
  PublicKey key;
  PublicKey parent;
  SigRes res;
  crypto::Signature sig{};

  bool operator==(const Announce&) const = default;

  std::size_t size() const;
  void encode(Bytes& out) const;
  // Throws rtk::Error(Errc::Protocol) on a short, malformed or overlong body.
  static Announce decode(ByteView body);

  // The port-0 rule, then both signatures over
  // key || parent || seq || nonce || port (ironwood routerAnnounce.check).
  bool check() const;
};

}  // namespace rtk::core::wire
