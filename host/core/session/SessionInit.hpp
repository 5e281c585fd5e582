// SessionInit — the body of a session init or ack (they differ only in the
// type byte), and its sealed, signed wire form (ironwood
// encrypted/session.go, sessionInit.encrypt/decrypt).
//
// The sender draws an ephemeral box key pair, signs
//   ephemeral public | current | next | keySeq (BE64) | seq (BE64)
// with its Ed25519 key, and seals signature | current | next | keySeq | seq
// with nonce 0 under box(X25519 of the receiver's Ed25519 key, ephemeral
// secret). The receiver opens it with the X25519 form of its own Ed25519
// secret and checks the signature against the sender's Ed25519 key (the
// router's source address).
//
// Thread-safety: values and pure functions.
#pragma once

#include <cstdint>
#include <optional>

#include "core/crypto/Box.hpp"
#include "core/crypto/Ed25519.hpp"
#include "core/session/SessionWire.hpp"
#include "core/util/Bytes.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::core::session {

struct SessionInit {
  crypto::BoxPublicKey current;  // the sender's key to send to / expect traffic from
  crypto::BoxPublicKey next;     // the sender's key after its next rotation
  std::uint64_t keySeq = 0;      // the sender's local key sequence number
  std::uint64_t seq = 0;         // unix seconds when the init was made; newer wins

  // The 193-byte packet of type Init or Ack (any other type throws
  // rtk::Error(InvalidArgument)), sealed to `receiverBox` (the X25519 form of
  // the receiver's Ed25519 key) with the `ephemeral` pair, signed by `sender`.
  Bytes encode(SessionPacketType type, const crypto::SigningKey& sender, const crypto::BoxPublicKey& receiverBox,
               const crypto::BoxKeyPair& ephemeral) const;

  // Opens a packet of exactly kSessionInitSize bytes with our X25519 secret
  // and checks it was signed by `sender`. The type byte is not checked (the
  // caller dispatched on it). nullopt for any other size, a box that does not
  // open or a bad signature — never throws.
  static std::optional<SessionInit> decode(ByteView packet, const crypto::BoxSecretKey& ourBoxSecret,
                                           const PublicKey& sender);

  bool operator==(const SessionInit&) const = default;
};

}  // namespace rtk::core::session
