#include "CoreNode.hpp"

#include "NetnsScope.hpp"
#include "FileLogger.hpp"
#include "Trace.hpp"

#include "core/node/NodeKey.hpp"

#include <ratatoskr/net.hpp>

#include <chrono>

namespace rtk::interop {

CoreNode::CoreNode(Lab& lab, const Netns& netns, const std::string& name, std::vector<std::string> peers,
                   std::vector<std::string> listen) {
  const auto dir = lab.dir() / name;
  std::filesystem::create_directories(dir);
  auto logger = fileLogger(dir / "node.log");
  NodeConfig config;
  config.privateKey = Node::generatePrivateKey();
  config.peers = std::move(peers);
  config.listen = std::move(listen);
  config.nodeInfo = "{\"name\":\"" + name + "\"}";
  auto key = core::node::loadNodeKey(config);
  {
    NetnsScope in(netns);
    core_ = std::make_unique<core::node::Core>(core::node::CoreSettings{key.key, config, Log(logger, name)});
  }
  core_->packets().setPacketHandler([this](core::OffsetBytes received) {
    core::Bytes packet = std::move(received).take();
    std::function<void(core::Bytes)> h;
    {
      std::lock_guard lock(mutex_);
      ++delivered_;
      h = handler_;
      if (!h) {
        if (queue_.size() < 100000) queue_.push_back(std::move(packet));
        cv_.notify_all();
        return;
      }
    }
    h(std::move(packet));
  });
  trace(name + ": core in " + netns.name() + ", " + formatAddress(address()));
}

CoreNode::~CoreNode() {
  core_->packets().setPacketHandler({});
  core_->stop();
}

std::optional<core::Bytes> CoreNode::next(int timeoutMs, const std::function<bool(const core::Bytes&)>& match) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  std::unique_lock lock(mutex_);
  for (;;) {
    while (!queue_.empty()) {
      core::Bytes p = std::move(queue_.front());
      queue_.pop_front();
      if (match(p)) return p;
    }
    if (cv_.wait_until(lock, end) == std::cv_status::timeout && queue_.empty()) return std::nullopt;
  }
}

void CoreNode::setHandler(std::function<void(core::Bytes)> handler) {
  std::lock_guard lock(mutex_);
  handler_ = std::move(handler);
}

std::uint64_t CoreNode::delivered() const {
  std::lock_guard lock(mutex_);
  return delivered_;
}

}  // namespace rtk::interop
