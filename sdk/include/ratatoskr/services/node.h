/* The node service, "ratatoskr.node/1": a running Yggdrasil node as a C table.
 *
 * The C form of rtk::NodeInterface (node_interface.hpp) and of the Conn,
 * Listener and PacketConn objects it returns (net.hpp). The host registers
 * one provider, exported from its node by host/runtime/NodeServiceAdapter;
 * C++ plugins do not use this table directly but wrap it back into
 * rtk::NodeInterface with rtk::sdk::NodeClient (services/node.hpp), so the
 * same plugin code runs against the real node and against test fakes.
 *
 * Look it up with
 *   const rtk_node_service* node = host->get_service(host->ctx,
 *       (rtk_str){RTK_NODE_SERVICE_ID, sizeof RTK_NODE_SERVICE_ID - 1},
 *       RTK_NODE_SERVICE_SIZE_1_0);
 * and pass node->node as the first argument of the node functions.
 *
 * Errors: every function returning rtk_status writes a one-line message to
 * its `error` sink when it fails (the status is rtk::Errc + 1, see abi.h).
 * The codes each operation uses are those of node_interface.hpp / net.hpp;
 * RTK_ERR_CLOSED means the object or the node has been closed.
 *
 * Threads: node functions may be called from any thread, concurrently, and
 * block only the calling thread. A conn/listener/packetconn follows net.hpp:
 * one reader and one writer at a time; *_close and the deadline setters from
 * any thread at any time (a close unblocks pending reads, writes and
 * accepts with RTK_ERR_CLOSED). *_free must be called exactly once, after the
 * last other call on that handle has returned.
 *
 * Handles: a conn, listener or packetconn returned through an out-parameter
 * belongs to the caller, who must release it with the matching *_free (which
 * closes it first if needed). Handles stay usable after the plugin that got
 * them stopped only until the node is closed.
 *
 * Structured results are JSON written to a `json` sink (UTF-8). Keys are 64
 * lowercase hex digits, durations are integer nanoseconds, times are
 * nanoseconds since the Unix epoch (0: never):
 *   get_peers            [{"uri","up","inbound","key","root","port","priority",
 *                          "cost","rx_bytes","tx_bytes","rx_rate","tx_rate",
 *                          "uptime_ns","latency_ns","last_error",
 *                          "last_error_time_ns"}]
 *   multicast_interfaces [{"name","address","beacon","listen","port",
 *                          "priority","has_password"}]
 *   get_self             {"key","routing_entries"}
 *   get_tree             [{"key","parent","sequence"}]
 *   get_paths            [{"key","path":[port,...],"sequence"}]
 *   get_sessions         [{"key","rx_bytes","tx_bytes","uptime_ns"}]
 *   get_node_info        the remote NodeInfo object as received (rtt apart)
 *   remote_get_self      the object yggdrasilctl's debug_remoteGetSelf shows
 *   remote_get_peers/tree ["<key>", ...]
 */
#ifndef RATATOSKR_SERVICES_NODE_H
#define RATATOSKR_SERVICES_NODE_H

#include "ratatoskr/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RTK_NODE_SERVICE_ID "ratatoskr.node/1"

typedef struct rtk_node rtk_node;             /* the provider's node */
typedef struct rtk_conn rtk_conn;             /* a stream (or connected datagram) */
typedef struct rtk_listener rtk_listener;     /* a stream listener */
typedef struct rtk_packetconn rtk_packetconn; /* an unconnected datagram socket */
typedef struct rtk_cancel rtk_cancel;         /* a cancellation source for dial */

/* An IPv6 address (network byte order) and a port. */
typedef struct rtk_endpoint {
  uint8_t address[16];
  uint16_t port;
} rtk_endpoint;

/* An absolute deadline on CLOCK_MONOTONIC in nanoseconds, the clock behind
 * std::chrono::steady_clock on Linux. RTK_NO_DEADLINE: wait forever. */
typedef int64_t rtk_deadline;
#define RTK_NO_DEADLINE INT64_MAX

/* An admin command a plugin serves. Receives the request's "arguments"
 * object as JSON and writes the "response" object as JSON; an error status
 * (with a message) answers the client with {"status":"error"}.
 * Thread: the node's admin thread; concurrently with itself when several
 * admin clients call at once. */
typedef rtk_status (*rtk_admin_handler_fn)(void* ctx, rtk_str arguments_json,
                                           rtk_sink* response_json, rtk_sink* error);
/* Called once when the node drops the handler (it is closed, or the
 * registration failed), after the last call of the handler has returned.
 * Thread: any. May be NULL. */
typedef void (*rtk_admin_release_fn)(void* ctx);

typedef struct rtk_node_service {
  uint32_t struct_size; /* sizeof(rtk_node_service) of the provider */
  rtk_node* node;       /* first argument of the node functions */

  /* ---- network (NetworkInterface) ---- */
  /* network: "tcp", "tcp6", "udp", "udp6"; address "[200:…]:port". Fails
   * with RTK_ERR_TIMEOUT at `deadline` and RTK_ERR_CANCELLED when `cancel`
   * (may be NULL) fires. On success *conn is the caller's. */
  rtk_status (*dial)(rtk_node* node, rtk_str network, rtk_str address, rtk_deadline deadline,
                     rtk_cancel* cancel, rtk_conn** conn, rtk_sink* error);
  /* network "tcp"/"tcp6"; address ":port" or "[<node address>]:port". */
  rtk_status (*listen)(rtk_node* node, rtk_str network, rtk_str address,
                       rtk_listener** listener, rtk_sink* error);
  /* network "udp"/"udp6". */
  rtk_status (*listen_packet)(rtk_node* node, rtk_str network, rtk_str address,
                              rtk_packetconn** packetconn, rtk_sink* error);
  void (*address)(rtk_node* node, uint8_t out[16]);   /* 200::/7; zero after close */
  void (*subnet)(rtk_node* node, uint8_t out[16]);    /* 300::/64 prefix */
  void (*public_key)(rtk_node* node, uint8_t out[32]);
  uint64_t (*mtu)(rtk_node* node);

  /* ---- peers (PeerInterface) ---- */
  rtk_status (*add_peer)(rtk_node* node, rtk_str uri, rtk_str source_interface, rtk_sink* error);
  rtk_status (*remove_peer)(rtk_node* node, rtk_str uri, rtk_str source_interface, rtk_sink* error);
  rtk_status (*get_peers)(rtk_node* node, rtk_sink* json, rtk_sink* error);
  rtk_status (*retry_peers)(rtk_node* node, rtk_sink* error);

  /* ---- multicast (MulticastInterface) ---- */
  rtk_status (*enable_multicast)(rtk_node* node, rtk_sink* error);
  rtk_status (*disable_multicast)(rtk_node* node, rtk_sink* error);
  rtk_status (*multicast_interfaces)(rtk_node* node, rtk_sink* json, rtk_sink* error);

  /* ---- admin socket (AdminInterface) ---- */
  rtk_status (*enable_admin)(rtk_node* node, rtk_str address, rtk_sink* error);
  rtk_status (*disable_admin)(rtk_node* node, rtk_sink* error);
  /* Registers `name` (case-insensitive). `fields` names the arguments shown
   * by the admin "list" command. The node keeps handler_ctx until it calls
   * release(handler_ctx) — also when this call fails. */
  rtk_status (*add_admin_handler)(rtk_node* node, rtk_str name, rtk_str description,
                                  const rtk_str* fields, size_t field_count,
                                  rtk_admin_handler_fn handler, void* handler_ctx,
                                  rtk_admin_release_fn release, rtk_sink* error);

  /* ---- diagnostics (DiagnosticInterface) ---- */
  rtk_status (*get_self)(rtk_node* node, rtk_sink* json, rtk_sink* error);
  rtk_status (*get_tree)(rtk_node* node, rtk_sink* json, rtk_sink* error);
  rtk_status (*get_paths)(rtk_node* node, rtk_sink* json, rtk_sink* error);
  rtk_status (*get_sessions)(rtk_node* node, rtk_sink* json, rtk_sink* error);
  rtk_status (*send_lookup)(rtk_node* node, const uint8_t key[32], rtk_sink* error);
  /* Blocks up to timeout_ms; *rtt_ns receives the round-trip time. */
  rtk_status (*get_node_info)(rtk_node* node, const uint8_t key[32], uint64_t timeout_ms,
                              rtk_sink* json, int64_t* rtt_ns, rtk_sink* error);
  rtk_status (*remote_get_self)(rtk_node* node, const uint8_t key[32], uint64_t timeout_ms,
                                rtk_sink* json, rtk_sink* error);
  rtk_status (*remote_get_peers)(rtk_node* node, const uint8_t key[32], uint64_t timeout_ms,
                                 rtk_sink* json, rtk_sink* error);
  rtk_status (*remote_get_tree)(rtk_node* node, const uint8_t key[32], uint64_t timeout_ms,
                                rtk_sink* json, rtk_sink* error);

  /* Closes the node for every user. The host's provider refuses this for
   * plugins (RTK_ERR_NOT_SUPPORTED): the host owns the node's lifetime. */
  rtk_status (*close)(rtk_node* node, rtk_sink* error);

  /* ---- cancellation of a dial ---- */
  /* A new, unfired source; NULL when out of memory. Thread: any. */
  rtk_cancel* (*cancel_new)(rtk_node* node);
  /* Fires it: a dial using it fails with RTK_ERR_CANCELLED. Idempotent;
   * any thread, also while a dial using it is running. */
  void (*cancel_fire)(rtk_cancel* cancel);
  /* Once no dial uses it any more. */
  void (*cancel_free)(rtk_cancel* cancel);

  /* ---- streams (rtk::Conn) ---- */
  /* Blocks until at least one byte; *n = 0 at end of stream. */
  rtk_status (*conn_read)(rtk_conn* conn, void* data, size_t size, size_t* n, rtk_sink* error);
  /* Writes all bytes (one datagram for udp) and sets *n = size. */
  rtk_status (*conn_write)(rtk_conn* conn, const void* data, size_t size, size_t* n,
                           rtk_sink* error);
  rtk_status (*conn_close_write)(rtk_conn* conn, rtk_sink* error);
  rtk_status (*conn_close)(rtk_conn* conn, rtk_sink* error);  /* idempotent */
  rtk_status (*conn_set_read_deadline)(rtk_conn* conn, rtk_deadline deadline, rtk_sink* error);
  rtk_status (*conn_set_write_deadline)(rtk_conn* conn, rtk_deadline deadline, rtk_sink* error);
  void (*conn_local_endpoint)(rtk_conn* conn, rtk_endpoint* out);
  void (*conn_remote_endpoint)(rtk_conn* conn, rtk_endpoint* out);
  void (*conn_free)(rtk_conn* conn);

  /* ---- listeners (rtk::Listener) ---- */
  rtk_status (*listener_accept)(rtk_listener* listener, rtk_deadline deadline, rtk_conn** conn,
                                rtk_sink* error);
  rtk_status (*listener_close)(rtk_listener* listener, rtk_sink* error);
  void (*listener_local_endpoint)(rtk_listener* listener, rtk_endpoint* out);
  void (*listener_free)(rtk_listener* listener);

  /* ---- datagrams (rtk::PacketConn) ---- */
  /* One datagram; truncated to `size`. */
  rtk_status (*packet_read_from)(rtk_packetconn* pc, void* data, size_t size, size_t* n,
                                 rtk_endpoint* from, rtk_sink* error);
  rtk_status (*packet_write_to)(rtk_packetconn* pc, const void* data, size_t size,
                                const rtk_endpoint* to, size_t* n, rtk_sink* error);
  rtk_status (*packet_close)(rtk_packetconn* pc, rtk_sink* error);
  rtk_status (*packet_set_read_deadline)(rtk_packetconn* pc, rtk_deadline deadline, rtk_sink* error);
  rtk_status (*packet_set_write_deadline)(rtk_packetconn* pc, rtk_deadline deadline, rtk_sink* error);
  void (*packet_local_endpoint)(rtk_packetconn* pc, rtk_endpoint* out);
  void (*packet_free)(rtk_packetconn* pc);
} rtk_node_service;

/* The ABI 1.0 layout of the table: what a client built against 1.0 needs. */
#define RTK_NODE_SERVICE_SIZE_1_0 \
  (offsetof(rtk_node_service, packet_free) + sizeof(void*))

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RATATOSKR_SERVICES_NODE_H */
