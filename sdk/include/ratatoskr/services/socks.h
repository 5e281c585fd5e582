/* The SOCKS proxy's service, "ratatoskr.socks/1": its state and its one
 * setting that changes while it runs. Provided by the socks plugin
 * (plugins/socks); the admin commands getSocks and setSocksMaxConnections
 * answer with the same data.
 *
 * C++ plugins use rtk::sdk::SocksClient (services/socks.hpp).
 * Threads: any, concurrently; nothing blocks on the network.
 */
#ifndef RATATOSKR_SERVICES_SOCKS_H
#define RATATOSKR_SERVICES_SOCKS_H

#include "ratatoskr/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RTK_SOCKS_SERVICE_ID "ratatoskr.socks/1"

typedef struct rtk_socks rtk_socks; /* the provider's context */

typedef struct rtk_socks_service {
  uint32_t struct_size; /* sizeof(rtk_socks_service) of the provider */
  rtk_socks* socks;

  /* The proxy's snapshot as a JSON object: "running", "listen" (bound
   * addresses), "max_connections", "active_connections", "handshakes",
   * "tunnels", "associations", "associate_targets",
   * "pending_associate_targets", cumulative "accepted",
   * "handshake_failures", "evicted_handshakes", "dial_failures",
   * "rejected_associate_targets", "dropped_associate_packets", "bytes_up",
   * "bytes_down", "sessions" (one object per session) and "resolver"
   * (its counters). See plugins/socks/README.md. */
  rtk_status (*snapshot)(rtk_socks* socks, rtk_sink* json, rtk_sink* error);
  /* MaxConnections from now on (1 .. 65536; RTK_ERR_INVALID_ARGUMENT
   * otherwise). Clients beyond a lowered limit are not closed. */
  rtk_status (*set_max_connections)(rtk_socks* socks, uint64_t max, rtk_sink* error);
} rtk_socks_service;

#define RTK_SOCKS_SERVICE_SIZE_1_0 (offsetof(rtk_socks_service, set_max_connections) + sizeof(void*))

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RATATOSKR_SERVICES_SOCKS_H */
