/* The peer manager service, "ratatoskr.peermgr/1": which peers the peermgr
 * plugin chose, a new choice on demand, and its state. Provided by the
 * peermgr plugin (plugins/peermgr), not by the core; declare it as a
 * required or optional service.
 *
 * C++ plugins use rtk::sdk::PeermgrClient (services/peermgr.hpp).
 * Errors: RTK_ERR_CLOSED when the plugin is not running; the message names
 * the reason. Threads: any, concurrently.
 */
#ifndef RATATOSKR_SERVICES_PEERMGR_H
#define RATATOSKR_SERVICES_PEERMGR_H

#include "ratatoskr/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RTK_PEERMGR_SERVICE_ID "ratatoskr.peermgr/1"

typedef struct rtk_peermgr rtk_peermgr; /* the provider's context */

typedef struct rtk_peermgr_service {
  uint32_t struct_size; /* sizeof(rtk_peermgr_service) of the provider */
  rtk_peermgr* peermgr;

  /* The peers it manages now, as added (with their query), as a JSON array
   * of strings. */
  rtk_status (*active)(rtk_peermgr* peermgr, rtk_sink* json, rtk_sink* error);
  /* Runs one selection cycle (probe, choose, add, remove) and returns when
   * it is over: blocks the caller up to about two probe timeouts. In
   * passive mode: adds whatever candidate the node lacks. */
  rtk_status (*optimize)(rtk_peermgr* peermgr, rtk_sink* error);
  /* Its state as one JSON object (plugins/peermgr/README.md):
   *   {"mode","managed":[identity…],"cycles","peak_probes_in_flight",
   *    "batch_size","last_cycle":{…},"candidates":[{"uri","origin","state",
   *    "probes","rtt_ms"?,"failures"?,"retry_in_ms"?,"last_error"?}]} */
  rtk_status (*snapshot)(rtk_peermgr* peermgr, rtk_sink* json, rtk_sink* error);
} rtk_peermgr_service;

#define RTK_PEERMGR_SERVICE_SIZE_1_0 (offsetof(rtk_peermgr_service, snapshot) + sizeof(void*))

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RATATOSKR_SERVICES_PEERMGR_H */
