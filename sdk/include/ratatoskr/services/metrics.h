/* The metrics service, "ratatoskr.metrics/1": numbers for monitoring.
 *
 * Provided by the host (provider "core"); C++ plugins use
 * rtk::sdk::MetricsClient (services/metrics.hpp). It has two sides:
 *   - a plugin with numbers of its own (connections served, bytes relayed)
 *     adds a collector: a function the host calls whenever someone collects,
 *     which writes the plugin's current values as samples;
 *   - an exporter (plugins/metrics serves them to Prometheus) calls collect:
 *     the host writes its own samples first (plugins by state, the node's
 *     running totals: drops by reason, lookups, sessions evicted, netstack
 *     sockets), then every collector's, in the order they were added.
 * The service knows no format: a sample is a type, a name, a help line,
 * labels and a value.
 *
 * Names: ^[a-zA-Z_][a-zA-Z0-9_]*$, by convention
 * "ratatoskr_<plugin>_<what>[_<unit>]" with base units (seconds, bytes) and
 * "_total" at the end of counters. Label names: ^[a-zA-Z_][a-zA-Z0-9_]*$,
 * values any UTF-8. All samples of one name should share type and help;
 * an exporter drops (and counts) samples that break these rules.
 *
 * Lifetime and threads:
 *   - collectors are called on the thread that calls collect (the
 *     exporter's), one collect at a time across the host, so a collector
 *     never runs concurrently with itself; it must be quick, must not block
 *     on the network and must not call add_collector / remove_collector.
 *   - once remove_collector returns, fn is not running and is never called
 *     again; the host removes a plugin's collectors before its stop(), like
 *     its admin commands (abi.h, "What the host takes back").
 *   - every pointer in a sample (and the sample itself) is valid only during
 *     the sink call.
 * Errors: add_collector RTK_ERR_INVALID_ARGUMENT without fn.
 * Functions: any thread.
 */
#ifndef RATATOSKR_SERVICES_METRICS_H
#define RATATOSKR_SERVICES_METRICS_H

#include "ratatoskr/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RTK_METRICS_SERVICE_ID "ratatoskr.metrics/1"

typedef struct rtk_metrics rtk_metrics; /* the provider's context */

typedef int32_t rtk_metric_type;
enum { RTK_METRIC_COUNTER = 1, RTK_METRIC_GAUGE = 2 };

typedef struct rtk_metric_label {
  rtk_str name;
  rtk_str value;
} rtk_metric_label;

typedef struct rtk_metric_sample {
  uint32_t struct_size; /* sizeof(rtk_metric_sample) of the writer */
  rtk_metric_type type;
  rtk_str name;
  rtk_str help; /* one line */
  const rtk_metric_label* labels;
  size_t label_count;
  double value;
} rtk_metric_sample;

/* Where samples go: sample() once per sample, on the collecting thread. */
typedef struct rtk_metric_sink {
  void* ctx;
  void (*sample)(void* ctx, const rtk_metric_sample* sample);
} rtk_metric_sink;

/* A plugin's collector: writes its current values to `out`. */
typedef void (*rtk_metrics_collect_fn)(void* ctx, const rtk_metric_sink* out);

typedef struct rtk_metrics_service {
  uint32_t struct_size; /* sizeof(rtk_metrics_service) of the provider */
  rtk_metrics* metrics;

  /* Adds a collector; *id receives its id for remove_collector. */
  rtk_status (*add_collector)(rtk_metrics* metrics, rtk_metrics_collect_fn fn, void* ctx, uint64_t* id,
                              rtk_sink* error);
  /* Unknown ids are ignored. */
  void (*remove_collector)(rtk_metrics* metrics, uint64_t id);
  /* The host's samples, then every collector's, written to `out` before
   * this returns. */
  rtk_status (*collect)(rtk_metrics* metrics, const rtk_metric_sink* out, rtk_sink* error);
} rtk_metrics_service;

#define RTK_METRICS_SERVICE_SIZE_1_0 (offsetof(rtk_metrics_service, collect) + sizeof(void*))

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RATATOSKR_SERVICES_METRICS_H */
