// Arithmetic modulo p = 2^255 - 19, the field of Curve25519 and Ed25519:
// just enough to compute the Montgomery u of an Edwards y for the keys
// libsodium will not convert (see KeyConversion.hpp). Only public data goes
// through here, so nothing runs in constant time; never use it on secrets.
//
// Thread-safety: values and free functions without shared state.
#pragma once

#include <array>
#include <cstdint>

namespace rtk::core::crypto {

// An element of GF(2^255 - 19) on four 64-bit limbs, least significant
// first. Every value is kept canonical (below p), so equality is equality of
// the limbs and toBytes needs no further reduction.
class Field25519 {
 public:
  using Bytes = std::array<std::uint8_t, 32>;

  Field25519() = default;  // zero
  static Field25519 fromU64(std::uint64_t value);
  // All 256 bits of the little-endian bytes, reduced mod p (so p..2^256-1,
  // non-canonical encodings, are accepted and reduced).
  static Field25519 fromBytes(const Bytes& littleEndian);
  // The canonical value (< p), little-endian.
  Bytes toBytes() const;

  bool isZero() const { return *this == Field25519(); }
  // The multiplicative inverse, a^(p-2); zero for zero.
  Field25519 inverse() const;

  friend Field25519 operator+(const Field25519& a, const Field25519& b);
  friend Field25519 operator-(const Field25519& a, const Field25519& b);
  friend Field25519 operator*(const Field25519& a, const Field25519& b);
  friend bool operator==(const Field25519& a, const Field25519& b) = default;

 private:
  using Limbs = std::array<std::uint64_t, 4>;
  // Reduces any value below 2^256 to its canonical form.
  static Field25519 reduced(Limbs value);

  Limbs limbs_{};
};

// u = (1 + y) / (1 - y) mod p for the Edwards y the 32 little-endian bytes
// encode: bit 255 (the sign of x) is cleared, y >= p is reduced, and y = 1
// (mod p), where 1 - y has no inverse, gives u = 0 — exactly what ironwood's
// e2c (Go math/big) computes. Returns u canonical, little-endian.
std::array<std::uint8_t, 32> montgomeryUFromEdwardsY(std::array<std::uint8_t, 32> yBytes);

}  // namespace rtk::core::crypto
