/* The peers service, "ratatoskr.peers/1": the node's peer links.
 *
 * The C form of rtk::PeerInterface (node_interface.hpp); C++ plugins use
 * rtk::sdk::PeersClient (services/peers.hpp). Look it up with
 *   host->get_service(host->ctx, (rtk_str){RTK_PEERS_SERVICE_ID, sizeof RTK_PEERS_SERVICE_ID - 1},
 *                     RTK_PEERS_SERVICE_SIZE_1_0)
 * and pass peers->peers as the first argument.
 *
 * Errors: as network.h (status plus a one-line message on the error sink):
 * add_peer RTK_ERR_ALREADY_EXISTS / RTK_ERR_INVALID_ARGUMENT (bad URI) /
 * RTK_ERR_NOT_SUPPORTED (e.g. quic://); remove_peer RTK_ERR_NOT_FOUND.
 * Threads: any, concurrently; calls block only their caller, briefly.
 *
 * get_peers writes JSON (keys 64 lowercase hex digits, durations integer
 * nanoseconds, times nanoseconds since the Unix epoch, 0: never):
 *   [{"uri","up","inbound","key","root","port","priority","cost","rx_bytes",
 *     "tx_bytes","rx_rate","tx_rate","uptime_ns","latency_ns","last_error",
 *     "last_error_time_ns","rx_packets","tx_packets"}]
 *   rx_packets / tx_packets (link frames, keepalives included) were appended
 *   after 2.0; readers treat them as 0 when absent.
 */
#ifndef RATATOSKR_SERVICES_PEERS_H
#define RATATOSKR_SERVICES_PEERS_H

#include "ratatoskr/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RTK_PEERS_SERVICE_ID "ratatoskr.peers/1"

typedef struct rtk_peers rtk_peers; /* the provider's context */

typedef int32_t rtk_peer_event_kind;
enum { RTK_PEER_UP = 1, RTK_PEER_DOWN = 2 };

/* A peer link came up or went down. Every field is valid only during the
 * callback. */
typedef struct rtk_peer_event {
  uint32_t struct_size;       /* sizeof(rtk_peer_event) of the provider */
  rtk_peer_event_kind kind;
  rtk_str uri;                /* as get_peers shows it */
  rtk_str source_interface;
  int32_t inbound;            /* 1 for an inbound link */
  uint8_t key[32];            /* the peer's key */
  rtk_str error;              /* DOWN: why the link ended; empty on a clean close */
} rtk_peer_event;

/* Called on this plugin's callback thread, in the order events happened. */
typedef void (*rtk_peer_event_fn)(void* ctx, const rtk_peer_event* event);

typedef struct rtk_peers_service {
  uint32_t struct_size; /* sizeof(rtk_peers_service) of the provider */
  rtk_peers* peers;

  /* A persistent outbound peer, dialled at once and redialled until removed.
   * source_interface may be empty. */
  rtk_status (*add_peer)(rtk_peers* peers, rtk_str uri, rtk_str source_interface, rtk_sink* error);
  rtk_status (*remove_peer)(rtk_peers* peers, rtk_str uri, rtk_str source_interface, rtk_sink* error);
  /* Every peer waiting out a backoff is dialled now. */
  rtk_status (*retry_peers)(rtk_peers* peers, rtk_sink* error);
  rtk_status (*get_peers)(rtk_peers* peers, rtk_sink* json, rtk_sink* error);

  /* Peer up/down events until unsubscribe or until the plugin stops (the
   * host cancels a stopping plugin's subscriptions before its stop()).
   * *id receives the subscription's id. */
  rtk_status (*subscribe)(rtk_peers* peers, rtk_peer_event_fn fn, void* ctx, uint64_t* id, rtk_sink* error);
  /* Once this returns, fn is not running and is never called again for this
   * id (from inside fn: the current call finishes). Unknown ids are ignored. */
  void (*unsubscribe)(rtk_peers* peers, uint64_t id);

  /* Dials `uri` and runs the link handshake without adding a peer, then
   * closes the connection. Asynchronous (abi.h): done receives
   * {"key":"<hex>"} and the round-trip time of the handshake, or
   * RTK_ERR_TIMEOUT after timeout_ms, or the dial/handshake error. Fails at
   * once with RTK_ERR_INVALID_ARGUMENT for a malformed URI. */
  rtk_status (*probe)(rtk_peers* peers, rtk_str uri, uint64_t timeout_ms, rtk_reply_fn done, void* ctx,
                      rtk_sink* error);
} rtk_peers_service;

#define RTK_PEERS_SERVICE_SIZE_1_0 (offsetof(rtk_peers_service, probe) + sizeof(void*))

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RATATOSKR_SERVICES_PEERS_H */
