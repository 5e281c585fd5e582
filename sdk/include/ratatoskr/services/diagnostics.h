/* The diagnostics service, "ratatoskr.diagnostics/1": what the node knows
 * of the network, and queries to remote nodes (NodeInfo and the debug
 * protocol).
 *
 * The C form of rtk::DiagnosticInterface; C++ plugins use
 * rtk::sdk::DiagnosticsClient (services/diagnostics.hpp).
 *
 * JSON written to `json` sinks (keys: 64 lowercase hex digits):
 *   get_self      {"key","routing_entries"}
 *   get_tree      [{"key","parent","sequence"}]
 *   get_paths     [{"key","path":[port,...],"sequence"}]
 *   get_sessions  [{"key","rx_bytes","tx_bytes","uptime_ns"}]
 *   query / query_async, by kind:
 *     RTK_QUERY_NODEINFO  the remote NodeInfo object as received
 *     RTK_QUERY_SELF      the object yggdrasilctl's debug_remoteGetSelf shows
 *     RTK_QUERY_PEERS     ["<key>", ...]
 *     RTK_QUERY_TREE      ["<key>", ...]
 *
 * Remote queries: query blocks the calling thread up to timeout_ms;
 * query_async returns at once and replies on the plugin's callback thread
 * (abi.h, "Asynchronous results") — any number may be in flight without
 * costing a thread each. Errors: RTK_ERR_TIMEOUT when no answer came,
 * RTK_ERR_CLOSED when the node closed meanwhile, RTK_ERR_INVALID_ARGUMENT
 * for an unknown kind.
 * Threads: any, concurrently.
 */
#ifndef RATATOSKR_SERVICES_DIAGNOSTICS_H
#define RATATOSKR_SERVICES_DIAGNOSTICS_H

#include "ratatoskr/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RTK_DIAGNOSTICS_SERVICE_ID "ratatoskr.diagnostics/1"

typedef struct rtk_diagnostics rtk_diagnostics; /* the provider's context */

typedef int32_t rtk_query_kind;
enum { RTK_QUERY_NODEINFO = 1, RTK_QUERY_SELF = 2, RTK_QUERY_PEERS = 3, RTK_QUERY_TREE = 4 };

typedef struct rtk_diagnostics_service {
  uint32_t struct_size; /* sizeof(rtk_diagnostics_service) of the provider */
  rtk_diagnostics* diag;

  rtk_status (*get_self)(rtk_diagnostics* diag, rtk_sink* json, rtk_sink* error);
  rtk_status (*get_tree)(rtk_diagnostics* diag, rtk_sink* json, rtk_sink* error);
  rtk_status (*get_paths)(rtk_diagnostics* diag, rtk_sink* json, rtk_sink* error);
  rtk_status (*get_sessions)(rtk_diagnostics* diag, rtk_sink* json, rtk_sink* error);
  /* Starts a path lookup for the key (fire and forget). */
  rtk_status (*lookup)(rtk_diagnostics* diag, const uint8_t key[32], rtk_sink* error);
  /* Blocks up to timeout_ms; *rtt_ns (may be NULL) receives the round trip. */
  rtk_status (*query)(rtk_diagnostics* diag, rtk_query_kind kind, const uint8_t key[32], uint64_t timeout_ms,
                      rtk_sink* json, int64_t* rtt_ns, rtk_sink* error);
  rtk_status (*query_async)(rtk_diagnostics* diag, rtk_query_kind kind, const uint8_t key[32],
                            uint64_t timeout_ms, rtk_reply_fn done, void* ctx, rtk_sink* error);
} rtk_diagnostics_service;

#define RTK_DIAGNOSTICS_SERVICE_SIZE_1_0 (offsetof(rtk_diagnostics_service, query_async) + sizeof(void*))

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RATATOSKR_SERVICES_DIAGNOSTICS_H */
