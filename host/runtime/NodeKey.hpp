// rtk::host::resolveNodeKey — the signing key a NodeConfig stands for.
//
// PrivateKeyPath (a PEM file) wins over PrivateKey (128 hex digits); with
// neither, a fresh random key is generated — the node then has a new address
// on every start, which the caller should say in its log.
//
// Errors: rtk::Error(Errc::Config) naming the field and the reason (from
// SigningKey::fromHex or loadPemPrivateKey). Thread-safety: stateless.
#pragma once

#include <string>

#include "core/crypto/Ed25519.hpp"
#include "ratatoskr/node_config.hpp"
#include "runtime/HostExport.hpp"

namespace rtk::host {

struct NodeKey {
  core::crypto::SigningKey key;
  // Where it came from: "PrivateKeyPath <path>", "PrivateKey" or "generated".
  std::string source;
};

RTK_HOST_API NodeKey resolveNodeKey(const NodeConfig& config);

}  // namespace rtk::host
