#include "runtime/MetricsRegistry.hpp"

#include "ratatoskr/error.hpp"

namespace rtk::host {

namespace {
// Set while this thread runs collect(): a collector that removes itself (or
// another) must not wait for the collect it is part of.
thread_local const MetricsRegistry* collectingRegistry = nullptr;
}  // namespace

std::uint64_t MetricsRegistry::add(std::string owner, rtk_metrics_collect_fn fn, void* ctx) {
  if (!fn) throw Error(Errc::InvalidArgument, "metrics add_collector: " + owner + ": no collector function");
  std::lock_guard lock(mutex_);
  std::uint64_t id = nextId_++;
  entries_.push_back(Entry{id, std::move(owner), fn, ctx});
  return id;
}

void MetricsRegistry::remove(std::uint64_t id) {
  {
    std::lock_guard lock(mutex_);
    std::erase_if(entries_, [id](const Entry& e) { return e.id == id; });
  }
  if (collectingRegistry == this) return;
  std::lock_guard wait(collectMutex_);  // a collect that still holds the old list ends first
}

void MetricsRegistry::collect(const rtk_metric_sink& out) {
  std::lock_guard serial(collectMutex_);
  collectingRegistry = this;
  struct Reset {
    ~Reset() { collectingRegistry = nullptr; }
  } reset;
  if (hostSamples_) hostSamples_(out);
  std::vector<Entry> entries;
  {
    std::lock_guard lock(mutex_);
    entries = entries_;
  }
  for (const auto& e : entries) {
    {
      std::lock_guard lock(mutex_);  // removed by an earlier collector of this collect
      bool present = false;
      for (const auto& cur : entries_) present |= cur.id == e.id;
      if (!present) continue;
    }
    e.fn(e.ctx, &out);
  }
}

std::size_t MetricsRegistry::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace rtk::host
