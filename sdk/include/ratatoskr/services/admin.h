/* The admin service, "ratatoskr.admin/1": commands on the node's admin
 * socket (the yggdrasilctl protocol).
 *
 * The C form of the handler half of rtk::AdminInterface; C++ plugins use
 * rtk::sdk::AdminClient (services/admin.hpp). The host owns the socket
 * itself (AdminListen in the conf): plugins add and remove commands.
 *
 * A plugin's commands are removed when it stops (before its stop() runs,
 * waiting for calls in progress), so a handler never runs against a
 * stopping plugin.
 *
 * Threads: add/remove from any thread; handlers run on the admin socket's
 * handler workers (a small fixed pool), concurrently with themselves when
 * several clients call. A handler that blocks holds one worker meanwhile.
 */
#ifndef RATATOSKR_SERVICES_ADMIN_H
#define RATATOSKR_SERVICES_ADMIN_H

#include "ratatoskr/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RTK_ADMIN_SERVICE_ID "ratatoskr.admin/1"

typedef struct rtk_admin rtk_admin; /* the provider's context */

/* An admin command: receives the request's "arguments" object as JSON and
 * writes the "response" object as JSON; an error status (with a message)
 * answers the client with {"status":"error","error":"<message>"}. */
typedef rtk_status (*rtk_admin_handler_fn)(void* ctx, rtk_str arguments_json,
                                           rtk_sink* response_json, rtk_sink* error);
/* Called once when the node drops the handler (removed, the plugin stopped,
 * the node closed, or the registration failed), after the last call of the
 * handler has returned. Thread: any. May be NULL. */
typedef void (*rtk_admin_release_fn)(void* ctx);

typedef struct rtk_admin_service {
  uint32_t struct_size; /* sizeof(rtk_admin_service) of the provider */
  rtk_admin* admin;

  /* Registers `name` (case-insensitive). `fields` names the arguments shown
   * by the admin "list" command. The host keeps handler_ctx until it calls
   * release(handler_ctx) — also when this call fails.
   * RTK_ERR_ALREADY_EXISTS when the name is taken (built-in commands too). */
  rtk_status (*add_handler)(rtk_admin* admin, rtk_str name, rtk_str description,
                            const rtk_str* fields, size_t field_count,
                            rtk_admin_handler_fn handler, void* handler_ctx,
                            rtk_admin_release_fn release, rtk_sink* error);
  /* Removes a command this plugin added; waits for calls in progress, then
   * releases its context. RTK_ERR_NOT_FOUND when this plugin has no such
   * command. Not from inside an admin handler. */
  rtk_status (*remove_handler)(rtk_admin* admin, rtk_str name, rtk_sink* error);
} rtk_admin_service;

#define RTK_ADMIN_SERVICE_SIZE_1_0 (offsetof(rtk_admin_service, remove_handler) + sizeof(void*))

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RATATOSKR_SERVICES_ADMIN_H */
