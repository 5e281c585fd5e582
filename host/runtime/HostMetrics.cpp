#include "runtime/HostMetrics.hpp"

#include <map>

#include "ratatoskr/abi.h"
#include "ratatoskr/abi.hpp"

namespace rtk::host {

namespace {

struct SampleWriter {
  const rtk_metric_sink& out;
  void operator()(rtk_metric_type type, std::string_view name, std::string_view help, double value,
                  std::initializer_list<std::pair<std::string_view, std::string_view>> labels = {}) const {
    std::vector<rtk_metric_label> cLabels;
    for (const auto& [k, v] : labels)
      if (!v.empty()) cLabels.push_back(rtk_metric_label{sdk::toStr(k), sdk::toStr(v)});
    rtk_metric_sample s{sizeof(rtk_metric_sample), type, sdk::toStr(name), sdk::toStr(help), cLabels.data(),
                        cLabels.size(), value};
    out.sample(out.ctx, &s);
  }
};

// Label values for states: Prometheus label values may hold spaces, but
// queries are easier without ("load failed" → "load_failed").
std::string stateLabel(PluginState s) {
  std::string out = pluginStateName(s);
  for (auto& c : out)
    if (c == ' ') c = '_';
  return out;
}

}  // namespace

HostMetrics::HostMetrics(const PluginManager& plugins, std::mutex& lifecycle, std::string hostVersion)
    : plugins_(plugins), lifecycle_(lifecycle), hostVersion_(std::move(hostVersion)) {}

void HostMetrics::nodeStarted(Counters counters) {
  std::lock_guard lock(nodeMutex_);
  counters_ = std::move(counters);
  nodeStart_ = std::chrono::steady_clock::now();
  nodeRunning_ = true;
}

void HostMetrics::nodeStopped() {
  std::lock_guard lock(nodeMutex_);
  counters_ = nullptr;
  nodeRunning_ = false;
}

void HostMetrics::refreshPlugins() {
  std::unique_lock lock(lifecycle_, std::try_to_lock);
  if (!lock.owns_lock()) return;
  rows_.clear();
  for (const auto& p : plugins_.plugins()) {
    rows_.push_back(PluginRow{p->name(), p->kind() == RTK_PLUGIN_SIGIL ? "sigil" : "component", stateLabel(p->state())});
    if (p->state() == PluginState::Disabled) rows_.back().kind.clear();  // not enabled: no plugin_up line
  }
}

void HostMetrics::write(const rtk_metric_sink& out) {
  SampleWriter w{out};
  w(RTK_METRIC_GAUGE, "ratatoskr_build_info", "the host's version and plugin ABI; always 1", 1,
    {{"version", hostVersion_}, {"abi", std::to_string(RTK_ABI_MAJOR) + "." + std::to_string(RTK_ABI_MINOR)}});
  w(RTK_METRIC_GAUGE, "ratatoskr_start_time_seconds", "when the host started, in seconds since the Unix epoch",
    std::chrono::duration<double>(hostStart_.time_since_epoch()).count());

  std::vector<NodeCounter> counters;
  {
    std::lock_guard lock(nodeMutex_);
    if (nodeRunning_) {
      w(RTK_METRIC_GAUGE, "ratatoskr_node_uptime_seconds", "seconds since the node was created",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - nodeStart_).count());
    }
    if (counters_) counters = counters_();
  }

  refreshPlugins();
  static constexpr PluginState kStates[] = {PluginState::Found,      PluginState::Disabled, PluginState::Refused,
                                            PluginState::Loaded,     PluginState::LoadFailed, PluginState::Started,
                                            PluginState::StartFailed, PluginState::Stopped};
  std::map<std::string, int> byState;
  for (auto s : kStates) byState[stateLabel(s)] = 0;
  for (const auto& r : rows_) ++byState[r.state];
  for (const auto& [state, n] : byState)
    w(RTK_METRIC_GAUGE, "ratatoskr_plugins", "plugin files found in the plugin directories, by state", n, {{"state", state}});
  for (const auto& r : rows_) {
    if (r.kind.empty() || r.name.empty()) continue;
    w(RTK_METRIC_GAUGE, "ratatoskr_plugin_up", "1 when an enabled plugin is running, else 0 (see the host's log for why)",
      r.state == "started" ? 1 : 0, {{"plugin", r.name}, {"kind", r.kind}});
  }

  for (const auto& c : counters) {
    std::string name = "ratatoskr_" + c.name;
    w(c.gauge ? RTK_METRIC_GAUGE : RTK_METRIC_COUNTER, name, c.help, static_cast<double>(c.value), {{"reason", c.reason}});
  }
}

}  // namespace rtk::host
