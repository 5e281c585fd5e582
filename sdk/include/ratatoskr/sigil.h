/* The sigil service, "ratatoskr.sigil/1": a typed block of NodeInfo.
 *
 * A sigil owns a few top-level keys of the node's NodeInfo (the JSON object
 * the node answers NodeInfo requests with) and knows how to write and read
 * them. A plugin of kind RTK_PLUGIN_SIGIL provides exactly this service; the
 * host loads and starts sigils before it creates the node, asks each for its
 * fragment and assembles NodeInfo from the conf's "NodeInfo" plus the
 * fragments plus a metadata key
 *     "ratatoskr": "[<sigil names, sorted, comma-separated>] v<host version>"
 * naming exactly the sigils whose fragment was published (at most 64). A
 * fragment is published whole or not at all: a sigil whose fragment is not
 * a JSON object or holds a key it does not own, that owns a key the conf's
 * NodeInfo or another sigil owns, that would be the 65th, or whose fragment
 * would push NodeInfo over its 16 KiB budget (build keys included) is
 * refused (the plugin is stopped, with that reason, logged as an error) and
 * left out of the metadata. The names "info", "public", "inet" and
 * "services" are the built-in sigils': another sigil may use one only with
 * exactly its keys and a fragment its rules accept.
 *
 * The same table parses other nodes' NodeInfo: match() says whether a
 * foreign object holds a valid fragment of this sigil, parse() extracts it.
 *
 * A parse-only sigil (params == NULL) publishes nothing and is not listed
 * in the metadata: it is there to read other nodes' NodeInfo (for ninfo,
 * found with each_service). Its name must not be a built-in one and must be
 * unique among sigils; its keys may overlap anything.
 *
 * Several plugins provide "ratatoskr.sigil/1": get_service() returns the
 * first, each_service() visits them all (declare the id as an optional
 * service to read every enabled sigil).
 *
 * Threads: every function may be called from any thread, concurrently, from
 * the plugin's start() until its stop(); a sigil's data is fixed once loaded.
 * Memory: the table, name and keys are owned by the plugin and stay valid
 * until unload(); output is written to caller-provided sinks.
 */
#ifndef RATATOSKR_SIGIL_H
#define RATATOSKR_SIGIL_H

#include "ratatoskr/abi.h"
#include "ratatoskr/services/nodeinfo.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RTK_SIGIL_SERVICE_ID "ratatoskr.sigil/1"

typedef struct rtk_sigil_service {
  uint32_t struct_size; /* sizeof(rtk_sigil_service) of the plugin */
  void* ctx;            /* the plugin's; first argument of every function */
  const char* name;     /* ^[a-z0-9._-]{3,32}$, NUL-terminated */
  /* The top-level NodeInfo keys this sigil owns, NULL-terminated, non-empty. */
  const char* const* keys;
  /* Writes this node's fragment: a JSON object whose keys are a subset of
   * `keys` ({} when there is nothing to publish). NULL: a parse-only sigil
   * (above); a host older than parse-only sigils refuses such a table. */
  rtk_status (*params)(void* ctx, rtk_sink* json, rtk_sink* error);
  /* 1 when the foreign NodeInfo object holds a complete, valid fragment of
   * this sigil; 0 otherwise (also for malformed JSON). Never fails. */
  int32_t (*match)(void* ctx, rtk_str nodeinfo_json);
  /* Writes the fragment found in a foreign NodeInfo object (only owned keys).
   * RTK_ERR_INVALID_ARGUMENT when it does not match. */
  rtk_status (*parse)(void* ctx, rtk_str nodeinfo_json, rtk_sink* fragment_json, rtk_sink* error);
} rtk_sigil_service;

#define RTK_SIGIL_SERVICE_SIZE_1_0 (offsetof(rtk_sigil_service, parse) + sizeof(void*))

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RATATOSKR_SIGIL_H */
