// Unsigned varints exactly as Go's encoding/binary writes and reads them
// (PutUvarint / AppendUvarint / Uvarint), the integer encoding of every
// Ironwood field and of the link's frame length prefix.
//
// Encoding: 7 bits per byte, least significant group first, high bit set on
// every byte but the last; at most 10 bytes for a uint64.
//
// Decoding follows binary.Uvarint to the letter, including what it accepts:
// non-minimal encodings ("0x80 0x00" is 0 in two bytes) decode fine, because
// the real node accepts them. What it rejects: an input that ends inside the
// varint (result 0), an 11th byte, or a 10th byte above 1 (overflow,
// negative result).
//
// Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/util/Bytes.hpp"

namespace rtk::core::wire {

constexpr std::size_t kMaxUvarintBytes = 10;

// Bytes appendUvarint(value) writes: 1..10.
constexpr std::size_t uvarintSize(std::uint64_t value) {
  std::size_t n = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++n;
  }
  return n;
}

// Appends the minimal encoding of `value`.
inline void appendUvarint(Bytes& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(value));
}

// Writes the minimal encoding into `out` (at least kMaxUvarintBytes long)
// and returns the number of bytes written.
inline std::size_t putUvarint(std::uint8_t* out, std::uint64_t value) {
  std::size_t n = 0;
  while (value >= 0x80) {
    out[n++] = static_cast<std::uint8_t>(value | 0x80);
    value >>= 7;
  }
  out[n++] = static_cast<std::uint8_t>(value);
  return n;
}

// Go's binary.Uvarint: on success stores the value and returns the number of
// bytes read (> 0). Returns 0 when `in` ends before the varint does, and
// -(bytes examined) on overflow; `value` is then 0.
int decodeUvarint(ByteView in, std::uint64_t& value);

}  // namespace rtk::core::wire
