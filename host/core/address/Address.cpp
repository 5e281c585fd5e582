#include "core/address/Address.hpp"

namespace rtk::core::address {

namespace {
constexpr std::uint8_t kPrefix = 0x02;

inline int bitAt(const std::uint8_t* buf, int idx) { return (buf[idx / 8] >> (7 - idx % 8)) & 1; }
}  // namespace

Ip6Address addressForKey(const PublicKey& key) {
  std::array<std::uint8_t, 32> inv;
  for (std::size_t i = 0; i < 32; ++i) inv[i] = static_cast<std::uint8_t>(~key.bytes[i]);
  Ip6Address a;
  a.bytes[0] = kPrefix;
  int ones = 0;
  bool done = false;
  std::uint8_t bits = 0;
  int nBits = 0;
  std::size_t out = 2;
  for (int idx = 0; idx < 8 * 32; ++idx) {
    int bit = bitAt(inv.data(), idx);
    if (!done && bit) {
      ++ones;
      continue;
    }
    if (!done) {  // the first 0 bit ends the run and is not encoded
      done = true;
      continue;
    }
    bits = static_cast<std::uint8_t>(bits << 1 | bit);
    if (++nBits == 8) {
      nBits = 0;
      if (out < a.bytes.size()) a.bytes[out++] = bits;
    }
  }
  a.bytes[1] = static_cast<std::uint8_t>(ones);
  return a;
}

Ip6Address subnetForKey(const PublicKey& key) {
  Ip6Address a = addressForKey(key);
  Ip6Address s;
  for (int i = 0; i < 8; ++i) s.bytes[i] = a.bytes[i];
  s.bytes[0] |= 0x01;
  return s;
}

bool isValidAddress(const Ip6Address& a) { return a.bytes[0] == kPrefix; }
bool isValidSubnet(const Ip6Address& a) { return a.bytes[0] == (kPrefix | 0x01); }

PublicKey keyForAddress(const Ip6Address& a) {
  PublicKey key;
  auto& k = key.bytes;
  int ones = a.bytes[1];
  for (int idx = 0; idx < ones && idx < 256; ++idx) k[idx / 8] |= static_cast<std::uint8_t>(0x80 >> (idx % 8));
  const int keyOffset = ones + 1;
  const int addrOffset = 16;  // bits: prefix byte + ones byte
  for (int idx = addrOffset; idx < 128; ++idx) {
    int keyIdx = keyOffset + (idx - addrOffset);
    if (keyIdx / 8 >= 32) break;
    if (bitAt(a.bytes.data(), idx)) k[keyIdx / 8] |= static_cast<std::uint8_t>(0x80 >> (keyIdx % 8));
  }
  for (auto& b : k) b = static_cast<std::uint8_t>(~b);
  return key;
}

PublicKey keyForSubnet(const Ip6Address& subnet) {
  Ip6Address a;
  for (int i = 0; i < 8; ++i) a.bytes[i] = subnet.bytes[i];
  return keyForAddress(a);
}

PublicKey bloomTransform(const PublicKey& key) { return keyForSubnet(subnetForKey(key)); }

}  // namespace rtk::core::address
