// BloomFilter — the 8192-bit, 8-hash bloom filter Ironwood nodes exchange to
// tell each peer which (transformed) keys are reachable through them
// (ironwood network/bloomfilter.go over bits-and-blooms/bloom/v3).
//
// Bit-identical to bloom/v3: the four base hashes are murmur3 x64-128 (seed
// 0) of the data and of the data with one byte 0x01 appended; hash i sets bit
// (h[i%2] + i*h[2 + ((i + i%2) % 4)/2]) mod 8192; bit b lives in word b/64 at
// bit b%64 (bitset/v1 layout).
//
// Wire: 16 bytes of flags marking all-zero words, 16 bytes of flags marking
// all-one words (word i is bit 0x80 >> i%8 of byte i/8), then every other
// word as 8 big-endian bytes, in word order. A word flagged both ways, a
// missing word or a trailing byte is a decode error.
//
// Thread-safety: a plain value.
#pragma once

#include <array>
#include <cstdint>

#include "core/util/Bytes.hpp"

namespace rtk::core::wire {

class BloomFilter {
 public:
  static constexpr std::size_t kBits = 8192;
  static constexpr std::size_t kHashes = 8;
  static constexpr std::size_t kWords = kBits / 64;
  static constexpr std::size_t kFlagBytes = kWords / 8;
  using Words = std::array<std::uint64_t, kWords>;

  BloomFilter() = default;
  explicit BloomFilter(const Words& words) : words_(words) {}

  void add(ByteView data);
  bool test(ByteView data) const;
  // Union (bloom/v3 Merge).
  void merge(const BloomFilter& other);
  const Words& words() const { return words_; }
  bool operator==(const BloomFilter&) const = default;

  std::size_t size() const;
  void encode(Bytes& out) const;
  // Throws rtk::Error(Errc::Protocol) on a malformed body.
  static BloomFilter decode(ByteView body);

  // The kHashes bit locations of `data` before the reduction mod kBits
  // (bloom/v3's Locations), exposed for test vectors.
  static std::array<std::uint64_t, kHashes> locations(ByteView data);

 private:
  Words words_{};
};

}  // namespace rtk::core::wire
