#include "NetworkCrawl.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "KeyInput.hpp"
#include "ratatoskr/address.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::example {

struct NetworkCrawl::Mailbox {
  struct Reply {
    PublicKey key;
    Outcome<RemoteReply> outcome;
  };
  std::mutex mutex;
  std::condition_variable wake;
  bool stopped = false;
  std::vector<Reply> replies;
};

namespace {

constexpr int kCallsPerNode = 2;
constexpr std::size_t kMaxKeysPerReply = 1024;

struct FoundNode {
  PublicKey key, parent;
  int depth = 0;
  std::optional<std::chrono::nanoseconds> rtt;
  bool queried = false, unreachable = false;
};

json::Value rttMs(const std::optional<std::chrono::nanoseconds>& rtt) {
  if (!rtt) return json::Value();
  return static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(*rtt).count()) / 1000.0;
}

}  // namespace

NetworkCrawl::NetworkCrawl(Node& node, CrawlLimits limits)
    : node_(node), limits_(limits), mailbox_(std::make_shared<Mailbox>()) {}

NetworkCrawl::~NetworkCrawl() { stop(); }

void NetworkCrawl::stop() {
  std::lock_guard lock(mailbox_->mutex);
  mailbox_->stopped = true;
  mailbox_->wake.notify_all();
}

json::Value NetworkCrawl::run() {
  const auto started = std::chrono::steady_clock::now();
  const PublicKey self = node_.publicKey();
  std::vector<FoundNode> nodes;
  std::unordered_map<PublicKey, std::size_t> seen{{self, SIZE_MAX}};
  std::set<std::pair<PublicKey, PublicKey>> edges;
  bool truncated = false, stopped = false;
  std::size_t remoteCalls = 0;

  auto addEdge = [&](const PublicKey& a, const PublicKey& b) {
    if (a == b || edges.size() >= limits_.maxEdges) return;
    edges.insert(a < b ? std::pair{a, b} : std::pair{b, a});
  };
  auto addNode = [&](FoundNode n) -> std::optional<std::size_t> {
    if (seen.count(n.key) != 0) return std::nullopt;
    if (nodes.size() >= limits_.maxNodes) {
      truncated = true;
      return std::nullopt;
    }
    seen.emplace(n.key, nodes.size());
    nodes.push_back(n);
    return nodes.size() - 1;
  };

  // Depth 1: our up peers, in key order.
  std::vector<PeerInfo> peers = node_.getPeers();
  std::sort(peers.begin(), peers.end(), [](const PeerInfo& a, const PeerInfo& b) { return a.key < b.key; });
  std::vector<std::size_t> level;
  for (const auto& p : peers) {
    if (!p.up || p.key == PublicKey{}) continue;
    addEdge(self, p.key);
    if (auto i = addNode(FoundNode{p.key, self, 1, p.latency})) level.push_back(*i);
  }

  for (int depth = 1; depth < limits_.maxDepth && !level.empty() && !stopped; ++depth) {
    std::deque<std::size_t> waiting(level.begin(), level.end());
    std::map<PublicKey, std::pair<std::size_t, int>> inFlight;  // key -> (node, calls made)
    std::map<std::size_t, std::vector<PublicKey>> answers;
    auto call = [&](std::size_t index, int callsMade) {
      const PublicKey key = nodes[index].key;
      inFlight[key] = {index, callsMade + 1};
      nodes[index].queried = true;
      ++remoteCalls;
      auto box = mailbox_;
      auto deliver = [box, key](Outcome<RemoteReply> outcome) {
        std::lock_guard lock(box->mutex);
        box->replies.push_back(Mailbox::Reply{key, std::move(outcome)});
        box->wake.notify_all();
      };
      try {
        node_.queryRemote(RemoteQuery::Peers, key, limits_.callTimeout, deliver);
      } catch (const Error& e) {
        deliver(Outcome<RemoteReply>{e, {}});
      }
    };

    while (!waiting.empty() || !inFlight.empty()) {
      while (inFlight.size() < limits_.concurrency && !waiting.empty()) {
        call(waiting.front(), 0);
        waiting.pop_front();
      }
      std::vector<Mailbox::Reply> replies;
      {
        std::unique_lock lock(mailbox_->mutex);
        mailbox_->wake.wait(lock, [&] { return mailbox_->stopped || !mailbox_->replies.empty(); });
        if (mailbox_->stopped) {
          stopped = true;
          break;
        }
        replies.swap(mailbox_->replies);
      }
      for (auto& reply : replies) {
        auto it = inFlight.find(reply.key);
        if (it == inFlight.end()) continue;  // a late reply of an earlier run
        const auto [index, callsMade] = it->second;
        inFlight.erase(it);
        FoundNode& node = nodes[index];
        if (!reply.outcome.ok()) {
          if (reply.outcome.error->code() == Errc::Timeout && callsMade < kCallsPerNode) {
            call(index, callsMade);
          } else {
            node.unreachable = true;
            node.rtt.reset();
          }
          continue;
        }
        node.rtt = reply.outcome.value.rtt;
        try {
          answers[index] = parsePeerList(reply.outcome.value.json, kMaxKeysPerReply);
        } catch (const Error&) {
          node.unreachable = true;  // an answer we cannot read counts as none
        }
      }
    }

    // The next level, in key order: each new key's parent is the first node
    // (by key) of this level that listed it.
    std::vector<std::size_t> next;
    for (std::size_t index : level) {
      const PublicKey from = nodes[index].key;
      for (const PublicKey& key : answers[index]) {
        addEdge(from, key);
        if (auto i = addNode(FoundNode{key, from, depth + 1, std::nullopt})) next.push_back(*i);
      }
    }
    std::sort(next.begin(), next.end(), [&](std::size_t a, std::size_t b) { return nodes[a].key < nodes[b].key; });
    level = std::move(next);
  }

  json::Value out = json::Value::object();
  out.set("root", self.hex());
  out.set("root_address", formatAddress(address::addressForKey(self)));
  out.set("max_depth", limits_.maxDepth);
  out.set("max_nodes", static_cast<unsigned long long>(limits_.maxNodes));
  out.set("truncated", truncated);
  out.set("stopped", stopped);
  out.set("remote_calls", static_cast<unsigned long long>(remoteCalls));
  out.set("elapsed_ms", static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                   std::chrono::steady_clock::now() - started)
                                                   .count()));
  json::Value list = json::Value::array();
  for (const auto& n : nodes) {
    json::Value item = json::Value::object();
    item.set("key", n.key.hex());
    item.set("address", formatAddress(address::addressForKey(n.key)));
    item.set("parent", n.parent.hex());
    item.set("depth", n.depth);
    item.set("rtt_ms", rttMs(n.rtt));
    item.set("queried", n.queried);
    item.set("unreachable", n.unreachable);
    list.push(std::move(item));
  }
  out.set("nodes", std::move(list));
  json::Value edgeList = json::Value::array();
  for (const auto& [a, b] : edges) {
    if (seen.count(a) == 0 || seen.count(b) == 0) continue;  // an end cut by maxNodes
    json::Value pair = json::Value::array();
    pair.push(a.hex());
    pair.push(b.hex());
    edgeList.push(std::move(pair));
  }
  out.set("edges", std::move(edgeList));
  return out;
}

}  // namespace rtk::example
