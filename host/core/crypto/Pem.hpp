// Ed25519 private keys in PEM: PKCS#8 "PRIVATE KEY" blocks, the form
// yggdrasil.conf's PrivateKeyPath names and `yggdrasil -exportkey` prints
// (Go's x509.MarshalPKCS8PrivateKey inside pem.EncodeToMemory, see
// yggdrasil-go src/config/config.go). Parsing and encoding are our own: a
// PEM armor scanner, libsodium's base64 and a small DER reader (Pkcs8.hpp).
//
// Thread-safety: free functions without shared state; callable from any
// thread concurrently.
#pragma once

#include <string>
#include <string_view>

#include "core/crypto/Ed25519.hpp"

namespace rtk::core::crypto {

// Reads the first PEM block of the file at `path`, which must be of type
// "PRIVATE KEY" and hold a PKCS#8 Ed25519 key. As Go's pem.Decode: the block
// starts with a "-----BEGIN <type>-----" line (text before it is skipped), may
// have RFC 1421 "Key: value" headers (skipped), and ends with the matching
// "-----END <type>-----" line; "\r\n" line ends and whitespace in the base64
// are fine. Returns the key derived from its 32-byte seed. Throws
// rtk::Error(Errc::Config) "crypto: <path>: <reason>": unreadable file or
// over 1 MiB, no PEM block, wrong block type, invalid base64, not PKCS#8 DER
// ("failed to unmarshal PKCS#8 key: ..."), not an Ed25519 key. The copies of
// the file, DER and seed it makes are wiped.
SigningKey loadPemPrivateKey(const std::string& path);

// As loadPemPrivateKey, on text already in memory. `origin` names where the
// text came from in error messages (a path, "PrivateKey", ...).
SigningKey parsePemPrivateKey(std::string_view pemText, std::string_view origin);

// The key as `yggdrasil -exportkey` writes it: "-----BEGIN PRIVATE KEY-----",
// base64 of the 48-byte PKCS#8 DER (version 0, OID 1.3.101.112, the seed in
// an OCTET STRING) in 64-column lines, "-----END PRIVATE KEY-----", each line
// ending in "\n". Throws only std::bad_alloc. Its temporary copies of the
// seed (DER, base64) are wiped; the returned text is the caller's to wipe.
std::string toPemPrivateKey(const SigningKey& key);

}  // namespace rtk::core::crypto
