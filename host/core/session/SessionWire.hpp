// Wire constants of Ironwood's encrypted session layer (ironwood
// encrypted/session.go, encrypted/crypto.go), shared by the session codecs
// and the manager.
//
// Every session packet is the payload of one router traffic packet and
// starts with a type byte:
//   init/ack  type(1) | ephemeral box key(32) | box(sig(64) | current(32) |
//             next(32) | keySeq(8, BE) | seq(8, BE)) — 193 bytes
//   traffic   type(1) | uvarint localKeySeq | uvarint remoteKeySeq |
//             uvarint nonce | box(next public key(32) | message)
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/crypto/Box.hpp"

namespace rtk::core::session {

enum class SessionPacketType : std::uint8_t {
  Dummy = 0,
  Init = 1,
  Ack = 2,
  Traffic = 3,
};

constexpr std::size_t kEd25519SignatureSize = 64;

// type + ephemeral key + box(signature + current + next + keySeq + seq)
constexpr std::size_t kSessionInitSize = 1 + crypto::kBoxPublicKeySize + crypto::kBoxOverhead +
                                         kEd25519SignatureSize + 2 * crypto::kBoxPublicKeySize + 8 + 8;
static_assert(kSessionInitSize == 193);

// The smallest traffic packet the receiver looks at: type, three one-byte
// uvarints, the box tag and the inner next key (Go's sessionTrafficOverheadMin).
constexpr std::size_t kTrafficOverheadMin = 1 + 1 + 1 + 1 + crypto::kBoxOverhead + crypto::kBoxPublicKeySize;
// The largest header: three ten-byte uvarints. The session MTU is the
// network's MTU minus this (Go's sessionTrafficOverhead).
constexpr std::size_t kTrafficOverhead = kTrafficOverheadMin + 9 + 9 + 9;
static_assert(kTrafficOverheadMin == 52 && kTrafficOverhead == 79);

}  // namespace rtk::core::session
