#include "core/crypto/Field25519.hpp"

namespace rtk::core::crypto {

namespace {

__extension__ typedef unsigned __int128 U128;  // GCC and Clang; __extension__ keeps -Wpedantic quiet
using FieldLimbs = std::array<std::uint64_t, 4>;

constexpr std::uint64_t kLow63Bits = 0x7fffffffffffffff;
constexpr FieldLimbs kFieldP = {0xffffffffffffffed, ~0ULL, ~0ULL, kLow63Bits};        // 2^255 - 19
constexpr FieldLimbs kFieldPMinus2 = {0xffffffffffffffeb, ~0ULL, ~0ULL, kLow63Bits};  // the inverse's exponent

// v += w modulo 2^256; returns the carry out of the top limb (0 or 1).
std::uint64_t addLimbs(FieldLimbs& v, const FieldLimbs& w) {
  U128 carry = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    carry += static_cast<U128>(v[i]) + w[i];
    v[i] = static_cast<std::uint64_t>(carry);
    carry >>= 64;
  }
  return static_cast<std::uint64_t>(carry);
}

// v -= w modulo 2^256; returns the borrow out of the top limb (0 or 1).
std::uint64_t subLimbs(FieldLimbs& v, const FieldLimbs& w) {
  std::uint64_t borrow = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    U128 diff = static_cast<U128>(v[i]) - w[i] - borrow;
    v[i] = static_cast<std::uint64_t>(diff);
    borrow = static_cast<std::uint64_t>(diff >> 127);  // wrapped below zero
  }
  return borrow;
}

}  // namespace

Field25519 Field25519::reduced(Limbs value) {
  // 2^255 = p + 19: bit 255 is worth 19. Folding it leaves value < 2^255 + 19 < 2p.
  std::uint64_t top = value[3] >> 63;
  value[3] &= kLow63Bits;
  addLimbs(value, {19 * top, 0, 0, 0});
  // value >= p exactly when value + 19 reaches 2^255, and then value - p = value + 19 - 2^255.
  Limbs plus19 = value;
  addLimbs(plus19, {19, 0, 0, 0});
  if (plus19[3] >> 63) {
    plus19[3] &= kLow63Bits;
    value = plus19;
  }
  Field25519 out;
  out.limbs_ = value;
  return out;
}

Field25519 Field25519::fromU64(std::uint64_t value) { return reduced({value, 0, 0, 0}); }

Field25519 Field25519::fromBytes(const Bytes& littleEndian) {
  Limbs limbs{};
  for (std::size_t i = 0; i < 32; ++i) limbs[i / 8] |= std::uint64_t{littleEndian[i]} << (8 * (i % 8));
  return reduced(limbs);
}

Field25519::Bytes Field25519::toBytes() const {
  Bytes out{};
  for (std::size_t i = 0; i < 32; ++i) out[i] = static_cast<std::uint8_t>(limbs_[i / 8] >> (8 * (i % 8)));
  return out;
}

Field25519 operator+(const Field25519& a, const Field25519& b) {
  Field25519::Limbs sum = a.limbs_;
  addLimbs(sum, b.limbs_);  // a, b < p: the sum is below 2p < 2^256, no carry out
  return Field25519::reduced(sum);
}

Field25519 operator-(const Field25519& a, const Field25519& b) {
  Field25519::Limbs diff = a.limbs_;
  // Below zero: add p back; the carry out of that addition cancels the borrow.
  if (subLimbs(diff, b.limbs_)) addLimbs(diff, kFieldP);
  return Field25519::reduced(diff);
}

Field25519 operator*(const Field25519& a, const Field25519& b) {
  // Schoolbook product, 512 bits in eight limbs. Each step fits 128 bits:
  // (2^64 - 1)^2 + 2 (2^64 - 1) = 2^128 - 1.
  std::array<std::uint64_t, 8> wide{};
  for (std::size_t i = 0; i < 4; ++i) {
    U128 carry = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      carry += static_cast<U128>(a.limbs_[i]) * b.limbs_[j] + wide[i + j];
      wide[i + j] = static_cast<std::uint64_t>(carry);
      carry >>= 64;
    }
    wide[i + 4] = static_cast<std::uint64_t>(carry);
  }
  // 2^256 = 2p + 38: high * 2^256 + low = low + 38 high (mod p).
  Field25519::Limbs folded{};
  U128 carry = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    carry += wide[i] + static_cast<U128>(38) * wide[i + 4];
    folded[i] = static_cast<std::uint64_t>(carry);
    carry >>= 64;
  }
  // What carried out (< 40) counts 2^256 again; fold it the same way. If that
  // wraps once more, the value left is tiny and the next fold cannot carry.
  for (auto top = static_cast<std::uint64_t>(carry); top != 0;) top = addLimbs(folded, {38 * top, 0, 0, 0});
  return Field25519::reduced(folded);
}

Field25519 Field25519::inverse() const {
  // Fermat: a^(p-1) = 1 for a != 0, so a^(p-2) = 1/a (and 0^(p-2) = 0).
  // Square-and-multiply over the bits of p - 2, most significant first.
  Field25519 result = fromU64(1);
  for (std::size_t bit = 255; bit-- > 0;) {
    result = result * result;
    if ((kFieldPMinus2[bit / 64] >> (bit % 64)) & 1) result = result * *this;
  }
  return result;
}

std::array<std::uint8_t, 32> montgomeryUFromEdwardsY(std::array<std::uint8_t, 32> yBytes) {
  yBytes[31] &= 0x7f;  // the sign of x, not part of y
  const auto y = Field25519::fromBytes(yBytes);
  const auto one = Field25519::fromU64(1);
  const auto denominator = one - y;
  // y = 1 (mod p): Go's ModInverse fails, leaves the multiplier at 0, and e2c returns u = 0.
  if (denominator.isZero()) return {};
  return ((one + y) * denominator.inverse()).toBytes();
}

}  // namespace rtk::core::crypto
