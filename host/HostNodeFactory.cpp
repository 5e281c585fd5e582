// The host program's node: the real rtk::Node (see runtime/NodeFactory.hpp).
#include "ratatoskr/node.hpp"
#include "runtime/NodeFactory.hpp"

namespace rtk::host {

NodeFactory defaultNodeFactory() {
  return [](const NodeConfig& config, const Log& log) {
    NodeOptions options;
    options.config = config;
    options.logger = log.logger();
    auto node = Node::create(std::move(options));
    NodeInstance out;
    out.description = "Yggdrasil 0.5 node with its userspace TCP/UDP stack (" +
                      std::to_string(config.peers.size()) + " peer(s), " + std::to_string(config.listen.size()) +
                      " listener(s), admin socket " + (node->adminAddress().empty() ? "off" : node->adminAddress()) +
                      ", multicast " + (config.multicastInterfaces.empty() ? std::string("off") : "on " + std::to_string(config.multicastInterfaces.size()) + " pattern(s)") + ")";
    // As yggdrasil: MulticastInterfaces in the conf starts discovery; a bad
    // entry or a socket that cannot open stops the host with the reason.
    if (!config.multicastInterfaces.empty()) node->enableMulticast();
    out.counters = [weak = std::weak_ptr<Node>(node)] {
      auto n = weak.lock();
      return n ? n->counters() : std::vector<NodeCounter>{};
    };
    out.node = std::move(node);
    return out;
  };
}

NodeInfoPreview defaultNodeInfoPreview() {
  return [](std::string_view nodeInfoJson, bool privacy) { return Node::publishedNodeInfo(nodeInfoJson, privacy); };
}

}  // namespace rtk::host
