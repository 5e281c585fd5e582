/* rtkc.h — a minimal C API over an embedded ratatoskr (Yggdrasil) node, for
 * hosts that cannot call C++: Swift, Kotlin/JNI, Python ctypes, Go cgo, ...
 *
 * The node runs inside the calling process with its own userspace TCP/IP
 * stack: no TUN device, no root. A TCP connection over Yggdrasil is handed
 * to the host as an ordinary local socket (file descriptor), so any socket
 * API of the host language can use it.
 *
 * Ownership (the one rule): every `char*` this API returns was allocated by
 * the library and must be released with rtkc_free(); never with free() or
 * anything else. Strings the host passes in are only read during the call.
 * A descriptor returned by rtkc_dial() belongs to the host, which closes it.
 * A node returned by rtkc_start() is released by rtkc_stop(), exactly once.
 *
 * Errors: functions that can fail take `char** error`. On failure they
 * return NULL / -1 and, when `error` is not NULL, set *error to a message
 * (free it with rtkc_free) naming what failed, e.g.
 *   "conf: \"Peers\" must be an array of strings"
 *   "dial [200:1234::1]:80: unreachable: no route to 200:1234::1".
 * On success *error is set to NULL. Nothing here aborts the process.
 *
 * Thread-safety: every function may be called from any thread, concurrently,
 * for the same node, except that rtkc_stop() must be the last call on that
 * node (calls racing with it are a bug in the host).
 */
#ifndef RTKC_H
#define RTKC_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define RTKC_API __attribute__((visibility("default")))
#else
#define RTKC_API
#endif

/* The version of this API: bumped when a function is added or changes. */
#define RTKC_API_VERSION 1

typedef struct rtkc_node rtkc_node;

/* RTKC_API_VERSION of the library actually loaded. */
RTKC_API int rtkc_api_version(void);

/* Starts a node from a JSON conf (yggdrasil.conf's key names, JSON only: no
 * HJSON comments; `yggdrasil -genconf -json` output is accepted):
 *   PrivateKey (128 hex) or PrivateKeyPath (PEM), Peers, InterfacePeers,
 *   Listen, AdminListen, AllowedPublicKeys, IfMTU, NodeInfo, NodeInfoPrivacy;
 *   IfName, LogLookups, MulticastInterfaces are read and ignored (no TUN,
 *   no multicast in an embedded node); "LogLevel" ("off" default, "error",
 *   "warn", "info", "debug") sends the node's log to stderr.
 * An empty object "{}" starts a node with a fresh random key and no peers.
 * Unknown keys are refused. Returns NULL on failure (see `error`). */
RTKC_API rtkc_node* rtkc_start(const char* conf_json, char** error);

/* Closes every connection rtkc_dial() handed out (the host's descriptors
 * then read end of file), stops the node and frees it. NULL is ignored. */
RTKC_API void rtkc_stop(rtkc_node* node);

/* The node's 200::/7 address, e.g. "200:1234:…" (rtkc_free it). */
RTKC_API char* rtkc_address(const rtkc_node* node);
/* The node's routed /64, e.g. "300:1234:5678:9abc::/64" (rtkc_free it). */
RTKC_API char* rtkc_subnet(const rtkc_node* node);
/* The node's public key, 64 hex digits (rtkc_free it). */
RTKC_API char* rtkc_public_key(const rtkc_node* node);

/* The peers as a JSON array of objects: uri, up, inbound, key, latency_ms,
 * rx_bytes, tx_bytes, uptime_s, last_error (when any). rtkc_free it.
 * NULL only when out of memory. */
RTKC_API char* rtkc_peers_json(const rtkc_node* node);

/* Adds an outbound peer ("tcp://host:port", "tls://…", …). The link comes up
 * in the background; watch rtkc_peers_json(). 0 on success, -1 on error. */
RTKC_API int rtkc_add_peer(rtkc_node* node, const char* uri, char** error);

/* Opens a TCP connection over Yggdrasil to `target`, "[address]:port"
 * (address in 200::/7 or a 300::/64 subnet) or "<64 hex key>.pk.ygg:port",
 * waiting at most timeout_ms (<= 0: 30 000). Returns a connected local
 * stream socket (AF_UNIX, close-on-exec) whose bytes are relayed to and
 * from the connection by two library threads; shutdown(fd, SHUT_WR) sends
 * the peer end of stream, close(fd) ends the connection. At most 64
 * connections are open per node (more fail with an error). -1 on error. */
RTKC_API int rtkc_dial(rtkc_node* node, const char* target, int timeout_ms, char** error);

/* Releases a string returned by this API. NULL is ignored. */
RTKC_API void rtkc_free(char* string);

#ifdef __cplusplus
}
#endif

#endif /* RTKC_H */
