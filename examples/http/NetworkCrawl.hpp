// NetworkCrawl — one bounded breadth-first crawl of the network from this
// node, over the debug protocol's remote peers query (what yggdrasilctl's
// debug_remoteGetPeers asks).
//
// Depth 1 is our up peers (RTT: link latency). Each further level asks every
// node of the level before for its peers, at most `concurrency` calls out at
// once, each retried once on a timeout (a real node may drop a first contact
// while it looks us up). A node's RTT is then its own call's round trip. The
// crawl stops at maxDepth (the last level is not asked), at an empty level,
// at maxNodes (the result is marked truncated) or when stop() is called.
//
// run() blocks the calling thread (the example's crawl thread); the node's
// callbacks only hand replies over, so no thread is held per call.
// Thread-safety: stop() from any thread; run() from one thread at a time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>

#include "ratatoskr/json.hpp"
#include "ratatoskr/node.hpp"

namespace rtk::example {

struct CrawlLimits {
  int maxDepth = 3;                          // levels from us (1: our peers only)
  std::size_t maxNodes = 64;                 // nodes besides us
  std::size_t concurrency = 8;               // remote calls at once
  std::chrono::milliseconds callTimeout{4000};
  std::size_t maxEdges = 2048;               // edges kept for drawing
};

class NetworkCrawl {
 public:
  NetworkCrawl(Node& node, CrawlLimits limits);
  ~NetworkCrawl();
  NetworkCrawl(const NetworkCrawl&) = delete;
  NetworkCrawl& operator=(const NetworkCrawl&) = delete;

  // {"root","max_depth","max_nodes","truncated","stopped","elapsed_ms","remote_calls",
  //  "nodes":[{"key","address","parent","depth","rtt_ms"|null,"queried","unreachable"}],
  //  "edges":[["<key>","<key>"],…]}
  json::Value run();
  void stop();

  struct Mailbox;  // replies handed over from the node's callbacks

 private:
  Node& node_;
  CrawlLimits limits_;
  std::shared_ptr<Mailbox> mailbox_;
};

}  // namespace rtk::example
