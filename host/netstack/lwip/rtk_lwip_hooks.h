/*
 * lwIP hook declarations (LWIP_HOOK_FILENAME). Included by lwIP's ip6.c and
 * tcp.c after their own headers; implemented in host/netstack/src/LwipStack.cpp.
 * Private to host/netstack.
 */
#ifndef RTK_LWIP_HOOKS_H
#define RTK_LWIP_HOOKS_H

#include "lwip/ip_addr.h"
#include "lwip/netif.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The netif that owns `src` when `dest` is in 200::/7; NULL otherwise (then
 * lwIP has no route: there is no default netif). */
struct netif *rtk_lwip_ip6_route(const ip6_addr_t *src, const ip6_addr_t *dest);
/* Called for every TCP segment lwIP sends, before its checksum: counts the
 * retransmitted ones (data, SYN or FIN below the pcb's snd_nxt) for the
 * netstack's counters. pcb is NULL for a reset without a connection. */
struct pbuf;
struct tcp_hdr;
struct tcp_pcb;
void rtk_lwip_tcp_segment_out(const struct pbuf *p, const struct tcp_hdr *hdr, const struct tcp_pcb *pcb);
/* A random initial sequence number for a new connection. */
u32_t rtk_lwip_tcp_isn(const ip_addr_t *local_ip, u16_t local_port, const ip_addr_t *remote_ip, u16_t remote_port);

#ifdef __cplusplus
}
#endif

#endif /* RTK_LWIP_HOOKS_H */
