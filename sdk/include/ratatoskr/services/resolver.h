/* The resolver service, "ratatoskr.resolver/1": names to Yggdrasil
 * addresses for any plugin. Provided by the socks plugin (plugins/socks),
 * from its Modules.socks settings (Nameserver and the cache).
 *
 * What resolves (plugins/socks/README.md, "Resolver"):
 *   - "<64 hex>.pk.ygg" (any case, one trailing dot): the key's 200::/8
 *     address; subdomains and other lengths are refused
 *     (RTK_ERR_INVALID_ARGUMENT, the message says which);
 *   - IP literals, returned as they are (IPv4 as ::ffff:a.b.c.d);
 *   - other names: AAAA from the configured Nameserver, over Yggdrasil;
 *     the first answer inside 200::/7 wins. RTK_ERR_NOT_FOUND for no such
 *     name, no AAAA record, answers only outside 200::/7, or no Nameserver
 *     configured; RTK_ERR_TIMEOUT at the deadline; RTK_ERR_REFUSED when too
 *     many names are being looked up at once; RTK_ERR_CLOSED once the
 *     provider stopped.
 * C++ plugins use rtk::sdk::ResolverClient (services/resolver.hpp).
 * Threads: any, concurrently; resolve blocks only the caller.
 */
#ifndef RATATOSKR_SERVICES_RESOLVER_H
#define RATATOSKR_SERVICES_RESOLVER_H

#include "ratatoskr/abi.h"
#include "ratatoskr/services/network.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RTK_RESOLVER_SERVICE_ID "ratatoskr.resolver/1"

typedef struct rtk_resolver rtk_resolver; /* the provider's context */

typedef struct rtk_resolver_service {
  uint32_t struct_size; /* sizeof(rtk_resolver_service) of the provider */
  rtk_resolver* resolver;

  /* One address for `name`, written to out (16 bytes, network order), by
   * the rules above. Waits at most until `deadline` (RTK_NO_DEADLINE: the
   * provider's own lookup timeout still applies). */
  rtk_status (*resolve)(rtk_resolver* resolver, rtk_str name, rtk_deadline deadline, uint8_t out[16],
                        rtk_sink* error);
} rtk_resolver_service;

#define RTK_RESOLVER_SERVICE_SIZE_1_0 (offsetof(rtk_resolver_service, resolve) + sizeof(void*))

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RATATOSKR_SERVICES_RESOLVER_H */
