/*
 * lwIP build options for ratatoskr's userspace stack (lwIP 2.1).
 *
 * Private to host/netstack: only rtk_lwip and rtk_netstack compile against
 * it. Every choice below says why; the README of host/netstack explains how
 * the stack is driven. Values that lwIP derives from these (TCP_SNDLOWAT,
 * TCP_WND_UPDATE_THRESHOLD, ...) keep their defaults unless stated.
 */
#ifndef RTK_LWIPOPTS_H
#define RTK_LWIPOPTS_H

/* ---- threading ---------------------------------------------------------
 * One thread, "rtk-netstack", owns all of lwIP. It runs posted work, feeds
 * received packets and calls sys_check_timeouts() itself, sleeping on a
 * condition variable until the next lwIP timer (never sleep-polling). So:
 * the raw API without an OS layer, and no locking inside lwIP. */
#define NO_SYS                          1
#define LWIP_TIMERS                     1
#define SYS_LIGHTWEIGHT_PROT            0
#define LWIP_NETCONN                    0
#define LWIP_SOCKET                     0
#define LWIP_TCPIP_CORE_LOCKING         0
/* Every lwIP entry point checks that it runs on the rtk-netstack thread: a
 * call from any other thread is a bug that would corrupt lwIP's globals, so
 * it aborts with a log line instead (see LwipStack.cpp). */
#define LWIP_ASSERT_CORE_LOCKED()       rtk_lwip_assert_core_locked()

/* ---- memory ------------------------------------------------------------
 * The stack serves thousands of connections with megabyte windows: static
 * pools sized for the worst case would pin hundreds of MB. Heap and pools
 * both come from the C library's malloc, so memory follows the load; the
 * limits that matter are enforced by the netstack (connection cap, listen
 * backlog, bounded input queue) and by the TCP windows. */
#define MEM_LIBC_MALLOC                 1
#define MEMP_MEM_MALLOC                 1
/* ... through our functions: blocks of the data path's sizes (a segment's
 * PBUF_RAM, up to 64 KiB) are recycled rather than freed, because glibc
 * would hand every acknowledged window back to the kernel and fault it in
 * again for the next one (src/LwipMemory.cpp). */
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif
void *rtk_lwip_mem_malloc(size_t size);
void rtk_lwip_mem_free(void *memory);
void *rtk_lwip_mem_calloc(size_t count, size_t size);
#ifdef __cplusplus
}
#endif
#define mem_clib_malloc                 rtk_lwip_mem_malloc
#define mem_clib_free                   rtk_lwip_mem_free
#define mem_clib_calloc                 rtk_lwip_mem_calloc
#define MEM_ALIGNMENT                   8
/* Nominal pool sizes: with MEMP_MEM_MALLOC they are not limits, but lwIP's
 * own sanity checks still read them. */
#define MEMP_NUM_TCP_PCB                16384
#define MEMP_NUM_TCP_PCB_LISTEN         1024
#define MEMP_NUM_UDP_PCB                4096
#define MEMP_NUM_TCP_SEG                65535
#define MEMP_NUM_REASSDATA              64
#define PBUF_POOL_SIZE                  64
/* Received packets are wrapped without copying (custom pbufs owning the
 * node's buffer); see NetifPort.cpp. */
#define LWIP_SUPPORT_CUSTOM_PBUF        1
/* No link layer: the netif carries bare IPv6 packets. */
#define PBUF_LINK_HLEN                  0
#define PBUF_LINK_ENCAPSULATION_HLEN    0

/* ---- protocols -----------------------------------------------------------
 * The Yggdrasil network is IPv6 only. */
#define LWIP_IPV4                       0
#define LWIP_IPV6                       1
#define LWIP_ARP                        0
#define LWIP_ETHERNET                   0
#define LWIP_ICMP                       0
#define LWIP_ICMP6                      1   /* echo answered by lwIP, errors for closed UDP ports */
#define LWIP_RAW                        0
#define LWIP_UDP                        1
#define LWIP_TCP                        1
#define LWIP_DNS                        0   /* no DNS: addresses are literals */
#define LWIP_IGMP                       0
#define LWIP_DHCP                       0
#define LWIP_AUTOIP                     0
#define LWIP_IPV6_DHCP6                 0
#define LWIP_ALTCP                      0
#define LWIP_STATS                      0

/* The netif is point-to-point (the node core is the only neighbour), so no
 * neighbour discovery, MLD, router solicitation, SLAAC or duplicate address
 * detection: the node's address is configured and valid at once. */
#define LWIP_IPV6_MLD                   0
#define LWIP_IPV6_AUTOCONFIG            0
#define LWIP_IPV6_SEND_ROUTER_SOLICIT   0
#define LWIP_IPV6_DUP_DETECT_ATTEMPTS   0
#define LWIP_ND6_ALLOW_RA_UPDATES       0
#define LWIP_ND6_TCP_REACHABILITY_HINTS 0
#define LWIP_ND6_QUEUEING               0
/* Yggdrasil addresses are global: no zones, no link-local address. */
#define LWIP_IPV6_SCOPES                0
#define LWIP_IPV6_NUM_ADDRESSES         1
#define LWIP_IPV6_FORWARD               0
/* We never send above the MTU (TCP MSS follows it, UDP is checked), so no
 * fragmentation on send; a real kernel on the far side may fragment a large
 * UDP datagram, so reassembly stays on. */
#define LWIP_IPV6_FRAG                  0
#define LWIP_IPV6_REASS                 1
#define IP_REASS_MAX_PBUFS              256
/* On 64-bit hosts lwIP's reassembly bookkeeping does not fit in the 8-byte
 * fragment header it would overwrite: keep a copy instead. */
#define IPV6_FRAG_COPYHEADER            1

/* Several nodes in one process share this stack, one netif each; packets a
 * node sends to its own address are looped back inside lwIP. */
#define LWIP_SINGLE_NETIF               0
#define LWIP_NETIF_LOOPBACK             1
#define LWIP_HAVE_LOOPIF                0
#define LWIP_NETIF_LOOPBACK_MULTITHREADING 0

/* ---- checksums -----------------------------------------------------------
 * Generated on send: the far side is usually a real kernel behind a TUN, and
 * it verifies them. Not verified on receive: every packet that reaches us was
 * decrypted and authenticated by the Yggdrasil session layer (a corrupted
 * packet fails the AEAD tag and never arrives), so a checksum could only
 * catch a sender that computes it wrongly — and that sender could send any
 * bytes it likes anyway. Skipping it saves a pass over every byte received. */
#define CHECKSUM_GEN_IP6                1
#define CHECKSUM_GEN_TCP                1
#define CHECKSUM_GEN_UDP                1
#define CHECKSUM_GEN_ICMP6              1
#define CHECKSUM_CHECK_TCP              0
#define CHECKSUM_CHECK_UDP              0
#define CHECKSUM_CHECK_ICMP6            0
/* Fold the checksum into the copy tcp_write makes anyway. */
#define LWIP_CHECKSUM_ON_COPY           1
/* lwIP's portable sum adds 16 bits at a time; ours (src/LwipChecksum.cpp)
 * adds 32-bit loads into 64-bit sums, the same result several times faster:
 * it runs over every byte sent. */
#ifdef __cplusplus
extern "C" {
#endif
unsigned short rtk_lwip_chksum(const void *data, int len);
#ifdef __cplusplus
}
#endif
#define LWIP_CHKSUM                     rtk_lwip_chksum

/* ---- TCP -----------------------------------------------------------------
 * The node MTU is up to 65535 (Yggdrasil's default). MSS = MTU - 40 (IPv6
 * header) - 20 (TCP header). This is the ceiling; lwIP lowers each
 * connection's MSS to the netif MTU and the peer's MSS option
 * (TCP_CALCULATE_EFF_SEND_MSS), so a smaller node MTU works unchanged. */
#define TCP_MSS                         (65535 - 60)
#define TCP_CALCULATE_EFF_SEND_MSS      1
/* Windows of megabytes: 4 MiB keeps a 100 ms path busy at ~330 Mbit/s.
 * Window scaling is required above 64 KiB; a shift of 7 allows up to 8 MiB. */
#define LWIP_WND_SCALE                  1
#define TCP_RCV_SCALE                   7
#define TCP_WND                         (4 * 1024 * 1024)
/* The send buffer matches the window so a sender can fill it. */
#define TCP_SND_BUF                     (4 * 1024 * 1024)
/* Queue length in segments: with a peer MSS as small as IPv6's minimum
 * (1220) a full send buffer is ~3500 segments; allow twice that and more.
 * The field is 16 bits. */
#define TCP_SND_QUEUELEN                16384
/* lwIP's sanity checks assume a 16-bit send buffer and MSS well below 64 KiB
 * (TCP_SNDLOWAT < 0xFFFF - 4 * TCP_MSS cannot hold with our MSS); that check
 * only concerns the sockets API's writability test, which we do not use. The
 * remaining checks are satisfied by the values above. */
#define LWIP_DISABLE_TCP_SANITY_CHECKS  1
/* Out-of-order segments are kept (bounded by the window) and reported with
 * SACK options so a Linux sender retransmits only the holes. */
#define TCP_QUEUE_OOSEQ                 1
#define LWIP_TCP_SACK_OUT               1
#define LWIP_TCP_MAX_SACK_NUM           4
/* A listener accepts at most this many connections that the application has
 * not yet taken (SYN_RCVD included): bounds what a SYN flood can allocate. */
#define TCP_LISTEN_BACKLOG              1
#define TCP_DEFAULT_LISTEN_BACKLOG      255
/* TCP timers tick every 100 ms (slow timer 200 ms) instead of 250/500 ms:
 * retransmission timeouts and delayed ACKs get a finer grain on a network
 * whose RTTs are tens of milliseconds. The timer only runs while there are
 * active connections. */
#define TCP_TMR_INTERVAL                100
#define LWIP_TCP_KEEPALIVE              0
#define LWIP_TCP_TIMESTAMPS             0
#define LWIP_CALLBACK_API               1
#define LWIP_EVENT_API                  0

/* ---- hooks ---------------------------------------------------------------
 * The output netif is chosen by the packet's source address, so each node in
 * the process sends through its own PacketInterface; random ISNs and ports
 * instead of lwIP's predictable counters. Implemented in LwipStack.cpp
 * (the retransmit counter in NodeStack.cpp). */
#define LWIP_HOOK_FILENAME              "rtk_lwip_hooks.h"
#define LWIP_HOOK_IP6_ROUTE(src, dest)  rtk_lwip_ip6_route((src), (dest))
#define LWIP_HOOK_TCP_ISN(lip, lport, rip, rport) rtk_lwip_tcp_isn((lip), (lport), (rip), (rport))
/* Sees each TCP segment on its way out (adds no options): retransmissions
 * are counted there, as lwIP 2.1 keeps no counter of its own for them. */
#define LWIP_HOOK_TCP_OUT_ADD_TCPOPTS(p, hdr, pcb, opts) \
  (rtk_lwip_tcp_segment_out((p), (hdr), (pcb)), (opts))
#define LWIP_RAND()                     rtk_lwip_rand()

/* The system's htons & co. (<arpa/inet.h>), see arch/cc.h. */
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS 1

/* ---- debugging -----------------------------------------------------------
 * LWIP_ASSERT stays active in every build (LWIP_NOASSERT is never defined):
 * a violated invariant logs and aborts (arch/cc.h) instead of corrupting
 * state silently. LWIP_DEBUG output is off. */

#endif /* RTK_LWIPOPTS_H */
