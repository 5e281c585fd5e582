#include "InProcessNode.hpp"

#include "Json.hpp"
#include "NetnsScope.hpp"
#include "Trace.hpp"

#include <chrono>

namespace rtk::interop {

InProcessNode::InProcessNode(Lab& lab, const Netns& netns, InProcessSpec spec)
    : lab_(lab), netns_(netns), spec_(std::move(spec)), dir_(lab.dir() / spec_.name) {
  std::filesystem::create_directories(dir_);
  if (spec_.privateKeyHex.empty()) spec_.privateKeyHex = Node::generatePrivateKey();
  logFile_ = std::make_shared<std::ofstream>(dir_ / "node.log", std::ios::app);
  logMutex_ = std::make_shared<std::mutex>();
  auto file = logFile_;
  auto mutex = logMutex_;
  auto logger = std::make_shared<rtk::Logger>(
      [file, mutex](rtk::LogLevel level, std::string_view sub, std::string_view msg) {
        const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now().time_since_epoch())
                             .count();
        std::lock_guard lock(*mutex);
        *file << now << ' ' << rtk::logLevelName(level) << ' ' << sub << ": " << msg << '\n';
        file->flush();
      },
      rtk::LogLevel::Debug);

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
