#include "core/node/NodeKey.hpp"

#include "core/crypto/Pem.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::node {

NodeKey loadNodeKey(const NodeConfig& config) {
  crypto::initSodium();
  if (!config.privateKeyPath.empty()) {
    try {
      return {crypto::loadPemPrivateKey(config.privateKeyPath), "PrivateKeyPath " + config.privateKeyPath};
    } catch (const Error& e) {
      throw Error(Errc::Config, std::string("PrivateKeyPath: ") + e.what());
    }
  }
  if (!config.privateKey.empty()) {
    try {
      return {crypto::SigningKey::fromHex(config.privateKey), "PrivateKey"};
    } catch (const Error& e) {
      throw Error(Errc::Config, std::string("PrivateKey: ") + e.what());
    }
  }
  return {crypto::SigningKey::generate(), "generated"};
}

}  // namespace rtk::core::node
