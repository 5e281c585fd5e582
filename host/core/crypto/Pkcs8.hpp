// PKCS#8 DER for Ed25519 keys: RFC 5958's OneAsymmetricKey holding RFC 8410's
// CurvePrivateKey, the bytes inside a "PRIVATE KEY" PEM block. Used by
// Pem.cpp; Pem.hpp is the public face.
//
// Thread-safety: free functions without shared state; callable from any
// thread concurrently.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "core/crypto/Ed25519.hpp"
#include "core/util/Bytes.hpp"

namespace rtk::core::crypto {

// Size of the DER Go's x509.MarshalPKCS8PrivateKey writes for an Ed25519 key.
inline constexpr std::size_t kPkcs8Ed25519Size = 48;

// The key in `der`: SEQUENCE { version 0 or 1, AlgorithmIdentifier
// 1.3.101.112 without parameters, OCTET STRING { OCTET STRING (32-byte seed) },
// optional [0] attributes, optional [1] public key }, in DER (definite,
// shortest lengths). Bytes after the SEQUENCE are ignored, as Go's
// x509.ParsePKCS8PrivateKey ignores them; so is the public key (the key comes
// from the seed, as in Go and OpenSSL). Never reads outside `der`.
// Throws rtk::Error(Errc::Config) "crypto: <origin>: <reason>" with reason
// "failed to unmarshal PKCS#8 key: ..." for malformed DER, or "private key
// must be an ed25519 key, got <algorithm>" (RSA, EC, X25519, X448, ED448, or
// the dotted OID).
SigningKey decodePkcs8Ed25519(ByteView der, std::string_view origin);

// Writes the 48-byte DER of `key` as Go's x509.MarshalPKCS8PrivateKey does
// (version 0, no attributes, no public key). `out` then holds the seed: the
// caller wipes it.
void encodePkcs8Ed25519(const SigningKey& key, std::span<std::uint8_t, kPkcs8Ed25519Size> out);

}  // namespace rtk::core::crypto
