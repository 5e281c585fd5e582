#include "core/crypto/KeyConversion.hpp"

#include <openssl/bn.h>
#include <sodium.h>

#include <memory>

#include "ratatoskr/error.hpp"

namespace rtk::core::crypto {

namespace {

struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
struct BnCtxFree {
  void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

[[noreturn]] void bnFailure() { throw Error(Errc::Unknown, "crypto: OpenSSL BIGNUM arithmetic failed (out of memory)"); }

// The birational map without validation, for keys libsodium will not convert
// (mirrors ironwood encrypted/internal/e2c/e2c.go). Public data only, so
// variable time is fine.
BoxPublicKey montgomeryFromEdwardsY(const PublicKey& key) {
  std::unique_ptr<BN_CTX, BnCtxFree> ctx(BN_CTX_new());
  BnPtr p(BN_new()), y(BN_new()), one(BN_new()), num(BN_new()), den(BN_new()), u(BN_new());
  if (!ctx || !p || !y || !one || !num || !den || !u) bnFailure();
  // p = 2^255 - 19
  if (!BN_set_bit(p.get(), 255) || !BN_sub_word(p.get(), 19) || !BN_one(one.get())) bnFailure();
  auto yBytes = key.bytes;
  yBytes[31] &= 0x7f;  // the x sign bit is not part of y
  if (!BN_lebin2bn(yBytes.data(), static_cast<int>(yBytes.size()), y.get())) bnFailure();
  if (!BN_mod_sub(den.get(), one.get(), y.get(), p.get(), ctx.get())) bnFailure();
  if (BN_is_zero(den.get())) {
    // y = 1 (mod p): Go's ModInverse fails, leaves the multiplier at 0 and the result is u = 0.
    BN_zero(u.get());
  } else {
    if (!BN_mod_inverse(den.get(), den.get(), p.get(), ctx.get())) bnFailure();  // p is prime: always invertible
    if (!BN_mod_add(num.get(), one.get(), y.get(), p.get(), ctx.get())) bnFailure();
    if (!BN_mod_mul(u.get(), num.get(), den.get(), p.get(), ctx.get())) bnFailure();
  }
  BoxPublicKey out;
  if (BN_bn2lebinpad(u.get(), out.bytes.data(), static_cast<int>(out.bytes.size())) < 0) bnFailure();
  return out;
}

}  // namespace

BoxPublicKey boxPublicFromEd(const PublicKey& key) {
  initSodium();
  BoxPublicKey out;
  if (crypto_sign_ed25519_pk_to_curve25519(out.bytes.data(), key.bytes.data()) == 0) return out;
  return montgomeryFromEdwardsY(key);
}

BoxSecretKey boxSecretFromEd(const SigningKey& key) {
  initSodium();
  BoxSecretKey out;
  crypto_sign_ed25519_sk_to_curve25519(out.bytes.data(), key.secret().data());
  return out;
}

}  // namespace rtk::core::crypto
