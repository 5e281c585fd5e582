// Beacon — the multicast advertisement of yggdrasil 0.5.12
// (src/multicast/advertisement.go), big-endian:
//
//   0  u16 major version (0)      2  u16 minor version (5)
//   4  32  Ed25519 public key     36 u16 TLS port of the sender's listener
//   38 u16 hash length L (64)     40 L   BLAKE2b-512(key = interface password,
//                                        message = the public key)
//
// 104 bytes in all. 0.5.12 trusts L and reads past a short datagram; decode()
// is stricter: exactly 104 bytes, L = 64, version 0.5. Anything else throws
// rtk::Error(Errc::Protocol) naming what is wrong.
// Thread-safety: value type; functions are reentrant.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "core/util/Bytes.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::core::multicast {

struct Beacon {
  static constexpr std::size_t kHashBytes = 64;
  static constexpr std::size_t kHeaderBytes = 40;
  static constexpr std::size_t kBytes = kHeaderBytes + kHashBytes;  // 104
  static constexpr std::uint16_t kMajorVersion = 0;
  static constexpr std::uint16_t kMinorVersion = 5;

  PublicKey key;
  std::uint16_t port = 0;
  std::array<std::uint8_t, kHashBytes> hash{};

  // The beacon of `key` listening on `port`, hashed with `password`
  // (≤ 64 bytes, else Errc::InvalidArgument).
  static Beacon make(const PublicKey& key, std::uint16_t port, std::string_view password);
  static Beacon decode(ByteView datagram);
  Bytes encode() const;
  // Whether the hash is the key's, keyed with `password` (constant time).
  bool matchesPassword(std::string_view password) const;
};

}  // namespace rtk::core::multicast
