// rtk::plugins::metrics::NodeScraper — one scrape: everything the services
// say now, as Prometheus text.
//
// Sources, each read once per scrape:
//   network      ratatoskr_node_info{address,subnet,key} 1
//   diagnostics  routing entries, tree nodes, paths, sessions (gauges)
//   peers        ratatoskr_peers{state}, and per peer {uri,key,direction}:
//                up, latency, uptime, cost (gauges); bytes and packets
//                received and sent (counters of the current link)
//   metrics      the host's samples (build, plugins, the node's totals:
//                drops by reason, lookups, netstack sockets) and every
//                plugin's collector
//   itself       ratatoskr_metrics_scrape_errors_total{source},
//                ratatoskr_metrics_samples_dropped_total
// A source that fails is logged (once per failure streak) and counted; the
// others still appear. Samples the exposition refuses are counted too.
// Thread-safety: scrape() from any thread; scrapes are serialized.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "TextExposition.hpp"
#include "ratatoskr/log.hpp"
#include "ratatoskr/node_interface.hpp"
#include "ratatoskr/services/metrics.hpp"

namespace rtk::plugins::metrics {

class NodeScraper {
 public:
  NodeScraper(NetworkInterface& network, PeerInterface& peers, DiagnosticInterface& diagnostics,
              sdk::MetricsClient& metrics, Log log);

  std::string scrape();

 private:
  void addNetwork(TextExposition& out);
  void addDiagnostics(TextExposition& out);
  void addPeers(TextExposition& out);
  void addServiceSamples(TextExposition& out);
  void addOwn(TextExposition& out);
  // Runs one source; a throw is logged and counted under `source`.
  template <class F>
  void guarded(const char* source, F&& f);
  void keep(TextExposition& out, SampleType type, std::string_view name, std::string_view help,
            std::vector<Label> labels, double value);

  NetworkInterface& network_;
  PeerInterface& peers_;
  DiagnosticInterface& diagnostics_;
  sdk::MetricsClient& metrics_;
  Log log_;
  std::mutex mutex_;  // one scrape at a time; guards the members below
  std::map<std::string, std::uint64_t> errors_;  // source → failed scrapes
  std::map<std::string, bool> failing_;          // source → failed last time (log once per streak)
  std::uint64_t dropped_ = 0;
  std::map<std::string, bool> droppedLogged_;    // a refused name is logged once
};

}  // namespace rtk::plugins::metrics
