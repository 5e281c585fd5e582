// Ed25519 private keys in PEM: PKCS#8 "PRIVATE KEY" blocks, the form
// yggdrasil.conf's PrivateKeyPath names and `yggdrasil -exportkey` prints
// (Go's x509.MarshalPKCS8PrivateKey inside pem.EncodeToMemory, see
// yggdrasil-go src/config/config.go). Parsing and encoding use OpenSSL 3.
//
// Thread-safety: free functions without shared state; callable from any
// thread concurrently.
#pragma once

#include <string>
#include <string_view>

#include "core/crypto/Ed25519.hpp"

namespace rtk::core::crypto {

// Reads the first PEM block of the file at `path`, which must be of type
// "PRIVATE KEY" and hold a PKCS#8 Ed25519 key (text before the block is
// skipped, as Go's pem.Decode does). Returns the key derived from its 32-byte
// seed. Throws rtk::Error(Errc::Config) whose message names the path and the
// reason: unreadable file, no PEM block, wrong block type, not PKCS#8, not an
// Ed25519 key.
SigningKey loadPemPrivateKey(const std::string& path);

// As loadPemPrivateKey, on text already in memory. `origin` names where the
// text came from in error messages (a path, "PrivateKey", ...).
SigningKey parsePemPrivateKey(std::string_view pemText, std::string_view origin);

// The key as `yggdrasil -exportkey` writes it: "-----BEGIN PRIVATE KEY-----",
// base64 of the 48-byte PKCS#8 DER (version 0, OID 1.3.101.112, the seed in
// an OCTET STRING) in 64-column lines, "-----END PRIVATE KEY-----", each line
// ending in "\n". Throws rtk::Error(Errc::Unknown) only if OpenSSL fails
// internally (out of memory).
std::string toPemPrivateKey(const SigningKey& key);

}  // namespace rtk::core::crypto
