#include "InProcessNode.hpp"

#include "FileLogger.hpp"
#include "Json.hpp"
#include "NetnsScope.hpp"
#include "Trace.hpp"

#include <chrono>

namespace rtk::interop {

InProcessNode::InProcessNode(Lab& lab, const Netns& netns, InProcessSpec spec)
    : lab_(lab), netns_(netns), spec_(std::move(spec)), dir_(lab.dir() / spec_.name) {
  std::filesystem::create_directories(dir_);
  if (spec_.privateKeyHex.empty()) spec_.privateKeyHex = Node::generatePrivateKey();
  auto logger = fileLogger(dir_ / "node.log");

  rtk::NodeConfig config;
  config.privateKey = spec_.privateKeyHex;
  config.peers = spec_.peers;
  config.listen = spec_.listen;
  config.ifMTU = spec_.ifMtu;
  Poco::JSON::Object::Ptr info = spec_.nodeInfo;
  if (!info) {
    info = new Poco::JSON::Object;
    info->set("name", spec_.name);
  }
  config.nodeInfo = toJson(info);
  config.nodeInfoPrivacy = spec_.nodeInfoPrivacy;
  config.adminListen = spec_.admin ? adminEndpoint() : "none";

  rtk::NodeOptions options;
  options.config = config;
  options.logger = logger;
  options.coreStopTimeout = std::chrono::milliseconds(20000);
  {
    NetnsScope in(netns_);
    node_ = rtk::Node::create(options);
  }
  trace(spec_.name + ": in-process node up in " + netns_.name() + ", " + address() + ", key " +
        publicKeyHex().substr(0, 16) + "...");
}

InProcessNode::~InProcessNode() { close(); }

std::string InProcessNode::close() {
  if (!node_) return {};
  try {
    node_->close();
  } catch (const std::exception& e) {
    trace(spec_.name + ": close: " + e.what());
    return e.what();
  }
  return {};
}

}  // namespace rtk::interop
