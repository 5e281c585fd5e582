// VersionMetadata — the handshake both ends of a Yggdrasil 0.5 link send
// first (yggdrasil-go src/core/version.go).
//
// Wire format, all integers big-endian:
//   "meta" | uint16 remaining length | TLVs | Ed25519 signature (64)
//   TLV = uint16 type | uint16 length | value
//     0 major version (uint16)   1 minor version (uint16)
//     2 public key (32 bytes)    3 priority (uint8)
// The signature covers BLAKE2b-512(public key) keyed with the link password
// (unkeyed when there is none), so a wrong password shows up as a bad
// signature. Unknown TLVs are skipped, as Go does.
//
// Thread-safety: value type; encode/decode are pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "core/crypto/Ed25519.hpp"
#include "core/util/Bytes.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::core::link {

struct VersionMetadata {
  static constexpr std::uint16_t kProtocolMajor = 0;
  static constexpr std::uint16_t kProtocolMinor = 5;
  static constexpr std::size_t kHeaderBytes = 6;      // "meta" + length
  static constexpr std::size_t kSignatureBytes = 64;

  std::uint16_t majorVersion = kProtocolMajor;
  std::uint16_t minorVersion = kProtocolMinor;
  PublicKey publicKey;
  std::uint8_t priority = 0;

  // The complete message for `key` (its public half becomes publicKey).
  // Throws Errc::InvalidArgument when the password is longer than 64 bytes.
  Bytes encode(const crypto::SigningKey& key, std::string_view password) const;

  // From the first kHeaderBytes of a message, the size of the whole message.
  // Throws Errc::Protocol "invalid handshake, remote side is not Yggdrasil"
  // (no "meta" preamble) or "invalid handshake length, possible version
  // mismatch" (too short to hold a signature).
  static std::size_t messageBytes(ByteView header);

  // Decodes a complete message (messageBytes() long) and checks its
  // signature with `password`. Throws Errc::Protocol: the errors of
  // messageBytes(), "invalid hash length" (no public key),
  // "invalid handshake: ..." (a TLV too short for its type), and
  // "password does not match remote side ..." (signature check failed).
  // Throws Errc::InvalidArgument for a password longer than 64 bytes.
  static VersionMetadata decode(ByteView message, std::string_view password);

  // True for our protocol version (0.5). version.go's check().
  bool compatible() const { return majorVersion == kProtocolMajor && minorVersion == kProtocolMinor; }

  // BLAKE2b-512 of the key, keyed with the password: what gets signed.
  static std::array<std::uint8_t, 64> passwordHash(const PublicKey& key, std::string_view password);
};

}  // namespace rtk::core::link
