// rtk::host::HostMetrics — the host's own samples for "ratatoskr.metrics/1":
//   ratatoskr_build_info{version,abi}           1
//   ratatoskr_start_time_seconds                when the host started (Unix time)
//   ratatoskr_node_uptime_seconds               since the node was created
//   ratatoskr_plugins{state}                    plugin files by state (every state, 0 included)
//   ratatoskr_plugin_up{plugin,kind}            1 for a started plugin, 0 for an enabled one that is not
//   ratatoskr_<node counter>{reason}            the node's running totals (rtk::Node::counters())
//
// The plugin table changes only on the lifecycle thread, under the host's
// lifecycle mutex. A collect must never wait for that mutex: unloading the
// exporter holds it while joining the exporter's thread, which may be the
// one collecting. So it is only tried; while a lifecycle step runs, the
// table seen by the last collect is written again.
// Thread-safety: write() from any thread, one at a time (MetricsRegistry
// serializes collects); nodeStarted/nodeStopped from the lifecycle thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "ratatoskr/node_interface.hpp"
#include "ratatoskr/services/metrics.h"
#include "runtime/PluginManager.hpp"

namespace rtk::host {

class HostMetrics {
 public:
  using Counters = std::function<std::vector<NodeCounter>()>;

  HostMetrics(const PluginManager& plugins, std::mutex& lifecycle, std::string hostVersion);

  void nodeStarted(Counters counters);
  void nodeStopped();
  void write(const rtk_metric_sink& out);

 private:
  struct PluginRow {
    std::string name, kind, state;
  };
  void refreshPlugins();

  const PluginManager& plugins_;
  std::mutex& lifecycle_;
  std::string hostVersion_;
  std::chrono::system_clock::time_point hostStart_ = std::chrono::system_clock::now();
  std::mutex nodeMutex_;
  Counters counters_;
  std::chrono::steady_clock::time_point nodeStart_{};
  bool nodeRunning_ = false;
  std::vector<PluginRow> rows_;  // the last plugin table seen
};

}  // namespace rtk::host
