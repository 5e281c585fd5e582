#include "core/crypto/KeyConversion.hpp"

#include <sodium.h>

#include "core/crypto/Field25519.hpp"

namespace rtk::core::crypto {

BoxPublicKey boxPublicFromEd(const PublicKey& key) {
  initSodium();
  BoxPublicKey out;
  if (crypto_sign_ed25519_pk_to_curve25519(out.bytes.data(), key.bytes.data()) == 0) return out;
  // libsodium refuses points outside the prime-order subgroup (and bytes that
  // are no point at all); ironwood's e2c (encrypted/internal/e2c/e2c.go)
  // applies the birational map to any y without validation, so we do too.
  out.bytes = montgomeryUFromEdwardsY(key.bytes);
  return out;
}

BoxSecretKey boxSecretFromEd(const SigningKey& key) {
  initSodium();
  BoxSecretKey out;
  crypto_sign_ed25519_sk_to_curve25519(out.bytes.data(), key.secret().data());
  return out;
}

}  // namespace rtk::core::crypto
