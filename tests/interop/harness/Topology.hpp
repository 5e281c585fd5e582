// Node graphs for interop tests: a plan (nodes, links, transport per link)
// built into a Lab as one namespace per node, one veth per network link,
// and nodes configured to listen and dial accordingly.
//
// Node i is named "n<i>" (plan.prefix + i) and lives in namespace
// "rtki-<run>-n<i>". For a link
// the listener listens on its veth end (or a unix socket in the lab dir) and
// the dialer has that URI in Peers.
// Thread-safety: one thread.
#pragma once

#include "Lab.hpp"
#include "Ping.hpp"
#include "Transport.hpp"

#include <functional>
#include <string>
#include <vector>

namespace rtk::interop {

struct LinkPlan {
  int dialer;    // node index with the URI in Peers
  int listener;  // node index with the listener
  Transport transport;
};

struct TopologyPlan {
  int nodeCount = 0;
  std::vector<LinkPlan> links;
  // Node i is named <prefix><i>, in namespace <prefix><i>; unix sockets are
  // <prefix>link<k>.sock. A different prefix lets two topologies share a Lab
  // (e.g. a mixed and an all-real line measured in the same run).
  std::string prefix = "n";

  // n0 - n1 - ... - n(n-1); node i+1 dials node i; link i uses
  // transports[i % transports.size()].
  static TopologyPlan line(int nodeCount, const std::vector<Transport>& transports);
  // A ring n0 .. n(n-1) (node (i+1)%n dials node i, link i) plus one chord
  // n(n/2) -> n0 as the last link; transports cycle as in line().
  static TopologyPlan ringWithChord(int nodeCount, const std::vector<Transport>& transports);

  std::vector<int> neighbours(int node) const;
  // "n1 -tcp-> n0, n2 -tls-> n1".
  std::string describe() const;
};

enum class NodeKind { Real, Ours };

class Topology {
 public:
  // Builds namespaces, links and (stopped) nodes. kinds[i] picks the node
  // class; empty means all real. `customize` may edit each spec before the
  // node is created (NodeInfo, MTU, log level...).
  Topology(Lab& lab, TopologyPlan plan, std::vector<NodeKind> kinds = {},
           const std::function<void(int, NodeSpec&)>& customize = {});

  const TopologyPlan& plan() const { return plan_; }
  int size() const { return plan_.nodeCount; }
  Node& node(int index) const { return *nodes_.at(static_cast<std::size_t>(index)); }
  const Netns& netns(int index) const { return *namespaces_.at(static_cast<std::size_t>(index)); }
  // The veth under link `index`, nullptr for unix links.
  const VethLink* veth(int index) const { return veths_.at(static_cast<std::size_t>(index)); }

  // Starts every node in index order (listeners first where the plan allows
  // it does not matter: dialers retry with backoff).
  void startAll();

  // Every running node has an up peer with the key of each running neighbour.
  long waitPeersUp(int timeoutMs) const;
  // The spanning tree has converged over the running nodes: each one's
  // getTree holds itself and every running neighbour, its parent chain ends
  // at a root (an entry that is its own parent), and all of them name the
  // same root, which is running.
  //
  // Not "every getTree lists every node": a 0.5 node only learns the
  // ancestries of itself and of its peers (ironwood router._sendAnnounces),
  // so in a line of three the ends do not see each other. Reachability
  // beyond that is what waitReachable() checks.
  long waitTreeConverged(int timeoutMs) const;
  // The root key every running node agrees on (throws rtk::Error(Protocol)
  // if they disagree or a chain is broken).
  std::string treeRoot() const;
  // A one-packet ping6 from node `from` (needs a TUN) to node `to`'s address succeeds.
  long waitReachable(int from, int to, int timeoutMs) const;

  // Human-readable state for failure messages: each node's up peers and tree size.
  std::string snapshot() const;

 private:
  std::vector<int> runningNodes() const;

  Lab& lab_;
  TopologyPlan plan_;
  std::vector<Netns*> namespaces_;
  std::vector<const VethLink*> veths_;
  std::vector<Node*> nodes_;
};

}  // namespace rtk::interop
