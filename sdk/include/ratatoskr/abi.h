/* ratatoskr plugin ABI, version 2.0 — the C contract between the host and a
 * plugin (.so) built separately, possibly with another compiler or standard
 * library.
 *
 * Why C: a C++ class, std::string, exception or shared_ptr crossing a dlopen
 * boundary only works when both sides were built with the same compiler, the
 * same standard library and the same flags. Plain C structs of fixed-width
 * integers, pointers and function pointers have one layout per platform, so
 * this header is the whole contract. C++ authors use <ratatoskr/plugin.hpp>,
 * a header-only layer compiled into the plugin that maps this onto a class.
 *
 * How a plugin is found and run (host side, see host/runtime/README.md):
 *   1. dlopen(file, RTLD_NOW | RTLD_LOCAL); dlsym("rtk_plugin_entry").
 *   2. rtk_plugin_entry() returns a pointer to a static descriptor. The host
 *      checks its size, the ABI version, the name and the service lists, and
 *      validates the module's config against config_schema. No other plugin
 *      function runs before every plugin's dependencies are resolved.
 *   3. load(host, &state): read config, allocate, look up services. No threads.
 *   4. get_service(state, id) for each id in provided_services.
 *   5. start(state): begin work (threads, timers, listeners).
 *   6. stop(state) in reverse start order; unload(state) in reverse load order.
 *   7. dlclose(). Before that the host has taken back everything the plugin
 *      got from the node's services and did not release itself (see "What
 *      the host takes back" below). A thread the plugin started and did not
 *      join in stop() would find its code unmapped: stop() must join them.
 *   Plugins can also be loaded and unloaded while the host runs (the admin
 *   commands loadPlugin / unloadPlugin / listPlugins, host/runtime/README.md);
 *   the steps are the same.
 *
 * What the host takes back when a plugin stops (the plugin should release
 * these itself; the host makes sure, so an unload never leaks or crashes):
 *   - before stop(): its admin commands and metrics collectors are removed
 *     and its peer event subscriptions cancelled (no admin call, collect or
 *     event reaches a stopping plugin; calls in progress are waited for);
 *   - during stop(): asynchronous replies (rtk_reply_fn) still arrive, so a
 *     plugin may wait for what it has in flight;
 *   - after stop(): no callback of any kind is called again; replies still
 *     pending are dropped;
 *   - after unload(): connections, listeners and datagram sockets it did not
 *     free are aborted and freed, and the NodeInfo keys it published are
 *     removed.
 *
 * Versioning: the host accepts a plugin whose abi_major equals RTK_ABI_MAJOR
 * and whose abi_minor is at most the host's RTK_ABI_MINOR. A minor release
 * only appends fields at the end of structs; every struct carries its size in
 * its first field, so each side reads only what the other side has.
 * 2.0 (from 1.0): the one wide "ratatoskr.node/1" table became five narrow
 * services (services/network.h, peers.h, admin.h, diagnostics.h,
 * nodeinfo.h); descriptors gained optional_services; the host API gained
 * each_service; plugins are dlclose()d after unload.
 *
 * Memory: whoever allocates frees. Text that must outlive a call is copied by
 * the receiver; output goes through an rtk_sink the caller provides, so no
 * buffer ever changes owner across the boundary. All text is UTF-8; JSON is
 * passed as UTF-8 with an explicit length (rtk_str), not NUL-terminated,
 * unless a field says otherwise.
 *
 * Threads: each function below says which thread may call it. "host thread"
 * means a thread running the plugin lifecycle (load, start, stop, unload):
 * the main thread at start-up and shutdown, an admin thread for the
 * loadPlugin / unloadPlugin commands. Lifecycle calls are serialized: the
 * host never calls two lifecycle functions concurrently, of one plugin or of
 * several.
 *
 * Asynchronous results: functions that take an rtk_reply_fn return at once;
 * when they return RTK_OK, the reply function is called exactly once later
 * (never from inside the call) on this plugin's callback thread
 * ("rtk-cb-<plugin>"), which runs one callback at a time in order. When they
 * return an error, it is never called.
 */
#ifndef RATATOSKR_ABI_H
#define RATATOSKR_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RTK_ABI_MAJOR 2
#define RTK_ABI_MINOR 0

/* The one symbol a plugin exports. Plugins are built with hidden visibility
 * (ratatoskr_add_module does this), so this is the only dynamic symbol. */
#define RTK_PLUGIN_ENTRY_SYMBOL "rtk_plugin_entry"
#define RTK_PLUGIN_EXPORT __attribute__((visibility("default")))

/* ---- plain values ------------------------------------------------------ */

/* A borrowed piece of text: `size` bytes at `data`, not necessarily
 * NUL-terminated. Valid only for the duration of the call it is passed to,
 * unless stated otherwise. data may be NULL when size is 0. */
typedef struct rtk_str {
  const char* data;
  size_t size;
} rtk_str;

/* Where a callee writes variable-length output (JSON, error messages). The
 * callee calls write() zero or more times; each call appends `size` bytes.
 * The caller owns ctx and whatever write() stores; the callee never keeps the
 * sink after returning. write() is called on the thread of the call it was
 * passed to. A NULL sink pointer means "discard". */
typedef struct rtk_sink {
  void* ctx;
  void (*write)(void* ctx, const char* data, size_t size);
} rtk_sink;

/* Result codes. They map one to one onto rtk::Errc (error.hpp): the value of
 * an error status is the Errc value plus one. Whenever a function returns
 * something other than RTK_OK it also writes a one-line message to its error
 * sink (or to last_error for lifecycle functions). */
typedef int32_t rtk_status;
enum {
  RTK_OK = 0,
  RTK_ERR_UNKNOWN = 1,
  RTK_ERR_INVALID_ARGUMENT = 2,
  RTK_ERR_NOT_SUPPORTED = 3,
  RTK_ERR_ALREADY_EXISTS = 4,
  RTK_ERR_NOT_FOUND = 5,
  RTK_ERR_CLOSED = 6,
  RTK_ERR_TIMEOUT = 7,
  RTK_ERR_CANCELLED = 8,
  RTK_ERR_REFUSED = 9,
  RTK_ERR_UNREACHABLE = 10,
  RTK_ERR_RESET = 11,
  RTK_ERR_ADDRESS_IN_USE = 12,
  RTK_ERR_MESSAGE_TOO_LARGE = 13,
  RTK_ERR_PROTOCOL = 14,
  RTK_ERR_IO = 15,
  RTK_ERR_CONFIG = 16,
  RTK_ERR_ABI = 17,
  /* Not a failure: a non-blocking call (conn_try_read/conn_try_write) could
   * do nothing at once. The only status written without a message. */
  RTK_ERR_WOULD_BLOCK = 18
};

/* An asynchronous result (see "Asynchronous results" above). status: RTK_OK
 * and the result as JSON, or an error and its one-line message. rtt_ns: the
 * round-trip time where the operation measures one, else 0. json and error
 * are valid only during the call. */
typedef void (*rtk_reply_fn)(void* ctx, rtk_status status, rtk_str json, int64_t rtt_ns, rtk_str error);

/* Log levels, equal to rtk::LogLevel. */
typedef int32_t rtk_log_level;
enum {
  RTK_LOG_TRACE = 0,
  RTK_LOG_DEBUG = 1,
  RTK_LOG_INFO = 2,
  RTK_LOG_WARN = 3,
  RTK_LOG_ERROR = 4,
  RTK_LOG_OFF = 5
};

/* What a plugin is. A component runs after the node exists and may require
 * any service. A sigil contributes a fragment of NodeInfo: it provides
 * "ratatoskr.sigil/1" (see sigil.h), requires nothing, and is loaded and
 * started before the node, whose NodeInfo it helps assemble. */
typedef int32_t rtk_plugin_kind;
enum { RTK_PLUGIN_COMPONENT = 1, RTK_PLUGIN_SIGIL = 2 };

/* ---- what the host offers a plugin ------------------------------------- */

typedef struct rtk_host_ctx rtk_host_ctx; /* opaque, owned by the host */

/* One table per plugin, passed to load(). The table and everything it points
 * to stay valid until the plugin's unload() has returned. */
typedef struct rtk_host_api {
  uint32_t struct_size;       /* sizeof(rtk_host_api) of the host's build */
  uint16_t abi_major;         /* the host's RTK_ABI_MAJOR / MINOR */
  uint16_t abi_minor;
  rtk_host_ctx* ctx;          /* pass back to every function below */
  const char* host_version;   /* "0.1.0", NUL-terminated */
  const char* plugin_name;    /* this plugin's name, NUL-terminated */
  /* The module's settings: the conf file's "Modules": {"<name>": {...}}
   * object with the schema's defaults filled in and already validated against
   * config_schema. "{}" when the conf has none. */
  rtk_str config_json;

  /* Writes one log line "<plugin name>: <message>" at `level`.
   * Thread: any, concurrently, until unload() returns. Never blocks on I/O
   * the plugin could deadlock with. */
  void (*log)(rtk_host_ctx* ctx, rtk_log_level level, rtk_str message);
  /* The lowest level currently written; lets a plugin skip formatting.
   * Thread: any. */
  rtk_log_level (*log_level)(rtk_host_ctx* ctx);
  /* The table of the active provider of service `id` (e.g.
   * "ratatoskr.network/1"), or NULL when no provider is registered or its
   * table is smaller than min_size bytes (an older minor of that service).
   * Only ids the plugin declares (provided, required or optional) are
   * answered. The table stays valid until this plugin's unload() returns:
   * the host never unloads a provider while a plugin that declares its
   * service runs.
   * Thread: any, from load() until unload() returns. */
  const void* (*get_service)(rtk_host_ctx* ctx, rtk_str id, uint32_t min_size);
  /* Every running provider of `id` whose table has at least min_size bytes,
   * in start order: visit(visit_ctx, provider name, table) once each,
   * before each_service returns. Returns how many were visited. The same
   * declaration and lifetime rules as get_service (an optional requirement
   * is the usual way to use several providers: every sigil for ninfo).
   * Thread: as get_service. */
  size_t (*each_service)(rtk_host_ctx* ctx, rtk_str id, uint32_t min_size, void* visit_ctx,
                         void (*visit)(void* visit_ctx, const char* provider, const void* table));
} rtk_host_api;

/* ---- what a plugin offers the host ------------------------------------- */

typedef struct rtk_plugin_state rtk_plugin_state; /* opaque, owned by the plugin */

/* The static description a plugin returns from rtk_plugin_entry(). It and
 * every string and list it points to must live as long as the library is
 * mapped (static storage). The first four fields keep their offsets in every
 * ABI major, so a host can always name the plugin and its ABI when refusing. */
typedef struct rtk_plugin_descriptor {
  uint32_t struct_size;       /* sizeof(rtk_plugin_descriptor) the plugin saw */
  uint16_t abi_major;         /* RTK_ABI_MAJOR the plugin was built against */
  uint16_t abi_minor;         /* RTK_ABI_MINOR the plugin needs at least */
  const char* name;           /* ^[a-z0-9._-]{3,32}$, unique among plugins */

  const char* version;        /* the plugin's own version, e.g. "1.2.0" */
  const char* description;    /* one line, may be NULL */
  rtk_plugin_kind kind;       /* RTK_PLUGIN_COMPONENT or RTK_PLUGIN_SIGIL */
  /* NULL-terminated lists of service ids "<name>/<major>" (lowercase
   * [a-z0-9._-], a slash, a decimal major), or NULL for none. A plugin is
   * refused when a required service has no enabled provider. */
  const char* const* provided_services;
  const char* const* required_services;
  /* A JSON Schema (the subset documented in sdk/README.md: type, properties,
   * required, additionalProperties, items, enum, minimum, maximum, minLength,
   * maxLength, default) for the module's config object, NUL-terminated, or
   * NULL to accept only an empty/missing config. Validated by the host before
   * load(); "default" values are filled in. */
  const char* config_schema;

  /* Phase 1. Reads host->config_json, allocates its state, looks up the
   * services it requires. Must not start threads or do network I/O.
   * On success stores the state in *state and returns RTK_OK. On failure it
   * should still store a state (or NULL) so the host can read last_error();
   * the host then calls unload() on a non-NULL state.
   * Thread: host thread. `host` stays valid until unload() returns. */
  rtk_status (*load)(const rtk_host_api* host, rtk_plugin_state** state);
  /* Phase 2. Begins work. On failure returns an error and explains it in
   * last_error(); the host will not call stop() but will call unload().
   * Thread: host thread, after every required service's provider started. */
  rtk_status (*start)(rtk_plugin_state* state);
  /* Ends work: joins its threads, closes what it opened. Must return even if
   * the node is unreachable. An error is logged by the host; unload() follows.
   * Thread: host thread, before any provider it depends on is stopped. */
  rtk_status (*stop)(rtk_plugin_state* state);
  /* Frees the state. After it returns the plugin must not call the host.
   * Thread: host thread. */
  void (*unload)(rtk_plugin_state* state);
  /* The message explaining the last failure of load/start/stop on this state,
   * NUL-terminated, owned by the plugin, valid until the next call on that
   * state. Never NULL. Thread: host thread. */
  const char* (*last_error)(rtk_plugin_state* state);
  /* The table of a service this plugin provides (one of provided_services),
   * or NULL. Every service table starts with a uint32_t holding its size.
   * The table must stay valid until unload() returns.
   * Thread: host thread, after load() succeeded. */
  const void* (*get_service)(rtk_plugin_state* state, rtk_str id);

  /* Services this plugin uses when some enabled plugin provides them and
   * does without otherwise (NULL-terminated, or NULL). Never a reason to
   * refuse the plugin; when present, their providers start first and stop
   * after it, as for required services. */
  const char* const* optional_services;
} rtk_plugin_descriptor;

/* The smallest descriptor an ABI 2.x host accepts: the ABI 2.0 layout. */
#define RTK_PLUGIN_DESCRIPTOR_SIZE_2_0 \
  (offsetof(rtk_plugin_descriptor, optional_services) + sizeof(void*))
/* The leading fields every ABI major keeps in place. */
#define RTK_PLUGIN_DESCRIPTOR_HEADER_SIZE \
  (offsetof(rtk_plugin_descriptor, name) + sizeof(const char*))

/* The entry point. Returns the same static descriptor on every call; must not
 * allocate, start threads or call the host. Thread: host thread. */
typedef const rtk_plugin_descriptor* (*rtk_plugin_entry_fn)(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RATATOSKR_ABI_H */
