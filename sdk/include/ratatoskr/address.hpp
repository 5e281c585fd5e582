// Yggdrasil 0.5 addressing: the 200::/7 address and 300::/64 subnet a
// public key stands for, the partial key an address or subnet gives back,
// and `<64 hex>.pk.ygg` names.
//
// Header-only: nothing to link. Every function is pure (thread-safe, no
// allocation except the returned strings); only keyFromPkYggName throws.
//
// The encoding (yggdrasil-go src/address): take the bitwise NOT of the key;
// the address is the byte 0x02, then the number of leading 1 bits of that
// NOT (one byte), then the NOT's bits after the 0 bit that ends the run, in
// whole bytes, as many as fit in the remaining 14 bytes. The subnet is the
// address's first 8 bytes with the first byte 0x03.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "ratatoskr/error.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::address {

inline constexpr std::uint8_t kAddressPrefix = 0x02;  // 200::/8, node addresses
inline constexpr std::uint8_t kSubnetPrefix = 0x03;   // 300::/8, routed /64 prefixes
inline constexpr std::string_view kPkYggSuffix = ".pk.ygg";

// What an address or subnet tells about the key it was made from.
struct PartialKey {
  // yggdrasil's Address.GetKey() / Subnet.GetKey(): the first `knownBits`
  // bits are the real key's, every later bit is 1 (the form yggdrasil's
  // lookups and bloom filters compare, see bloomTransform).
  PublicKey key;
  // 0..256; 256 means the whole key is known.
  int knownBits = 0;

  // True when `candidate` agrees with `key` on the first `knownBits` bits:
  // `candidate` may own the address or subnet this came from.
  bool matches(const PublicKey& candidate) const noexcept {
    const int whole = knownBits / 8;
    for (int i = 0; i < whole; ++i)
      if (candidate.bytes[i] != key.bytes[i]) return false;
    const int rest = knownBits % 8;
    if (rest == 0) return true;
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
    return (candidate.bytes[whole] & mask) == (key.bytes[whole] & mask);
  }
};

namespace detail {
inline int bitAt(const std::uint8_t* bytes, int index) noexcept { return bytes[index / 8] >> (7 - index % 8) & 1; }

// Bits of the key after its run and the run's end that an encoding with
// `payloadBytes` bytes after the count byte carries.
inline int carriedBits(int ones, int payloadBytes) noexcept {
  return 8 * std::min(payloadBytes, (255 - ones) / 8);
}

inline PartialKey partialKey(const Ip6Address& a, int payloadBytes) noexcept {
  // Built as the NOT key (run of ones, its terminating 0, the payload),
  // then inverted: bits the address does not carry come out as 1.
  PublicKey notKey;
  const int ones = a.bytes[1];
  for (int i = 0; i < ones; ++i) notKey.bytes[i / 8] |= static_cast<std::uint8_t>(0x80 >> (i % 8));
  const int carried = carriedBits(ones, payloadBytes);
  for (int i = 0; i < carried; ++i) {
    const int keyIndex = ones + 1 + i;
    if (bitAt(a.bytes.data(), 16 + i)) notKey.bytes[keyIndex / 8] |= static_cast<std::uint8_t>(0x80 >> (keyIndex % 8));
  }
  PartialKey out;
  for (std::size_t i = 0; i < notKey.bytes.size(); ++i) out.key.bytes[i] = static_cast<std::uint8_t>(~notKey.bytes[i]);
  out.knownBits = std::min(256, ones + 1 + carried);
  return out;
}

inline std::string quoted(std::string_view text) {
  constexpr std::size_t kMax = 80;
  if (text.size() <= kMax) return "\"" + std::string(text) + "\"";
  return "\"" + std::string(text.substr(0, kMax)) + "...\" (" + std::to_string(text.size()) + " characters)";
}

inline bool endsWithNoCase(std::string_view text, std::string_view suffix) noexcept {
  if (text.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(), text.end() - static_cast<std::ptrdiff_t>(suffix.size()),
                    [](char s, char t) { return s == (t >= 'A' && t <= 'Z' ? static_cast<char>(t - 'A' + 'a') : t); });
}
}  // namespace detail

// The node address (200::/8) of `key`. A key starting with 256 zero bits
// (all zero) wraps the count byte to 0, exactly as yggdrasil does.
inline Ip6Address addressForKey(const PublicKey& key) noexcept {
  PublicKey notKey;
  for (std::size_t i = 0; i < key.bytes.size(); ++i) notKey.bytes[i] = static_cast<std::uint8_t>(~key.bytes[i]);
  int ones = 0;
  while (ones < 256 && detail::bitAt(notKey.bytes.data(), ones)) ++ones;
  Ip6Address a;
  a.bytes[0] = kAddressPrefix;
  a.bytes[1] = static_cast<std::uint8_t>(ones);
  const int carried = detail::carriedBits(ones, 14);
  for (int i = 0; i < carried; ++i)
    if (detail::bitAt(notKey.bytes.data(), ones + 1 + i)) a.bytes[2 + i / 8] |= static_cast<std::uint8_t>(0x80 >> (i % 8));
  return a;
}

// The /64 subnet (300::/8) of `key`: the prefix in the first 8 bytes, the
// last 8 bytes zero. Hosts behind the node take addresses inside it.
inline Ip6Address subnetForKey(const PublicKey& key) noexcept {
  Ip6Address s;
  const Ip6Address a = addressForKey(key);
  std::copy(a.bytes.begin(), a.bytes.begin() + 8, s.bytes.begin());
  s.bytes[0] = kSubnetPrefix;
  return s;
}

// A node address: first byte 0x02. Says nothing about whether a node owns it.
inline bool isValidAddress(const Ip6Address& a) noexcept { return a.bytes[0] == kAddressPrefix; }
// An address inside a node's subnet: first byte 0x03.
inline bool isValidSubnet(const Ip6Address& a) noexcept { return a.bytes[0] == kSubnetPrefix; }

// The key bits an address carries (yggdrasil's Address.GetKey()). The first
// byte is not checked: call isValidAddress first.
inline PartialKey partialKeyForAddress(const Ip6Address& address) noexcept { return detail::partialKey(address, 14); }

// The key bits a subnet (or any address inside it) carries, from its first
// 8 bytes (yggdrasil's Subnet.GetKey()). The first byte is not checked: call
// isValidSubnet first.
inline PartialKey partialKeyForSubnet(const Ip6Address& subnet) noexcept { return detail::partialKey(subnet, 6); }

// The transform yggdrasil applies to every key before bloom filters and path
// lookups: the key as its own subnet knows it.
inline PublicKey bloomTransform(const PublicKey& key) noexcept { return partialKeyForSubnet(subnetForKey(key)).key; }

// "<64 lowercase hex digits>.pk.ygg", the name SOCKS clients use for a node.
inline std::string pkYggName(const PublicKey& key) { return key.hex() + std::string(kPkYggSuffix); }

// True when `name` ends in ".pk.ygg" or ".pk.ygg." (any case): a name that
// keyFromPkYggName owns, whether or not the rest of it is valid.
inline bool isPkYggName(std::string_view name) noexcept {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return detail::endsWithNoCase(name, kPkYggSuffix);
}

// The key of a "<64 hex>.pk.ygg" name: hex digits and suffix in any case, one
// trailing dot allowed (a fully qualified name). Anything else, including a
// subdomain in front of the key, throws rtk::Error(Errc::InvalidArgument)
// with a message naming the input and what is wrong with it.
inline PublicKey keyFromPkYggName(std::string_view name) {
  std::string_view rest = name;
  if (!rest.empty() && rest.back() == '.') rest.remove_suffix(1);
  if (!detail::endsWithNoCase(rest, kPkYggSuffix))
    throw Error(Errc::InvalidArgument,
                "address: " + detail::quoted(name) + " is not a .pk.ygg name (expected <64 hex digits>.pk.ygg)");
  rest.remove_suffix(kPkYggSuffix.size());
  if (rest.size() != 2 * PublicKey::size)
    throw Error(Errc::InvalidArgument, "address: " + detail::quoted(name) + ": expected 64 hex digits before .pk.ygg, found " +
                                           std::to_string(rest.size()) + " characters");
  for (std::size_t i = 0; i < rest.size(); ++i)
    if (rtk::detail::hexNibble(rest[i]) < 0)
      throw Error(Errc::InvalidArgument, "address: " + detail::quoted(name) + ": character " + std::to_string(i + 1) +
                                             " of the key is not a hex digit");
  return *PublicKey::fromHex(rest);
}

}  // namespace rtk::address
