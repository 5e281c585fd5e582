// The metrics service table of one plugin scope (services/metrics.h). The
// scope remembers the plugin's collectors so they are removed before its stop().
#include "ratatoskr/abi.hpp"
#include "runtime/MetricsRegistry.hpp"
#include "runtime/scope/PluginScope.hpp"

namespace rtk::host {

namespace {

PluginScope& metricsScopeOf(rtk_metrics* m) noexcept { return *reinterpret_cast<PluginScope*>(m); }

struct MetricsCalls {
  static rtk_status addCollector(rtk_metrics* m, rtk_metrics_collect_fn fn, void* ctx, std::uint64_t* id,
                                 rtk_sink* error) noexcept {
    PluginScope& scope = metricsScopeOf(m);
    return sdk::guard(error, [&] {
      std::uint64_t added = scope.metrics().add(scope.pluginName(), fn, ctx);
      if (!scope.addCollector(added)) {
        scope.metrics().remove(added);
        throw Error(Errc::Closed, "metrics add_collector: \"" + scope.pluginName() + "\" is stopping");
      }
      if (id) *id = added;
    });
  }
  static void removeCollector(rtk_metrics* m, std::uint64_t id) noexcept {
    PluginScope& scope = metricsScopeOf(m);
    if (!scope.removeCollector(id)) return;  // not this plugin's: ignored, as unknown ids are
    scope.metrics().remove(id);
  }
  static rtk_status collect(rtk_metrics* m, const rtk_metric_sink* out, rtk_sink* error) noexcept {
    PluginScope& scope = metricsScopeOf(m);
    return sdk::guard(error, [&] {
      if (!out || !out->sample) throw Error(Errc::InvalidArgument, "metrics collect: no sink");
      scope.metrics().collect(*out);
    });
  }
};

}  // namespace

void fillMetricsTable(rtk_metrics_service& t, PluginScope* scope) {
  t.struct_size = sizeof(rtk_metrics_service);
  t.metrics = reinterpret_cast<rtk_metrics*>(scope);
  t.add_collector = &MetricsCalls::addCollector;
  t.remove_collector = &MetricsCalls::removeCollector;
  t.collect = &MetricsCalls::collect;
}

}  // namespace rtk::host
