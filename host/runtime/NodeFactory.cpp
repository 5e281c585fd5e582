#include "runtime/NodeFactory.hpp"

#include "runtime/IdentityNode.hpp"
#include "runtime/NodeKey.hpp"

namespace rtk::host {

NodeInstance createIdentityNode(const NodeConfig& config, const Log& log) {
  NodeKey key = resolveNodeKey(config);
  if (key.source == "generated") {
    log.warn("no PrivateKey or PrivateKeyPath configured: generated a fresh key, so this node's address changes on every "
             "start (ratatoskr --genconf writes a conf with a key)");
  }
  NodeInstance out;
  out.node = std::make_shared<IdentityNode>(key.key, config);
  out.description = "identity-only node (key from " + key.source + "): address, subnet, key, MTU, NodeInfo and peer list";
  out.notRunning = {
      "peering: links, handshake and the router (" + std::to_string(config.peers.size()) + " configured peer(s) stay down)",
      "sessions: encrypted traffic, NodeInfo and debug requests to other nodes",
      "netstack: userspace TCP/UDP (dial, listen, listenPacket fail with \"not supported\")",
      "multicast and the admin socket"};
  return out;
}

NodeFactory defaultNodeFactory() { return &createIdentityNode; }

}  // namespace rtk::host
