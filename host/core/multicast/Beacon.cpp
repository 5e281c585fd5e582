#include "core/multicast/Beacon.hpp"

#include <sodium.h>

#include <cstring>
#include <string>

#include "core/link/VersionMetadata.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::multicast {

namespace {

std::uint16_t readU16(ByteView in, std::size_t at) {
  return static_cast<std::uint16_t>((in[at] << 8) | in[at + 1]);
}

void writeU16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v & 0xff));
}

[[noreturn]] void refuse(const std::string& why) { throw Error(Errc::Protocol, "beacon: " + why); }

}  // namespace

Beacon Beacon::make(const PublicKey& key, std::uint16_t port, std::string_view password) {
  if (password.size() > kHashBytes)
    throw Error(Errc::InvalidArgument, "beacon: password longer than 64 bytes (" + std::to_string(password.size()) + ")");
  Beacon b;
  b.key = key;
  b.port = port;
  b.hash = link::VersionMetadata::passwordHash(key, password);
  return b;
}

Beacon Beacon::decode(ByteView in) {
  if (in.size() < kHeaderBytes) refuse(std::to_string(in.size()) + " bytes, shorter than the 40-byte header");
  const std::uint16_t major = readU16(in, 0), minor = readU16(in, 2);
  if (major != kMajorVersion || minor != kMinorVersion)
    refuse("version " + std::to_string(major) + "." + std::to_string(minor) + ", expected 0.5");
  const std::uint16_t hashLength = readU16(in, 38);
  if (hashLength != kHashBytes) refuse("hash length " + std::to_string(hashLength) + ", expected 64");
  if (in.size() != kBytes) refuse(std::to_string(in.size()) + " bytes, expected 104");
  Beacon b;
  std::memcpy(b.key.bytes.data(), in.data() + 4, PublicKey::size);
  b.port = readU16(in, 36);
  if (b.port == 0) refuse("port 0");
  std::memcpy(b.hash.data(), in.data() + kHeaderBytes, kHashBytes);
  return b;
}

Bytes Beacon::encode() const {
  Bytes out;
  out.reserve(kBytes);
  writeU16(out, kMajorVersion);
  writeU16(out, kMinorVersion);
  out.insert(out.end(), key.bytes.begin(), key.bytes.end());
  writeU16(out, port);
  writeU16(out, static_cast<std::uint16_t>(kHashBytes));
  out.insert(out.end(), hash.begin(), hash.end());
  return out;
}

bool Beacon::matchesPassword(std::string_view password) const {
  if (password.size() > kHashBytes) return false;
  auto expected = link::VersionMetadata::passwordHash(key, password);
  return sodium_memcmp(expected.data(), hash.data(), kHashBytes) == 0;
}

}  // namespace rtk::core::multicast
