/* The NodeInfo service, "ratatoskr.nodeinfo/1": our own NodeInfo, read and
 * changed while the node runs.
 *
 * NodeInfo is the JSON object the node answers NodeInfo requests with. It
 * is composed of the conf's "NodeInfo", the sigils' fragments (with the
 * "ratatoskr" metadata key) and the keys plugins publish here; the node adds
 * its build keys unless NodeInfoPrivacy is on. Every top-level key has one
 * owner: a plugin may set only keys nobody else owns, and its keys are
 * removed when it is unloaded.
 *
 * Rules (the same as for the conf): values are JSON; the build keys
 * ("buildname", "buildversion", "buildplatform", "buildarch") and "ratatoskr"
 * are reserved; the whole object must stay within 16384 bytes
 * (RTK_NODEINFO_MAX_BYTES). A change that breaks a rule is refused whole and
 * changes nothing: RTK_ERR_INVALID_ARGUMENT (not an object, a reserved key),
 * RTK_ERR_ALREADY_EXISTS (a key owned by the conf, a sigil or another
 * plugin; the message names the owner), RTK_ERR_MESSAGE_TOO_LARGE.
 * Answers to requests that arrive after a call returns carry the new value.
 *
 * C++ plugins use rtk::sdk::NodeInfoClient (services/nodeinfo.hpp).
 * Threads: any, concurrently (changes are applied one at a time).
 */
#ifndef RATATOSKR_SERVICES_NODEINFO_H
#define RATATOSKR_SERVICES_NODEINFO_H

#include "ratatoskr/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RTK_NODEINFO_SERVICE_ID "ratatoskr.nodeinfo/1"
/* The NodeInfo budget: its compact JSON must not exceed this many bytes. */
#define RTK_NODEINFO_MAX_BYTES 16384

typedef struct rtk_nodeinfo rtk_nodeinfo; /* the provider's context */

typedef struct rtk_nodeinfo_service {
  uint32_t struct_size; /* sizeof(rtk_nodeinfo_service) of the provider */
  rtk_nodeinfo* info;

  /* Our NodeInfo exactly as other nodes receive it. */
  rtk_status (*get)(rtk_nodeinfo* info, rtk_sink* json, rtk_sink* error);
  /* Replaces every key this plugin publishes with the members of `object`
   * ("{}" withdraws them all). */
  rtk_status (*set)(rtk_nodeinfo* info, rtk_str object_json, rtk_sink* error);
  /* Adds or replaces the members of `object`; a member whose value is null
   * withdraws that key (one of this plugin's). */
  rtk_status (*patch)(rtk_nodeinfo* info, rtk_str object_json, rtk_sink* error);
} rtk_nodeinfo_service;

#define RTK_NODEINFO_SERVICE_SIZE_1_0 (offsetof(rtk_nodeinfo_service, patch) + sizeof(void*))

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RATATOSKR_SERVICES_NODEINFO_H */
