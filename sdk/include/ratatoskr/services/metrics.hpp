// rtk::sdk::MetricsClient — the metrics service table (services/metrics.h).
//
// Publishing a plugin's numbers:
//   auto metrics = rtk::sdk::MetricsClient::fromHost(host);
//   metrics->addCollector([this](rtk::sdk::MetricWriter& out) {
//     out.counter("ratatoskr_socks_connections_total", "SOCKS connections accepted", connections_.load());
//     out.gauge("ratatoskr_socks_open_connections", "SOCKS connections open now", open_.load(),
//               {{"listener", "127.0.0.1:1080"}});
//   });
// Reading everything (an exporter):
//   metrics->collect([](const rtk::sdk::MetricSample& s) { ... });
//
// Collectors run on the collecting thread, one collect at a time (see
// metrics.h); they are removed by removeCollector, by the destructor, or by
// the host before the plugin's stop(). Errors: rtk::Error with the
// provider's Errc and message. Header-only.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/plugin.hpp"
#include "ratatoskr/services/metrics.h"

namespace rtk::sdk {

enum class MetricType { Counter = RTK_METRIC_COUNTER, Gauge = RTK_METRIC_GAUGE };

using MetricLabel = std::pair<std::string_view, std::string_view>;

// One sample as a reader sees it; the views are valid during the visit only.
struct MetricSample {
  MetricType type = MetricType::Gauge;
  std::string_view name;
  std::string_view help;
  std::vector<MetricLabel> labels;
  double value = 0;
};

// What a collector writes to.
class MetricWriter {
 public:
  explicit MetricWriter(const rtk_metric_sink* sink) noexcept : sink_(sink) {}

  void counter(std::string_view name, std::string_view help, double value,
               std::initializer_list<MetricLabel> labels = {}) const {
    write(RTK_METRIC_COUNTER, name, help, value, labels.begin(), labels.size());
  }
  void gauge(std::string_view name, std::string_view help, double value,
             std::initializer_list<MetricLabel> labels = {}) const {
    write(RTK_METRIC_GAUGE, name, help, value, labels.begin(), labels.size());
  }
  void sample(MetricType type, std::string_view name, std::string_view help, double value,
              const std::vector<MetricLabel>& labels) const {
    write(static_cast<rtk_metric_type>(type), name, help, value, labels.data(), labels.size());
  }

 private:
  void write(rtk_metric_type type, std::string_view name, std::string_view help, double value,
             const MetricLabel* labels, std::size_t count) const {
    std::vector<rtk_metric_label> cLabels(count);
    for (std::size_t i = 0; i < count; ++i) cLabels[i] = rtk_metric_label{toStr(labels[i].first), toStr(labels[i].second)};
    rtk_metric_sample s{sizeof(rtk_metric_sample), type, toStr(name), toStr(help), cLabels.data(), count, value};
    sink_->sample(sink_->ctx, &s);
  }
  const rtk_metric_sink* sink_;
};

class MetricsClient {
 public:
  using Collector = std::function<void(MetricWriter&)>;
  using Visitor = std::function<void(const MetricSample&)>;

  MetricsClient(const rtk_metrics_service& table, Log log) : t_(&table), log_(std::move(log)) {
    if (table.struct_size < RTK_METRICS_SERVICE_SIZE_1_0) {
      throw Error(Errc::Abi, "metrics service: table is " + std::to_string(table.struct_size) +
                                 " bytes, need at least " + std::to_string(RTK_METRICS_SERVICE_SIZE_1_0));
    }
  }
  ~MetricsClient() {
    std::lock_guard lock(mutex_);
    for (auto& [id, collector] : collectors_) t_->remove_collector(t_->metrics, id);
  }
  MetricsClient(const MetricsClient&) = delete;
  MetricsClient& operator=(const MetricsClient&) = delete;

  static std::unique_ptr<MetricsClient> fromHost(const Host& host) {
    return std::make_unique<MetricsClient>(host.requireService<rtk_metrics_service>(
        RTK_METRICS_SERVICE_ID, static_cast<std::uint32_t>(RTK_METRICS_SERVICE_SIZE_1_0)), host.log());
  }

  std::uint64_t addCollector(Collector collector) {
    auto box = std::make_unique<Box>(Box{std::move(collector), log_});
    std::uint64_t id = 0;
    StringSink err;
    std::lock_guard lock(mutex_);
    check(t_->add_collector(t_->metrics, &runCollector, box.get(), &id, err.get()), err, "addCollector");
    collectors_.emplace_back(id, std::move(box));
    return id;
  }
  void removeCollector(std::uint64_t id) {
    std::unique_ptr<Box> gone;  // freed after the host let go of it
    {
      std::lock_guard lock(mutex_);
      for (auto it = collectors_.begin(); it != collectors_.end(); ++it) {
        if (it->first != id) continue;
        gone = std::move(it->second);
        collectors_.erase(it);
        break;
      }
    }
    t_->remove_collector(t_->metrics, id);
  }

  // Every sample the host and the collectors have now, on this thread.
  void collect(const Visitor& visit) const {
    struct Ctx {
      const Visitor* visit;
      std::exception_ptr error;
    } ctx{&visit, nullptr};
    rtk_metric_sink sink{&ctx, [](void* c, const rtk_metric_sample* s) {
                           auto* self = static_cast<Ctx*>(c);
                           if (self->error || !s) return;
                           try {
                             MetricSample out;
                             out.type = static_cast<MetricType>(s->type);
                             out.name = fromStr(s->name);
                             out.help = fromStr(s->help);
                             out.value = s->value;
                             for (std::size_t i = 0; i < s->label_count; ++i)
                               out.labels.emplace_back(fromStr(s->labels[i].name), fromStr(s->labels[i].value));
                             (*self->visit)(out);
                           } catch (...) {
                             self->error = std::current_exception();  // rethrown once the host's call returned
                           }
                         }};
    StringSink err;
    check(t_->collect(t_->metrics, &sink, err.get()), err, "collect");
    if (ctx.error) std::rethrow_exception(ctx.error);
  }

 private:
  struct Box {
    Collector fn;
    Log log;
  };
  // A collector that throws loses its samples of this collect only: nothing
  // may unwind into the host.
  static void runCollector(void* ctx, const rtk_metric_sink* out) noexcept {
    auto* box = static_cast<Box*>(ctx);
    MetricWriter writer(out);
    try {
      box->fn(writer);
    } catch (const std::exception& e) {
      box->log.warn("metrics collector: ", e.what());
    } catch (...) {
      box->log.warn("metrics collector: unknown exception");
    }
  }

  const rtk_metrics_service* t_;
  Log log_;
  mutable std::mutex mutex_;
  std::vector<std::pair<std::uint64_t, std::unique_ptr<Box>>> collectors_;
};

}  // namespace rtk::sdk
