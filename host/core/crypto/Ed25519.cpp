#include "core/crypto/Ed25519.hpp"

#include <sodium.h>

#include <cstring>
#include <mutex>

#include "ratatoskr/error.hpp"

namespace rtk::core::crypto {

void initSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) throw Error(Errc::Unknown, "crypto: libsodium failed to initialise");
  });
}

SigningKey SigningKey::generate() {
  initSodium();
  SigningKey k;
  crypto_sign_keypair(k.public_.bytes.data(), k.secret_.data());
  return k;
}

SigningKey SigningKey::fromSeed(ByteView seed) {
  initSodium();
  if (seed.size() != 32) throw Error(Errc::InvalidArgument, "crypto: an Ed25519 seed is 32 bytes, got " + std::to_string(seed.size()));
  SigningKey k;
  crypto_sign_seed_keypair(k.public_.bytes.data(), k.secret_.data(), seed.data());
  return k;
}

SigningKey SigningKey::fromBytes(ByteView secret) {
  if (secret.size() != size)
    throw Error(Errc::InvalidArgument, "crypto: an Ed25519 private key is 64 bytes, got " + std::to_string(secret.size()));
  SigningKey k = fromSeed(secret.first(32));
  if (std::memcmp(k.public_.bytes.data(), secret.data() + 32, 32) != 0)
    throw Error(Errc::InvalidArgument, "crypto: private key's public half does not match its seed");
  return k;
}

SigningKey SigningKey::fromHex(std::string_view hex) {
  auto bytes = detail::fromHex<size>(hex);
  if (!bytes)
    throw Error(Errc::InvalidArgument, "crypto: private key must be 128 hex digits, got " + std::to_string(hex.size()) + " characters");
  return fromBytes(ByteView(bytes->data(), bytes->size()));
}

std::string SigningKey::hex() const { return detail::toHex(secret_); }

Signature SigningKey::sign(ByteView message) const {
  Signature sig;
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), secret_.data());
  return sig;
}

bool verify(const PublicKey& key, ByteView message, const Signature& signature) {
  initSodium();
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(), key.bytes.data()) == 0;
}

}  // namespace rtk::core::crypto
