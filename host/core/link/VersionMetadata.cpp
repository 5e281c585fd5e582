#include "core/link/VersionMetadata.hpp"

#include <sodium.h>

#include <cstring>

#include "core/link/PeerUri.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::link {
namespace {

enum : std::uint16_t { kMetaMajor = 0, kMetaMinor = 1, kMetaPublicKey = 2, kMetaPriority = 3 };

void putU16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

std::uint16_t getU16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }

void checkPassword(std::string_view password) {
  if (password.size() > kMaxPasswordBytes)
    throw Error(Errc::InvalidArgument, "handshake: invalid password supplied, check your config");
}

}  // namespace

std::array<std::uint8_t, 64> VersionMetadata::passwordHash(const PublicKey& key, std::string_view password) {
  checkPassword(password);
  crypto::initSodium();
  std::array<std::uint8_t, 64> hash{};
  crypto_generichash(hash.data(), hash.size(), key.bytes.data(), key.bytes.size(),
                     password.empty() ? nullptr : reinterpret_cast<const unsigned char*>(password.data()),
                     password.size());
  return hash;
}

Bytes VersionMetadata::encode(const crypto::SigningKey& key, std::string_view password) const {
  const PublicKey& pub = key.publicKey();
  Bytes out;
  out.reserve(kHeaderBytes + 4 * 4 + 2 + 2 + 32 + 1 + kSignatureBytes);
  out.insert(out.end(), {'m', 'e', 't', 'a', 0, 0});
  putU16(out, kMetaMajor);
  putU16(out, 2);
  putU16(out, majorVersion);
  putU16(out, kMetaMinor);
  putU16(out, 2);
  putU16(out, minorVersion);
  putU16(out, kMetaPublicKey);
  putU16(out, PublicKey::size);
  out.insert(out.end(), pub.bytes.begin(), pub.bytes.end());
  putU16(out, kMetaPriority);
  putU16(out, 1);
  out.push_back(priority);
  auto hash = passwordHash(pub, password);
  auto sig = key.sign(ByteView(hash.data(), hash.size()));
  out.insert(out.end(), sig.begin(), sig.end());
  auto remaining = static_cast<std::uint16_t>(out.size() - kHeaderBytes);
  out[4] = static_cast<std::uint8_t>(remaining >> 8);
  out[5] = static_cast<std::uint8_t>(remaining);
  return out;
}

std::size_t VersionMetadata::messageBytes(ByteView header) {
  if (header.size() < kHeaderBytes || std::memcmp(header.data(), "meta", 4) != 0)
    throw Error(Errc::Protocol, "handshake: invalid handshake, remote side is not Yggdrasil");
  std::size_t remaining = getU16(header.data() + 4);
  if (remaining < kSignatureBytes)
    throw Error(Errc::Protocol, "handshake: invalid handshake length, possible version mismatch");
  return kHeaderBytes + remaining;
}

VersionMetadata VersionMetadata::decode(ByteView message, std::string_view password) {
  checkPassword(password);
  std::size_t total = messageBytes(message);
  if (message.size() != total)
    throw Error(Errc::Protocol, "handshake: message is " + std::to_string(message.size()) + " bytes, its header says " +
                                    std::to_string(total));
  ByteView body = message.subspan(kHeaderBytes, total - kHeaderBytes - kSignatureBytes);
  crypto::Signature sig;
  std::memcpy(sig.data(), message.data() + total - kSignatureBytes, kSignatureBytes);

  VersionMetadata m;
  // Go leaves a field it never saw at its zero value: version 0.0, priority 0.
  m.majorVersion = 0;
  m.minorVersion = 0;
  bool haveKey = false;
  while (body.size() >= 4) {
    std::uint16_t type = getU16(body.data());
    std::uint16_t length = getU16(body.data() + 2);
    body = body.subspan(4);
    if (body.size() < length) break;  // a truncated last TLV ends the list, as in Go
    ByteView value = body.first(length);
    auto need = [&](std::size_t n, const char* what) {
      if (value.size() < n)
        throw Error(Errc::Protocol, std::string("handshake: invalid handshake: ") + what + " field is " +
                                        std::to_string(value.size()) + " bytes");
    };
    switch (type) {
      case kMetaMajor:
        need(2, "major version");
        m.majorVersion = getU16(value.data());
        break;
      case kMetaMinor:
        need(2, "minor version");
        m.minorVersion = getU16(value.data());
        break;
      case kMetaPublicKey:
        need(PublicKey::size, "public key");
        std::memcpy(m.publicKey.bytes.data(), value.data(), PublicKey::size);
        haveKey = true;
        break;
      case kMetaPriority:
        need(1, "priority");
        m.priority = value[0];
        break;
      default:
        break;
    }
    body = body.subspan(length);
  }
  if (!haveKey) throw Error(Errc::Protocol, "handshake: invalid hash length (no public key in the handshake)");
  auto hash = passwordHash(m.publicKey, password);
  if (!crypto::verify(m.publicKey, ByteView(hash.data(), hash.size()), sig))
    throw Error(Errc::Protocol, "handshake: password does not match remote side (or its signature is invalid)");
  return m;
}

}  // namespace rtk::core::link
