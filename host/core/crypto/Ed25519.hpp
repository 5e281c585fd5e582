// Ed25519 keys, signatures and verification (libsodium).
//
// A SigningKey holds the 64-byte Ed25519 secret in Go/libsodium layout:
// seed (32) || public key (32), the form yggdrasil.conf's PrivateKey uses.
// Thread-safety: immutable values; sign/verify are reentrant.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/util/Bytes.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::core::crypto {

using Signature = std::array<std::uint8_t, 64>;

class SigningKey {
 public:
  static constexpr std::size_t size = 64;

  // A fresh random key.
  static SigningKey generate();
  // From the 64-byte secret (seed || public). Throws Errc::InvalidArgument
  // when the public half does not match the seed.
  static SigningKey fromBytes(ByteView secret);
  // From 32 bytes of seed.
  static SigningKey fromSeed(ByteView seed);
  // From 128 hex digits (yggdrasil.conf's PrivateKey).
  static SigningKey fromHex(std::string_view hex);

  const PublicKey& publicKey() const { return public_; }
  const std::array<std::uint8_t, size>& secret() const { return secret_; }
  ByteView seed() const { return ByteView(secret_.data(), 32); }
  std::string hex() const;

  Signature sign(ByteView message) const;

 private:
  std::array<std::uint8_t, size> secret_{};
  PublicKey public_;
};

bool verify(const PublicKey& key, ByteView message, const Signature& signature);

// Must be called once before any other crypto; idempotent and thread-safe.
void initSodium();

}  // namespace rtk::core::crypto
