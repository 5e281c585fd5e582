// rtk::host::MetricsRegistry — the host side of "ratatoskr.metrics/1"
// (services/metrics.h): the collectors plugins added, and the host's own
// samples, handed to whoever collects.
//
// collect() writes the host's samples first (the HostSamples function the
// runtime gives: plugins by state, the node's running totals), then calls
// every collector in the order added. Collects are serialized by one mutex,
// so a collector never runs concurrently with itself; remove() waits for a
// collect in progress, so once it returns the collector is never called
// again — except when called from inside a collect on the same thread,
// where it only takes the collector out of the list.
//
// Thread-safety: every member from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "ratatoskr/services/metrics.h"

namespace rtk::host {

class MetricsRegistry {
 public:
  using HostSamples = std::function<void(const rtk_metric_sink& out)>;

  explicit MetricsRegistry(HostSamples hostSamples = {}) : hostSamples_(std::move(hostSamples)) {}
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // owner: the plugin adding it (for messages). Throws Errc::InvalidArgument without fn.
  std::uint64_t add(std::string owner, rtk_metrics_collect_fn fn, void* ctx);
  void remove(std::uint64_t id);
  void collect(const rtk_metric_sink& out);
  std::size_t size() const;

 private:
  struct Entry {
    std::uint64_t id;
    std::string owner;
    rtk_metrics_collect_fn fn;
    void* ctx;
  };
  HostSamples hostSamples_;
  mutable std::mutex mutex_;    // entries_, nextId_
  std::mutex collectMutex_;     // one collect at a time
  std::vector<Entry> entries_;
  std::uint64_t nextId_ = 1;
};

}  // namespace rtk::host
