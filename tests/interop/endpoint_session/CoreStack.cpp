#include "CoreStack.hpp"

#include "NetnsScope.hpp"
#include "FileLogger.hpp"
#include "Trace.hpp"

#include "core/node/NodeKey.hpp"

#include <ratatoskr/net.hpp>

namespace rtk::interop {

CoreStack::CoreStack(Lab& lab, const Netns& netns, const std::string& name, std::vector<std::string> peers) {
  const auto dir = lab.dir() / name;
  std::filesystem::create_directories(dir);
  auto logger = fileLogger(dir / "node.log");
  NodeConfig config;
  config.privateKey = Node::generatePrivateKey();
  config.peers = std::move(peers);
  auto key = core::node::loadNodeKey(config);
  {
    NetnsScope in(netns);
    core_ = std::make_unique<core::node::Core>(core::node::CoreSettings{key.key, config, Log(logger, name)});
  }
  stack_ = std::make_unique<netstack::Netstack>(core_->packets(), Log(logger, name + "/netstack"));
  trace(name + ": core + stack in " + netns.name() + ", " + address());
}

CoreStack::~CoreStack() {
  stack_->close();
  core_->stop();
}

std::string CoreStack::address() const { return formatAddress(core_->packets().address()); }

}  // namespace rtk::interop
