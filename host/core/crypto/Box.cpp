#include "core/crypto/Box.hpp"

#include <sodium.h>

#include "core/crypto/Ed25519.hpp"

namespace rtk::core::crypto {

static_assert(kBoxOverhead == crypto_box_MACBYTES);
static_assert(kBoxNonceSize == crypto_box_NONCEBYTES);
static_assert(kBoxSharedKeySize == crypto_box_BEFORENMBYTES);

BoxSecretKey::~BoxSecretKey() { sodium_memzero(bytes.data(), bytes.size()); }
BoxSharedKey::~BoxSharedKey() { sodium_memzero(bytes.data(), bytes.size()); }

BoxKeyPair BoxKeyPair::generate() {
  initSodium();
  BoxKeyPair pair;
  crypto_box_keypair(pair.publicKey.bytes.data(), pair.secretKey.bytes.data());
  return pair;
}

BoxKeyPair BoxKeyPair::fromSecret(const BoxSecretKey& secret) {
  initSodium();
  BoxKeyPair pair;
  pair.secretKey = secret;
  // Fails only for a scalar that clamps to zero, which clamping rules out.
  crypto_scalarmult_base(pair.publicKey.bytes.data(), secret.bytes.data());
  return pair;
}

std::array<std::uint8_t, kBoxNonceSize> boxNonce(std::uint64_t n) {
  std::array<std::uint8_t, kBoxNonceSize> nonce{};
  for (int i = 0; i < 8; ++i) nonce[kBoxNonceSize - 1 - i] = static_cast<std::uint8_t>(n >> (8 * i));
  return nonce;
}

BoxSharedKey boxPrecompute(const BoxPublicKey& theirs, const BoxSecretKey& ours) {
  initSodium();
  std::array<std::uint8_t, crypto_scalarmult_BYTES> point{};
  // libsodium returns -1 exactly when the result is the all-zero point (it may
  // not write it); Go's curve25519.ScalarMult zeroes its output in that case
  // and box.Precompute goes on hashing it.
  if (crypto_scalarmult(point.data(), ours.bytes.data(), theirs.bytes.data()) != 0) point.fill(0);
  static constexpr std::uint8_t kZeroNonce[crypto_core_hsalsa20_INPUTBYTES] = {};
  BoxSharedKey shared;
  crypto_core_hsalsa20(shared.bytes.data(), kZeroNonce, point.data(), nullptr);
  sodium_memzero(point.data(), point.size());
  return shared;
}

void boxSeal(Bytes& out, ByteView message, std::uint64_t nonce, const BoxSharedKey& key) {
  auto n = boxNonce(nonce);
  std::size_t start = out.size();
  out.resize(start + kBoxOverhead + message.size());
  crypto_box_easy_afternm(out.data() + start, message.data(), message.size(), n.data(), key.bytes.data());
}

bool boxOpen(Bytes& out, ByteView boxed, std::uint64_t nonce, const BoxSharedKey& key) {
  if (boxed.size() < kBoxOverhead) return false;
  auto n = boxNonce(nonce);
  std::size_t start = out.size();
  out.resize(start + boxed.size() - kBoxOverhead);
  if (crypto_box_open_easy_afternm(out.data() + start, boxed.data(), boxed.size(), n.data(), key.bytes.data()) != 0) {
    out.resize(start);
    return false;
  }
  return true;
}

void boxSealInPlace(std::span<std::uint8_t, kBoxOverhead> tag, std::span<std::uint8_t> data,
                    std::uint64_t nonce, const BoxSharedKey& key) {
  auto n = boxNonce(nonce);
  crypto_box_detached_afternm(data.data(), tag.data(), data.data(), data.size(), n.data(), key.bytes.data());
}

bool boxOpenInPlace(std::span<const std::uint8_t, kBoxOverhead> tag, std::span<std::uint8_t> data,
                    std::uint64_t nonce, const BoxSharedKey& key) {
  auto n = boxNonce(nonce);
  // libsodium verifies the tag before decrypting, so a failure leaves data intact.
  return crypto_box_open_detached_afternm(data.data(), data.data(), tag.data(), data.size(), n.data(),
                                          key.bytes.data()) == 0;
}

}  // namespace rtk::core::crypto
