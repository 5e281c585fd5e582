/* The ninfo service, "ratatoskr.ninfo/1": ask another node for its NodeInfo
 * and get it back read — software, the remote ratatoskr version, each
 * declared sigil parsed, the rest as extra. Provided by the ninfo plugin
 * (plugins/ninfo); declare it as a required (or optional) service.
 *
 * A target is a key (64 hex digits), "<key>.pk.ygg", "[<ipv6>]:<port>", a
 * node address (200::/8) or an address inside a node's subnet (300::/8);
 * addresses are resolved to a key first. Asks for one key (or one address)
 * share one flight, however many are made; the plugin's settings bound the
 * retries and lookups (plugins/ninfo/README.md).
 *
 * The result JSON (rtk::ninfo::toJson in ratatoskr/ninfo.hpp):
 *   {"target","key","rtt_ms","version","software":{name,version,platform,arch}|null,
 *    "sigils":{"<name>":{...}},"extra":{...}}
 *
 * C++ plugins use rtk::sdk::NinfoClient (services/ninfo.hpp).
 * Threads: ask and cancel from any thread, concurrently.
 */
#ifndef RATATOSKR_SERVICES_NINFO_H
#define RATATOSKR_SERVICES_NINFO_H

#include "ratatoskr/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RTK_NINFO_SERVICE_ID "ratatoskr.ninfo/1"

typedef struct rtk_ninfo rtk_ninfo; /* the provider's context */

typedef struct rtk_ninfo_service {
  uint32_t struct_size; /* sizeof(rtk_ninfo_service) of the provider */
  rtk_ninfo* ninfo;

  /* Starts an ask and returns at once. timeout_ms: the caller's own limit
   * (0: only the plugin's). On RTK_OK, *request_id (never 0) names it for
   * cancel(), and done(ctx, ...) is called exactly once later — unlike the
   * core's services, on the ninfo plugin's thread "rtk-ninfo" (return
   * quickly; never block there on another ask): RTK_OK with the result JSON
   * and the RTT in rtt_ns, or an error and its message:
   *   RTK_ERR_NOT_FOUND          no node with that address found ("cannot resolve")
   *   RTK_ERR_TIMEOUT            no answer in time ("timed out")
   *   RTK_ERR_MESSAGE_TOO_LARGE  the NodeInfo is over 16384 bytes ("too large")
   *   RTK_ERR_PROTOCOL           the NodeInfo is not a JSON object ("not JSON")
   *   RTK_ERR_REFUSED            64 keys or 64 addresses in flight ("busy")
   *   RTK_ERR_CLOSED             the plugin stopped meanwhile
   * Returned at once (done never called): RTK_ERR_INVALID_ARGUMENT for a bad
   * target or an address outside 200::/7, RTK_ERR_CLOSED when not running. */
  rtk_status (*ask)(rtk_ninfo* ninfo, rtk_str target, uint64_t timeout_ms, rtk_reply_fn done, void* ctx,
                    uint64_t* request_id, rtk_sink* error);
  /* Withdraws an ask: once cancel returns, its done is not running and is
   * never called (called from inside that done, the call finishes). A plugin
   * must cancel what it still has in flight before its stop() returns.
   * Unknown or finished ids are ignored. */
  void (*cancel)(rtk_ninfo* ninfo, uint64_t request_id);
} rtk_ninfo_service;

#define RTK_NINFO_SERVICE_SIZE_1_0 (offsetof(rtk_ninfo_service, cancel) + sizeof(void*))

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RATATOSKR_SERVICES_NINFO_H */
