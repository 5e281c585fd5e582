// The node's Ed25519 key from a NodeConfig, as yggdrasil 0.5 reads it:
// PrivateKeyPath (a PEM file) wins over PrivateKey (128 hex characters);
// with neither, a fresh random key.
//
// Errors: Errc::Config naming the field and the reason (unreadable file,
// bad PEM, wrong length, not hex).
#pragma once

#include <string>

#include "core/crypto/Ed25519.hpp"
#include "ratatoskr/node_config.hpp"

namespace rtk::core::node {

struct NodeKey {
  crypto::SigningKey key;
  std::string source;  // "PrivateKeyPath <file>", "PrivateKey" or "generated"
};

NodeKey loadNodeKey(const NodeConfig& config);

}  // namespace rtk::core::node
