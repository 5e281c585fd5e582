// lwIP's checksum routine (LWIP_CHKSUM in lwipopts.h points here; see
// LwipChecksum.cpp). Private to host/netstack.
#pragma once

#include <cstdint>

extern "C" {
// The Internet checksum's 16-bit ones'-complement sum of `len` bytes at
// `data` (any alignment), not inverted, as lwIP's own routine returns it:
// byte pairs read in host order from the first byte, a last odd byte as the
// first byte of a zero-padded pair.
std::uint16_t rtk_lwip_chksum(const void* data, int len);
}
