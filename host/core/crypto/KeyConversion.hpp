// Ed25519 identity keys to the X25519 keys NaCl box uses, as Ironwood's
// encrypted layer derives them (ironwood encrypted/internal/e2c): a node's
// session inits are sealed to the X25519 form of its Ed25519 public key, and
// it opens them with the X25519 form of its Ed25519 secret.
//
// Thread-safety: free functions without shared state.
#pragma once

#include "core/crypto/Box.hpp"
#include "core/crypto/Ed25519.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::core::crypto {

// The Montgomery u = (1 + y) / (1 - y) mod p of the Edwards y the key
// encodes; the sign bit (bit 255) is ignored, so a key and its sign-flipped
// twin give the same result. For keys that are points of the prime-order
// subgroup this is libsodium's crypto_sign_ed25519_pk_to_curve25519. For any
// other 32 bytes (not on the curve, small order, with a torsion component)
// libsodium refuses while Go's e2c still computes the formula; we compute it
// too (Field25519.hpp), giving u = 0 where 1 - y = 0, so every key converts
// exactly as Go converts it. Never throws for a 32-byte input.
BoxPublicKey boxPublicFromEd(const PublicKey& key);

// The X25519 secret of an Ed25519 key: SHA-512(seed)[0..32), clamped
// (libsodium's crypto_sign_ed25519_sk_to_curve25519). Go's e2c returns it
// unclamped; X25519 clamps its scalar before use, so both give the same
// shared keys and the same public key.
BoxSecretKey boxSecretFromEd(const SigningKey& key);

}  // namespace rtk::core::crypto
