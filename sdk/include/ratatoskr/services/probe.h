/* The probe service, "ratatoskr.probe/1": the network crawled from this node
 * (breadth first over remote peers queries), the tree path to a key, a route
 * trace. Provided by the probe plugin (plugins/probe), not by the core.
 *
 * Every call takes its arguments as a JSON object (the admin commands'
 * arguments; numbers as JSON numbers or decimal strings) and writes its
 * result as JSON to `json` (layouts: plugins/probe/README.md):
 *   tree   {"maxDepth": N (required, >= 1), "concurrency": 1..256 (16),
 *           "maxNodes": N (the plugin's MaxTotalNodes)}
 *   path   {"key": "<64 hex>" or "<64 hex>.pk.ygg"}
 *   trace  {"key": …}
 * tree and trace block the calling thread until done: at most the plugin's
 * MaxDurationMs, or until the plugin stops (then a partial result, "error"
 * set, or RTK_ERR_CLOSED). The crawl's remote calls hold no thread each.
 * Errors: RTK_ERR_INVALID_ARGUMENT (arguments), RTK_ERR_NOT_FOUND (path: key
 * not in the local tree), RTK_ERR_CLOSED (not running).
 * Threads: any, concurrently; never from a callback thread that the crawl's
 * replies need (the probe plugin's own).
 */
#ifndef RATATOSKR_SERVICES_PROBE_H
#define RATATOSKR_SERVICES_PROBE_H

#include "ratatoskr/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RTK_PROBE_SERVICE_ID "ratatoskr.probe/1"

typedef struct rtk_probe rtk_probe; /* the provider's context */

typedef struct rtk_probe_service {
  uint32_t struct_size; /* sizeof(rtk_probe_service) of the provider */
  rtk_probe* probe;
  rtk_status (*tree)(rtk_probe* probe, rtk_str arguments_json, rtk_sink* json, rtk_sink* error);
  rtk_status (*path)(rtk_probe* probe, rtk_str arguments_json, rtk_sink* json, rtk_sink* error);
  rtk_status (*trace)(rtk_probe* probe, rtk_str arguments_json, rtk_sink* json, rtk_sink* error);
} rtk_probe_service;

#define RTK_PROBE_SERVICE_SIZE_1_0 (offsetof(rtk_probe_service, trace) + sizeof(void*))

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RATATOSKR_SERVICES_PROBE_H */
