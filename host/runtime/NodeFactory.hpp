// rtk::host::NodeFactory — the one seam where the host creates its node.
//
// The host never names a node implementation: it calls the factory with the
// conf's NodeConfig (NodeInfo already assembled from the sigils) and gets
// back the node as rtk::NodeInterface plus a plain account of what runs.
// defaultNodeFactory() makes the real node (rtk::Node from libratatoskr; it
// lives in the host program, host/HostNodeFactory.cpp, so the runtime links
// no node); tests pass their own factory returning fakes.
//
// Errors: a factory throws rtk::Error (Errc::Config for a bad key or
// setting); the host logs it and exits.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ratatoskr/log.hpp"
#include "ratatoskr/node_config.hpp"
#include "ratatoskr/node_interface.hpp"

namespace rtk::host {

struct NodeInstance {
  std::shared_ptr<NodeInterface> node;
  // One line on what this node is, e.g. "identity-only node (key from PrivateKey)".
  std::string description;
  // The parts that are not running, each with a short why, logged as warnings.
  std::vector<std::string> notRunning;
  // The node's running totals (rtk::Node::counters()); may be empty, e.g. for fakes.
  std::function<std::vector<NodeCounter>()> counters;
};

using NodeFactory = std::function<NodeInstance(const NodeConfig& config, const Log& log)>;

NodeFactory defaultNodeFactory();

// What a node the factory makes would publish as NodeInfo for a NodeInfo
// text and NodeInfoPrivacy flag: the same object with the build keys the
// node adds, written as it writes it, however large. The host sizes NodeInfo
// with it before the node exists. defaultNodeInfoPreview() is the real
// node's (rtk::Node::publishedNodeInfo); tests pass their fake node's.
using NodeInfoPreview = std::function<std::string(std::string_view nodeInfoJson, bool privacy)>;

NodeInfoPreview defaultNodeInfoPreview();

}  // namespace rtk::host
