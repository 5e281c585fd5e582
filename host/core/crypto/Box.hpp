// NaCl box (Curve25519 + XSalsa20-Poly1305) as Ironwood's encrypted layer
// uses it (ironwood encrypted/crypto.go): a shared key is precomputed once
// per key pair, then each message is sealed with a 24-byte nonce whose last
// 8 bytes carry a uint64 counter, big-endian, and whose first 16 bytes are 0.
// A sealed box is the 16-byte Poly1305 tag followed by the ciphertext, the
// layout of Go's box.SealAfterPrecomputation and libsodium's *_easy_afternm.
//
// Thread-safety: values and free functions without shared state.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "core/util/Bytes.hpp"

namespace rtk::core::crypto {

constexpr std::size_t kBoxPublicKeySize = 32;
constexpr std::size_t kBoxSecretKeySize = 32;
constexpr std::size_t kBoxSharedKeySize = 32;
constexpr std::size_t kBoxNonceSize = 24;
constexpr std::size_t kBoxOverhead = 16;  // the Poly1305 tag

struct BoxPublicKey {
  std::array<std::uint8_t, kBoxPublicKeySize> bytes{};
  auto operator<=>(const BoxPublicKey&) const = default;
};

// Secret material: wiped when destroyed.
struct BoxSecretKey {
  std::array<std::uint8_t, kBoxSecretKeySize> bytes{};
  BoxSecretKey() = default;
  BoxSecretKey(const BoxSecretKey&) = default;
  BoxSecretKey& operator=(const BoxSecretKey&) = default;
  ~BoxSecretKey();
};

// A precomputed shared key (HSalsa20 of the X25519 result). Wiped when destroyed.
struct BoxSharedKey {
  std::array<std::uint8_t, kBoxSharedKeySize> bytes{};
  BoxSharedKey() = default;
  BoxSharedKey(const BoxSharedKey&) = default;
  BoxSharedKey& operator=(const BoxSharedKey&) = default;
  ~BoxSharedKey();
};

struct BoxKeyPair {
  BoxPublicKey publicKey;
  BoxSecretKey secretKey;

  // A fresh random pair (Go's box.GenerateKey: 32 random bytes, public =
  // X25519(secret, basepoint)).
  static BoxKeyPair generate();
  // The pair for a given secret (the public key is derived from it).
  static BoxKeyPair fromSecret(const BoxSecretKey& secret);
};

// Ironwood's nonce for counter `n`: 16 zero bytes, then n big-endian.
std::array<std::uint8_t, kBoxNonceSize> boxNonce(std::uint64_t n);

// Go's box.Precompute: X25519(ours, theirs) then HSalsa20 with a zero nonce.
// Where X25519 yields all zeros (their key is of small order) Go carries on
// with the zero point while libsodium's crypto_box_beforenm refuses; we
// follow Go, so the result never fails (see README.md, "Where Go and
// libsodium differ").
BoxSharedKey boxPrecompute(const BoxPublicKey& theirs, const BoxSecretKey& ours);

// Seals `message` and appends tag || ciphertext (message.size() + 16 bytes)
// to `out`. `message` must not alias `out`.
void boxSeal(Bytes& out, ByteView message, std::uint64_t nonce, const BoxSharedKey& key);
// Opens tag || ciphertext and appends the plaintext to `out`. Returns false,
// leaving `out` as it was, when the box is shorter than the tag or does not
// authenticate.
bool boxOpen(Bytes& out, ByteView boxed, std::uint64_t nonce, const BoxSharedKey& key);

// In-place forms for packet buffers: `data` is encrypted (decrypted) where it
// lies; the tag is written to (read from) `tag`, which must not overlap `data`.
void boxSealInPlace(std::span<std::uint8_t, kBoxOverhead> tag, std::span<std::uint8_t> data,
                    std::uint64_t nonce, const BoxSharedKey& key);
// On failure `data` is left unchanged.
bool boxOpenInPlace(std::span<const std::uint8_t, kBoxOverhead> tag, std::span<std::uint8_t> data,
                    std::uint64_t nonce, const BoxSharedKey& key);

}  // namespace rtk::core::crypto
