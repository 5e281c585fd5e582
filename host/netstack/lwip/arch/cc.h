/*
 * lwIP platform definitions for ratatoskr (Linux, gcc/clang, C and C++).
 * Private to host/netstack. The functions declared here are implemented in
 * host/netstack/src/LwipStack.cpp.
 */
#ifndef RTK_LWIP_ARCH_CC_H
#define RTK_LWIP_ARCH_CC_H

#include <arpa/inet.h>
#include <endian.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Logs "netstack: lwIP assertion failed: <msg> at <file>:<line>" through the
 * logger of the running stack (and stderr), then aborts. Never returns. */
void rtk_lwip_assert(const char *message, const char *file, int line) __attribute__((noreturn));
/* Aborts (through rtk_lwip_assert) unless called on the rtk-netstack thread. */
void rtk_lwip_assert_core_locked(void);
/* A uniformly random 32-bit value (ephemeral ports, ISNs). */
uint32_t rtk_lwip_rand(void);

#ifdef __cplusplus
}
#endif

/* Byte order: the C library's functions (inlined by the compiler) instead
 * of lwIP's portable ones, and no lwIP macros named htons & co. that would
 * clash with <arpa/inet.h> in C++ code (see LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS). */
#define lwip_htons(x) htons(x)
#define lwip_htonl(x) htonl(x)

#define LWIP_PLATFORM_ASSERT(x) rtk_lwip_assert((x), __FILE__, __LINE__)
/* Only used with LWIP_DEBUG, which we never define. */
#define LWIP_PLATFORM_DIAG(x) do { printf x; } while (0)

#define LWIP_NO_STDDEF_H 0
#define LWIP_NO_STDINT_H 0
#define LWIP_NO_INTTYPES_H 0
#define LWIP_NO_LIMITS_H 0
#define LWIP_NO_CTYPE_H 0

#endif /* RTK_LWIP_ARCH_CC_H */
