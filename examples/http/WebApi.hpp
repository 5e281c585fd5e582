// WebApi — the JSON endpoints of the web UI (GET only):
//
//   /api/node              our address, subnet, key, MTU, routing entries, NodeInfo
//   /api/peers             every configured or inbound peer: state, latency, traffic
//   /api/tree              the spanning tree as this node knows it, and its root
//   /api/crawl             the last crawl of the network (CrawlSchedule)
//   /api/nodeinfo?key=HEX  a node's NodeInfo (ours without a network call)
//
// Errors are {"error": "..."} with 400 (bad or missing key), 404 (unknown
// endpoint), 503 (too many NodeInfo requests at once), 504 (the node did
// not answer in time) or 502 (any other failure of the remote call).
// Thread-safety: handle() from any number of server threads at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "CrawlSchedule.hpp"
#include "ratatoskr/node.hpp"

namespace rtk::example {

struct ApiResponse {
  int status = 200;
  std::string json;
};

class WebApi {
 public:
  WebApi(Node& node, CrawlSchedule& crawls, std::size_t maxNodeInfoCalls, std::chrono::milliseconds nodeInfoTimeout);

  // `path` starts with "/api/"; `key` is the query's key parameter, if any.
  ApiResponse handle(std::string_view path, const std::optional<std::string>& key);

 private:
  std::string nodeJson() const;
  std::string peersJson() const;
  std::string treeJson() const;
  ApiResponse nodeInfo(const std::optional<std::string>& key);

  Node& node_;
  CrawlSchedule& crawls_;
  std::size_t maxNodeInfoCalls_;
  std::chrono::milliseconds nodeInfoTimeout_;
  std::atomic<std::size_t> nodeInfoCalls_{0};
};

}  // namespace rtk::example
