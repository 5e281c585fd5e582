/* The network service, "ratatoskr.network/1": TCP and UDP over Yggdrasil
 * through the node's userspace stack, and the node's identity.
 *
 * The C form of rtk::NetworkInterface (node_interface.hpp) and of the Conn,
 * Listener and PacketConn objects it returns (net.hpp). C++ plugins wrap it
 * with rtk::sdk::NetworkClient (services/network.hpp):
 *   auto net = rtk::sdk::NetworkClient::fromHost(host);   // an rtk::NetworkInterface
 * From C:
 *   const rtk_network_service* net = host->get_service(host->ctx,
 *       (rtk_str){RTK_NETWORK_SERVICE_ID, sizeof RTK_NETWORK_SERVICE_ID - 1},
 *       RTK_NETWORK_SERVICE_SIZE_1_0);
 * and pass net->net as the first argument of the functions that take one.
 *
 * Errors: every function returning rtk_status writes a one-line message to
 * its `error` sink when it fails (the status is rtk::Errc + 1, see abi.h).
 * The codes each operation uses are those of net.hpp; RTK_ERR_CLOSED means
 * the object or the node has been closed.
 *
 * Threads: functions may be called from any thread, concurrently, and block
 * only the calling thread. A conn/listener/packetconn follows net.hpp: one
 * reader and one writer at a time; *_close and the deadline setters from
 * any thread at any time (a close unblocks pending reads, writes and
 * accepts with RTK_ERR_CLOSED). *_free must be called exactly once, after
 * the last other call on that handle has returned.
 *
 * Handles: a conn, listener or packetconn returned through an out-parameter
 * belongs to the caller, who releases it with the matching *_free (which
 * closes it first if needed). The host remembers which plugin holds which
 * handle: what a plugin has not freed when it is unloaded is aborted (a TCP
 * peer sees a reset) and freed by the host (abi.h, "What the host takes
 * back"). A handle must not be passed to another plugin.
 */
#ifndef RATATOSKR_SERVICES_NETWORK_H
#define RATATOSKR_SERVICES_NETWORK_H

#include "ratatoskr/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RTK_NETWORK_SERVICE_ID "ratatoskr.network/1"

typedef struct rtk_network rtk_network;       /* the provider's context */
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

typedef struct rtk_network_service {
  uint32_t struct_size; /* sizeof(rtk_network_service) of the provider */
  rtk_network* net;     /* first argument of the functions that take one */

  /* network: "tcp", "tcp6", "udp", "udp6"; address "[200:…]:port". Fails
   * with RTK_ERR_TIMEOUT at `deadline` and RTK_ERR_CANCELLED when `cancel`
   * (may be NULL) fires. On success *conn is the caller's. */
  rtk_status (*dial)(rtk_network* net, rtk_str network, rtk_str address, rtk_deadline deadline,
                     rtk_cancel* cancel, rtk_conn** conn, rtk_sink* error);
  /* network "tcp"/"tcp6"; address ":port" or "[<node address>]:port". */
  rtk_status (*listen)(rtk_network* net, rtk_str network, rtk_str address,
                       rtk_listener** listener, rtk_sink* error);
  /* network "udp"/"udp6". */
  rtk_status (*listen_packet)(rtk_network* net, rtk_str network, rtk_str address,
                              rtk_packetconn** packetconn, rtk_sink* error);
  void (*address)(rtk_network* net, uint8_t out[16]);   /* 200::/7; zero after close */
  void (*subnet)(rtk_network* net, uint8_t out[16]);    /* 300::/64 prefix */
  void (*public_key)(rtk_network* net, uint8_t out[32]);
  uint64_t (*mtu)(rtk_network* net);

  /* ---- cancellation of a dial ---- */
  /* A new, unfired source; NULL when out of memory. Thread: any. */
  rtk_cancel* (*cancel_new)(rtk_network* net);
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

  /* ---- non-blocking streams (1.1; check struct_size >=
   * RTK_NETWORK_SERVICE_SIZE_1_1 before calling) ----
   * For one thread serving many conns (epoll). A conn that has no
   * non-blocking form (a connected datagram conn) answers
   * RTK_ERR_NOT_SUPPORTED. */
  /* *fd: an eventfd owned by the conn (valid until conn_free; never close
   * it), created on the first call. It polls readable after the conn may
   * have become readable, writable, ended or failed — signalled after a
   * try call returned RTK_ERR_WOULD_BLOCK (and once when created): drain it
   * (read 8 bytes), then try both directions again until each would block. */
  rtk_status (*conn_readiness_fd)(rtk_conn* conn, int* fd, rtk_sink* error);
  /* Reads what is there at once: RTK_OK with *n > 0, RTK_OK with *n = 0 at
   * end of stream, or RTK_ERR_WOULD_BLOCK (nothing written to `error`). */
  rtk_status (*conn_try_read)(rtk_conn* conn, void* data, size_t size, size_t* n, rtk_sink* error);
  /* Queues as many bytes as fit at once: RTK_OK with 1 <= *n <= size, or
   * RTK_ERR_WOULD_BLOCK when the send buffer is full (size > 0). */
  rtk_status (*conn_try_write)(rtk_conn* conn, const void* data, size_t size, size_t* n,
                               rtk_sink* error);
} rtk_network_service;

/* The 1.0 layout of the table: what a client built against it needs. */
#define RTK_NETWORK_SERVICE_SIZE_1_0 \
  (offsetof(rtk_network_service, packet_free) + sizeof(void*))
/* 1.1: the non-blocking streams appended. */
#define RTK_NETWORK_SERVICE_SIZE_1_1 \
  (offsetof(rtk_network_service, conn_try_write) + sizeof(void*))

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RATATOSKR_SERVICES_NETWORK_H */
