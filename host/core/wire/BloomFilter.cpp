#include "core/wire/BloomFilter.hpp"

#include <cstring>

#include "core/wire/WireReader.hpp"

namespace rtk::core::wire {

namespace {

constexpr std::uint64_t kC1 = 0x87c37b91114253d5ull;
constexpr std::uint64_t kC2 = 0x4cf5ad432745937full;

inline std::uint64_t rotl(std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

inline std::uint64_t fmix(std::uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdull;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ull;
  k ^= k >> 33;
  return k;
}

inline std::uint64_t loadLe64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | p[i];
  return v;
}

// murmur3 x64-128 with seed 0 over the concatenation a || b. bloom/v3 hashes
// the data, then the data with 0x01 appended; hashing a virtual concatenation
// gives both without copying the data.
void murmur128(ByteView a, ByteView b, std::uint64_t& out1, std::uint64_t& out2) {
  const std::size_t len = a.size() + b.size();
  auto byteAt = [&](std::size_t i) { return i < a.size() ? a[i] : b[i - a.size()]; };
  std::uint64_t h1 = 0, h2 = 0;
  const std::size_t blocks = len / 16;
  std::uint8_t block[16];
  for (std::size_t i = 0; i < blocks; ++i) {
    const std::size_t off = i * 16;
    if (off + 16 <= a.size()) {
      std::memcpy(block, a.data() + off, 16);
    } else {
      for (std::size_t j = 0; j < 16; ++j) block[j] = byteAt(off + j);
    }
    std::uint64_t k1 = loadLe64(block), k2 = loadLe64(block + 8);
    k1 *= kC1;
    k1 = rotl(k1, 31);
    k1 *= kC2;
    h1 ^= k1;
    h1 = rotl(h1, 27);
    h1 += h2;
    h1 = h1 * 5 + 0x52dce729;
    k2 *= kC2;
    k2 = rotl(k2, 33);
    k2 *= kC1;
    h2 ^= k2;
    h2 = rotl(h2, 31);
    h2 += h1;
    h2 = h2 * 5 + 0x38495ab5;
  }
  // The tail, zero padded: mixing a zero word is a no-op, so both halves can
  // always be mixed whatever the tail length.
  std::uint8_t tail[16] = {};
  for (std::size_t j = 0; j < len % 16; ++j) tail[j] = byteAt(blocks * 16 + j);
  std::uint64_t k1 = loadLe64(tail), k2 = loadLe64(tail + 8);
  k2 *= kC2;
  k2 = rotl(k2, 33);
  k2 *= kC1;
  h2 ^= k2;
  k1 *= kC1;
  k1 = rotl(k1, 31);
  k1 *= kC2;
  h1 ^= k1;

  h1 ^= len;
  h2 ^= len;
  h1 += h2;
  h2 += h1;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 += h2;
  h2 += h1;
  out1 = h1;
  out2 = h2;
}

std::array<std::uint64_t, 4> baseHashes(ByteView data) {
  static constexpr std::uint8_t kOne[1] = {1};
  std::array<std::uint64_t, 4> h{};
  murmur128(data, ByteView(), h[0], h[1]);
  murmur128(data, ByteView(kOne, 1), h[2], h[3]);
  return h;
}

inline std::uint64_t rawLocation(const std::array<std::uint64_t, 4>& h, std::uint64_t i) {
  return h[i % 2] + i * h[2 + ((i + i % 2) % 4) / 2];
}

inline std::size_t location(const std::array<std::uint64_t, 4>& h, std::uint64_t i) {
  return static_cast<std::size_t>(rawLocation(h, i) % BloomFilter::kBits);
}

}  // namespace

std::array<std::uint64_t, BloomFilter::kHashes> BloomFilter::locations(ByteView data) {
  const auto h = baseHashes(data);
  std::array<std::uint64_t, kHashes> out{};
  for (std::uint64_t i = 0; i < kHashes; ++i) out[i] = rawLocation(h, i);
  return out;
}

void BloomFilter::add(ByteView data) {
  const auto h = baseHashes(data);
  for (std::uint64_t i = 0; i < kHashes; ++i) {
    const std::size_t bit = location(h, i);
    words_[bit >> 6] |= std::uint64_t{1} << (bit & 63);
  }
}

bool BloomFilter::test(ByteView data) const {
  const auto h = baseHashes(data);
  for (std::uint64_t i = 0; i < kHashes; ++i) {
    const std::size_t bit = location(h, i);
    if (!(words_[bit >> 6] & (std::uint64_t{1} << (bit & 63)))) return false;
  }
  return true;
}

void BloomFilter::merge(const BloomFilter& other) {
  for (std::size_t i = 0; i < kWords; ++i) words_[i] |= other.words_[i];
}

std::size_t BloomFilter::size() const {
  std::size_t n = 2 * kFlagBytes;
  for (auto w : words_)
    if (w != 0 && w != ~std::uint64_t{0}) n += 8;
  return n;
}

void BloomFilter::encode(Bytes& out) const {
  std::uint8_t zeros[kFlagBytes] = {}, ones[kFlagBytes] = {};
  for (std::size_t i = 0; i < kWords; ++i) {
    const auto mask = static_cast<std::uint8_t>(0x80 >> (i % 8));
    if (words_[i] == 0) zeros[i / 8] |= mask;
    if (words_[i] == ~std::uint64_t{0}) ones[i / 8] |= mask;
  }
  out.insert(out.end(), zeros, zeros + kFlagBytes);
  out.insert(out.end(), ones, ones + kFlagBytes);
  for (auto w : words_) {
    if (w == 0 || w == ~std::uint64_t{0}) continue;
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(w >> shift));
  }
}

BloomFilter BloomFilter::decode(ByteView body) {
  if (body.size() < 2 * kFlagBytes) throwDecode("bloom", "truncated flags");
  const std::uint8_t* zeros = body.data();
  const std::uint8_t* ones = body.data() + kFlagBytes;
  ByteView rest = body.subspan(2 * kFlagBytes);
  BloomFilter f;
  for (std::size_t i = 0; i < kWords; ++i) {
    const auto mask = static_cast<std::uint8_t>(0x80 >> (i % 8));
    const bool zero = zeros[i / 8] & mask, one = ones[i / 8] & mask;
    if (zero && one) throwDecode("bloom", "word flagged both all-zero and all-one");
    if (zero) continue;
    if (one) {
      f.words_[i] = ~std::uint64_t{0};
      continue;
    }
    if (rest.size() < 8) throwDecode("bloom", "truncated words");
    std::uint64_t w = 0;
    for (std::size_t j = 0; j < 8; ++j) w = w << 8 | rest[j];
    f.words_[i] = w;
    rest = rest.subspan(8);
  }
  if (!rest.empty()) throwDecode("bloom", "trailing bytes");
  return f;
}

}  // namespace rtk::core::wire
