#include "runtime/NodeKey.hpp"

#include "core/crypto/Pem.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::host {

NodeKey resolveNodeKey(const NodeConfig& config) {
  core::crypto::initSodium();
  if (!config.privateKeyPath.empty()) {
    try {
      return NodeKey{core::crypto::loadPemPrivateKey(config.privateKeyPath), "PrivateKeyPath " + config.privateKeyPath};
    } catch (const Error& e) {
      throw Error(Errc::Config, std::string("PrivateKeyPath: ") + e.what());
    }
  }
  if (!config.privateKey.empty()) {
    try {
      return NodeKey{core::crypto::SigningKey::fromHex(config.privateKey), "PrivateKey"};
    } catch (const Error& e) {
      throw Error(Errc::Config, std::string("PrivateKey: ") + e.what());
    }
  }
  return NodeKey{core::crypto::SigningKey::generate(), "generated"};
}

}  // namespace rtk::host
