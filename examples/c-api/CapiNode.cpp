#include "CapiNode.hpp"

#include <ratatoskr/address.hpp>
#include <ratatoskr/json.hpp>

namespace rtkc {

std::string dialAddressOf(std::string_view target) {
  const auto colon = target.rfind(':');
  if (!target.empty() && target.front() == '[') {
    rtk::parseEndpoint(target);  // throws with the reason
    return std::string(target);
  }
  if (colon == std::string_view::npos || !rtk::address::isPkYggName(target.substr(0, colon)))
    throw rtk::Error(rtk::Errc::InvalidArgument,
                     "\"" + std::string(target) + "\" is neither [address]:port nor <64 hex key>.pk.ygg:port");
  const rtk::PublicKey key = rtk::address::keyFromPkYggName(target.substr(0, colon));
  const std::string address = "[" + rtk::formatAddress(rtk::address::addressForKey(key)) + "]" +
                              std::string(target.substr(colon));
  rtk::parseEndpoint(address);  // checks the port
  return address;
}

CapiNode::CapiNode(const Conf& conf) {
  rtk::NodeOptions options;
  options.config = conf.node;
  if (conf.logLevel != rtk::LogLevel::Off)
    options.logger = std::make_shared<rtk::Logger>(rtk::Logger::stderrSink(), conf.logLevel);
  node_ = rtk::Node::create(options);
}

CapiNode::~CapiNode() {
  try {
    stop();
  } catch (...) {
    // The node's close() reported a failure; nothing is left running.
  }
}

std::string CapiNode::peersJson() const {
  rtk::json::Value peers = rtk::json::Value::array();
  for (const rtk::PeerInfo& p : node_->getPeers()) {
    rtk::json::Value o = rtk::json::Value::object();
    o.set("uri", p.uri);
    o.set("up", p.up);
    o.set("inbound", p.inbound);
    o.set("key", p.up ? p.key.hex() : std::string());
    o.set("latency_ms", std::chrono::duration<double, std::milli>(p.latency).count());
    o.set("rx_bytes", static_cast<unsigned long long>(p.rxBytes));
    o.set("tx_bytes", static_cast<unsigned long long>(p.txBytes));
    o.set("uptime_s", std::chrono::duration<double>(p.uptime).count());
    if (!p.lastError.empty()) o.set("last_error", p.lastError);
    peers.push(std::move(o));
  }
  return peers.dump();
}

std::vector<std::unique_ptr<FdRelay>> CapiNode::takeFinished() {
  std::vector<std::unique_ptr<FdRelay>> done;
  std::lock_guard lock(mutex_);
  for (auto it = relays_.begin(); it != relays_.end();) {
    if ((*it)->finished()) {
      done.push_back(std::move(*it));
      it = relays_.erase(it);
    } else {
      ++it;
    }
  }
  return done;
}

int CapiNode::dial(std::string_view target, std::chrono::milliseconds timeout) {
  const std::string address = dialAddressOf(target);
  takeFinished();  // their threads have ended: destroying them does not wait
  std::uint64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) throw rtk::Error(rtk::Errc::Closed, "dial " + address + ": the node is stopped");
    if (relays_.size() + dialing_ >= kMaxRelays)
      throw rtk::Error(rtk::Errc::InvalidArgument, "dial " + address + ": already " + std::to_string(kMaxRelays) +
                                                       " connections open; close one first");
    ++dialing_;
    id = nextId_++;
  }
  struct Slot {
    CapiNode& self;
    ~Slot() {
      std::lock_guard lock(self.mutex_);
      --self.dialing_;
    }
  } slot{*this};

  rtk::DialOptions options;
  options.deadline = rtk::Clock::now() + timeout;
  std::unique_ptr<rtk::Conn> conn;
  try {
    conn = node_->dial("tcp", address, options);
  } catch (const rtk::Error& e) {
    throw rtk::Error(e.code(), "dial " + address + ": " + rtk::errcName(e.code()) + ": " + e.what());
  }
  auto relay = std::make_unique<FdRelay>(std::move(conn), id);
  std::lock_guard lock(mutex_);
  if (stopped_) throw rtk::Error(rtk::Errc::Closed, "dial " + address + ": the node stopped meanwhile");
  const int fd = relay->releaseHostFd();
  relays_.push_back(std::move(relay));
  return fd;
}

void CapiNode::stop() {
  std::vector<std::unique_ptr<FdRelay>> relays;
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    relays.swap(relays_);
  }
  relays.clear();  // each closes and joins its two threads
  node_->close();
}

}  // namespace rtkc
