#include "core/crypto/Pkcs8.hpp"

#include <array>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include "ratatoskr/error.hpp"

namespace rtk::core::crypto {

// Named inside the anonymous namespace: a unity build compiles this file in
// one source with the other crypto files.
namespace {
namespace pkcs8 {

// DER tags (X.690 section 8.1.2) of the fields of RFC 5958 section 2.
constexpr std::uint8_t kInteger = 0x02, kOctetString = 0x04, kOid = 0x06, kSequence = 0x30;
constexpr std::uint8_t kAttributes = 0xa0;  // [0] IMPLICIT SET OF, constructed
constexpr std::uint8_t kPublicKey = 0x81;   // [1] IMPLICIT BIT STRING, primitive
// Go's 48-byte encoding: this, then the 32-byte seed.
constexpr std::array<std::uint8_t, 16> kEd25519Prefix = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
                                                         0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};
static_assert(kEd25519Prefix.size() + 32 == kPkcs8Ed25519Size);

[[noreturn]] void fail(std::string_view origin, const std::string& reason) {
  throw Error(Errc::Config, "crypto: " + std::string(origin) + ": failed to unmarshal PKCS#8 key: " + reason);
}

// One DER element at a time (X.690 section 10: definite lengths in their
// shortest form), every length checked against the bytes left.
class DerReader {
 public:
  DerReader(ByteView data, std::string_view origin) : rest_(data), origin_(origin) {}

  bool empty() const { return rest_.empty(); }
  bool nextIs(std::uint8_t tag) const { return !rest_.empty() && rest_[0] == tag; }

  // The contents of the next element, which must carry `tag`; `what` names it in errors.
  ByteView read(std::uint8_t tag, std::string_view what) {
    const std::string name(what);
    if (rest_.empty()) fail(origin_, "truncated: " + name + " missing");
    if (rest_[0] != tag) {
      std::array<char, 8> hex{};
      std::snprintf(hex.data(), hex.size(), "0x%02x", rest_[0]);
      fail(origin_, "expected " + name + ", got tag " + hex.data());
    }
    if (rest_.size() < 2) fail(origin_, "truncated " + name);
    std::size_t header = 2;
    std::uint64_t length = rest_[1];
    if (length == 0x80) fail(origin_, "indefinite length of " + name + " (not DER)");
    if (length > 0x80) {
      const std::size_t count = length & 0x7f;
      if (count > 4) fail(origin_, "length of " + name + " too large");
      if (rest_.size() < 2 + count) fail(origin_, "truncated " + name);
      length = 0;
      for (std::size_t i = 0; i < count; ++i) length = (length << 8) | rest_[2 + i];
      if (rest_[2] == 0 || length < 0x80) fail(origin_, "non-minimal length of " + name + " (not DER)");
      header += count;
    }
    if (length > rest_.size() - header) fail(origin_, "truncated " + name);
    ByteView contents = rest_.subspan(header, static_cast<std::size_t>(length));
    rest_ = rest_.subspan(header + static_cast<std::size_t>(length));
    return contents;
  }

 private:
  ByteView rest_;
  std::string_view origin_;
};

// An OID's contents in dotted form, or nothing if they are not a valid
// encoding (X.690 section 8.19: base-128 arcs in their shortest form, the
// first subidentifier holding the first two arcs).
std::optional<std::string> dottedOid(ByteView oid) {
  if (oid.empty() || (oid.back() & 0x80) != 0) return std::nullopt;
  std::string text;
  std::uint64_t arc = 0;
  bool arcStart = true;
  for (std::uint8_t b : oid) {
    if ((arcStart && b == 0x80) || arc > (UINT64_MAX >> 7)) return std::nullopt;
    arc = (arc << 7) | (b & 0x7f);
    arcStart = (b & 0x80) == 0;
    if (!arcStart) continue;
    if (text.empty()) {
      const std::uint64_t top = arc < 80 ? arc / 40 : 2;
      text = std::to_string(top) + "." + std::to_string(arc - 40 * top);
    } else {
      text += "." + std::to_string(arc);
    }
    arc = 0;
  }
  return text;
}

// The names OpenSSL gives these algorithms, so messages read as they used to.
std::string algorithmName(const std::string& dotted) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kNames = {{
      {"1.2.840.113549.1.1.1", "RSA"},
      {"1.2.840.10045.2.1", "EC"},
      {"1.3.101.110", "X25519"},
      {"1.3.101.111", "X448"},
      {"1.3.101.113", "ED448"},
  }};
  for (const auto& [oid, name] : kNames)
    if (dotted == oid) return std::string(name);
  return dotted;
}

}  // namespace pkcs8
}  // namespace

SigningKey decodePkcs8Ed25519(ByteView der, std::string_view origin) {
  using pkcs8::DerReader, pkcs8::fail;
  DerReader info(DerReader(der, origin).read(pkcs8::kSequence, "PrivateKeyInfo SEQUENCE"), origin);
  ByteView version = info.read(pkcs8::kInteger, "version INTEGER");
  if (version.size() != 1 || version[0] > 1) fail(origin, "version must be 0 or 1");
  DerReader algorithm(info.read(pkcs8::kSequence, "AlgorithmIdentifier SEQUENCE"), origin);
  auto oid = pkcs8::dottedOid(algorithm.read(pkcs8::kOid, "algorithm OBJECT IDENTIFIER"));
  if (!oid) fail(origin, "malformed algorithm OBJECT IDENTIFIER");
  ByteView privateKey = info.read(pkcs8::kOctetString, "privateKey OCTET STRING");
  if (info.nextIs(pkcs8::kAttributes)) info.read(pkcs8::kAttributes, "attributes [0]");
  if (info.nextIs(pkcs8::kPublicKey)) info.read(pkcs8::kPublicKey, "publicKey [1]");
  if (!info.empty()) fail(origin, "unexpected data after the private key");

  if (*oid != "1.3.101.112")  // id-Ed25519, RFC 8410 section 3
    throw Error(Errc::Config, "crypto: " + std::string(origin) + ": private key must be an ed25519 key, got " +
                                  pkcs8::algorithmName(*oid));
  if (!algorithm.empty()) fail(origin, "ed25519 algorithm parameters must be absent");
  DerReader curveKey(privateKey, origin);
  ByteView seed = curveKey.read(pkcs8::kOctetString, "CurvePrivateKey OCTET STRING");
  if (!curveKey.empty()) fail(origin, "unexpected data after the CurvePrivateKey");
  if (seed.size() != 32) fail(origin, "ed25519 private key must be 32 bytes, got " + std::to_string(seed.size()));
  return SigningKey::fromSeed(seed);
}

void encodePkcs8Ed25519(const SigningKey& key, std::span<std::uint8_t, kPkcs8Ed25519Size> out) {
  std::memcpy(out.data(), pkcs8::kEd25519Prefix.data(), pkcs8::kEd25519Prefix.size());
  std::memcpy(out.data() + pkcs8::kEd25519Prefix.size(), key.seed().data(), 32);
}

}  // namespace rtk::core::crypto
