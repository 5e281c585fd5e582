#include "Topology.hpp"

#include "Trace.hpp"
#include "Wait.hpp"

#include <ratatoskr/error.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

namespace rtk::interop {
namespace {

Transport cycle(const std::vector<Transport>& transports, std::size_t index) {
  if (transports.empty()) throw Error(Errc::InvalidArgument, "interop: topology needs at least one transport");
  return transports[index % transports.size()];
}

bool containsAll(const std::vector<std::string>& have, const std::vector<std::string>& want) {
  const std::set<std::string> set(have.begin(), have.end());
  return std::all_of(want.begin(), want.end(), [&](const std::string& k) { return set.count(k) != 0; });
}

}  // namespace

TopologyPlan TopologyPlan::line(int nodeCount, const std::vector<Transport>& transports) {
  if (nodeCount < 2) throw Error(Errc::InvalidArgument, "interop: a line needs at least 2 nodes");
  TopologyPlan plan;
  plan.nodeCount = nodeCount;
  for (int i = 0; i + 1 < nodeCount; ++i) {
    plan.links.push_back(LinkPlan{i + 1, i, cycle(transports, static_cast<std::size_t>(i))});
  }
  return plan;
}

TopologyPlan TopologyPlan::ringWithChord(int nodeCount, const std::vector<Transport>& transports) {
  if (nodeCount < 4) throw Error(Errc::InvalidArgument, "interop: a ring with a chord needs at least 4 nodes");
  TopologyPlan plan;
  plan.nodeCount = nodeCount;
  for (int i = 0; i < nodeCount; ++i) {
    plan.links.push_back(LinkPlan{(i + 1) % nodeCount, i, cycle(transports, static_cast<std::size_t>(i))});
  }
  plan.links.push_back(
      LinkPlan{nodeCount / 2, 0, cycle(transports, static_cast<std::size_t>(nodeCount))});
  return plan;
}

std::vector<int> TopologyPlan::neighbours(int node) const {
  std::vector<int> result;
  for (const auto& link : links) {
    if (link.dialer == node) result.push_back(link.listener);
    if (link.listener == node) result.push_back(link.dialer);
  }
  return result;
}

std::string TopologyPlan::describe() const {
  std::ostringstream s;
  for (std::size_t i = 0; i < links.size(); ++i) {
    if (i != 0) s << ", ";
    s << prefix << links[i].dialer << " -" << transportName(links[i].transport) << "-> " << prefix
      << links[i].listener;
  }
  return s.str();
}

Topology::Topology(Lab& lab, TopologyPlan plan, std::vector<NodeKind> kinds,
                   const std::function<void(int, NodeSpec&)>& customize)
    : lab_(lab), plan_(std::move(plan)) {
  if (kinds.empty()) kinds.assign(static_cast<std::size_t>(plan_.nodeCount), NodeKind::Real);
  if (kinds.size() != static_cast<std::size_t>(plan_.nodeCount)) {
    throw Error(Errc::InvalidArgument, "interop: topology: one NodeKind per node");
  }
  std::vector<NodeSpec> specs(static_cast<std::size_t>(plan_.nodeCount));
  for (int i = 0; i < plan_.nodeCount; ++i) {
    specs[static_cast<std::size_t>(i)].name = plan_.prefix + std::to_string(i);
    namespaces_.push_back(&lab_.addNetns(plan_.prefix + std::to_string(i)));
  }
  for (std::size_t k = 0; k < plan_.links.size(); ++k) {
    const LinkPlan& link = plan_.links[k];
    if (link.dialer < 0 || link.listener < 0 || link.dialer >= plan_.nodeCount ||
        link.listener >= plan_.nodeCount || link.dialer == link.listener) {
      throw Error(Errc::InvalidArgument, "interop: topology link " + std::to_string(k) + " is invalid");
    }
    std::string uri;
    if (link.transport == Transport::Unix) {
      veths_.push_back(nullptr);
      uri = transportUri(Transport::Unix, lab_.file(plan_.prefix + "link" + std::to_string(k) + ".sock").string(), 0);
    } else {
      const VethLink& veth = lab_.connect(*namespaces_[static_cast<std::size_t>(link.listener)],
                                          *namespaces_[static_cast<std::size_t>(link.dialer)]);
      veths_.push_back(&veth);
      uri = transportUri(link.transport, veth.a().ipv6, defaultPort(link.transport));
    }
    specs[static_cast<std::size_t>(link.listener)].listen.push_back(uri);
    specs[static_cast<std::size_t>(link.dialer)].peers.push_back(uri);
  }
  for (int i = 0; i < plan_.nodeCount; ++i) {
    NodeSpec& spec = specs[static_cast<std::size_t>(i)];
    if (customize) customize(i, spec);
    const Netns& ns = *namespaces_[static_cast<std::size_t>(i)];
    if (kinds[static_cast<std::size_t>(i)] == NodeKind::Real) {
      nodes_.push_back(&lab_.addRealNode(spec, ns));
    } else {
      nodes_.push_back(&lab_.addOurNode(spec, ns));
    }
  }
  trace("topology: " + std::to_string(plan_.nodeCount) + " nodes: " + plan_.describe());
}

void Topology::startAll() {
  for (Node* node : nodes_) node->start();
}

std::vector<int> Topology::runningNodes() const {
  std::vector<int> running;
  for (int i = 0; i < size(); ++i) {
    if (nodes_[static_cast<std::size_t>(i)]->running()) running.push_back(i);
  }
  return running;
}

long Topology::waitPeersUp(int timeoutMs) const {
  return waitUntil("every link up", timeoutMs, [this] {
    const auto running = runningNodes();
    for (int i : running) {
      std::vector<std::string> want;
      for (int n : plan_.neighbours(i)) {
        if (std::find(running.begin(), running.end(), n) != running.end()) want.push_back(node(n).publicKey());
      }
      if (!containsAll(node(i).ctl().upPeerKeys(), want)) return false;
    }
    return true;
  });
}

std::string Topology::treeRoot() const {
  const auto running = runningNodes();
  std::string root;
  for (int i : running) {
    const Node& n = node(i);
    std::map<std::string, std::string> parentOf;
    for (const auto& entry : n.ctl().treeEntries()) parentOf[entry.key] = entry.parent;
    auto require = [&](const std::string& key, const std::string& what) {
      if (parentOf.count(key) == 0) {
        throw Error(Errc::Protocol, "interop: " + n.name() + ": getTree lacks " + what + " " + key.substr(0, 16));
      }
    };
    require(n.publicKey(), "its own key");
    for (int k : plan_.neighbours(i)) {
      if (std::find(running.begin(), running.end(), k) != running.end()) {
        require(node(k).publicKey(), "neighbour " + node(k).name());
      }
    }
    std::string key = n.publicKey();
    for (std::size_t hops = 0; parentOf.at(key) != key; ++hops) {
      const std::string& parent = parentOf.at(key);
      if (hops > parentOf.size()) throw Error(Errc::Protocol, "interop: " + n.name() + ": getTree has a cycle");
      require(parent, "the parent of " + key.substr(0, 16));
      key = parent;
    }
    if (root.empty()) {
      root = key;
    } else if (root != key) {
      throw Error(Errc::Protocol, "interop: " + n.name() + " has root " + key.substr(0, 16) + ", others " +
                                      root.substr(0, 16));
    }
  }
  for (int i : running) {
    if (node(i).publicKey() == root) return root;
  }
  throw Error(Errc::Protocol, "interop: the tree root " + root.substr(0, 16) + " is not a running node");
}

long Topology::waitTreeConverged(int timeoutMs) const {
  return waitUntil("spanning tree converged", timeoutMs, [this] { return !treeRoot().empty(); });
}

long Topology::waitReachable(int from, int to, int timeoutMs) const {
  if (!node(from).hasTun()) {
    throw Error(Errc::NotSupported, "interop: " + node(from).name() + " has no TUN to ping from");
  }
  const std::string address = node(to).address();
  return waitUntil(node(from).name() + " reaches " + node(to).name() + " (" + address + ")", timeoutMs,
                   [&] {
                     return ping6(netns(from), address, PingOptions{1, 2000, 0.2, 56}).allReceived();
                   });
}

std::string Topology::snapshot() const {
  std::ostringstream s;
  for (int i = 0; i < size(); ++i) {
    Node& n = node(i);
    s << n.name() << ": ";
    if (!n.running()) {
      s << "not running\n";
      continue;
    }
    try {
      s << n.ctl().upPeerKeys().size() << " peers up, tree " << n.ctl().treeKeys().size() << " keys\n";
    } catch (const std::exception& e) {
      s << "admin error: " << e.what() << "\n";
    }
  }
  return s.str();
}

}  // namespace rtk::interop
