// Conversions between our value types and lwIP's (stack-private).
#pragma once

#include <cstring>
#include <string>

#include "lwip/err.h"
#include "lwip/ip_addr.h"
#include "ratatoskr/error.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::netstack::detail {

// With LWIP_IPV4=0, ip_addr_t is ip6_addr_t: four 32-bit words in network
// byte order, the same bytes as Ip6Address.
inline ip_addr_t toLwip(const Ip6Address& a) {
  ip_addr_t out;
  std::memcpy(out.addr, a.bytes.data(), 16);
  return out;
}

inline Ip6Address fromLwip(const ip_addr_t& a) {
  Ip6Address out;
  std::memcpy(out.bytes.data(), a.addr, 16);
  return out;
}

// What an lwIP error means to a user, in our words.
inline const char* describeLwipError(err_t e) {
  switch (e) {
    case ERR_OK: return "ok";
    case ERR_MEM: return "out of memory";
    case ERR_BUF: return "buffer error";
    case ERR_TIMEOUT: return "timed out";
    case ERR_RTE: return "no route to host";
    case ERR_INPROGRESS: return "operation in progress";
    case ERR_VAL: return "invalid value";
    case ERR_WOULDBLOCK: return "operation would block";
    case ERR_USE: return "address in use";
    case ERR_ALREADY: return "already connecting";
    case ERR_ISCONN: return "already connected";
    case ERR_CONN: return "not connected";
    case ERR_IF: return "interface error";
    case ERR_ABRT: return "connection aborted";
    case ERR_RST: return "connection reset by peer";
    case ERR_CLSD: return "connection closed";
    case ERR_ARG: return "illegal argument";
    default: return "unknown lwIP error";
  }
}

inline Errc errcForLwipError(err_t e) {
  switch (e) {
    case ERR_RTE: return Errc::Unreachable;
    case ERR_USE: return Errc::AddressInUse;
    case ERR_TIMEOUT: return Errc::Timeout;
    case ERR_RST:
    case ERR_ABRT: return Errc::Reset;
    case ERR_CLSD:
    case ERR_CONN: return Errc::Closed;
    case ERR_VAL:
    case ERR_ARG: return Errc::InvalidArgument;
    default: return Errc::Io;
  }
}

}  // namespace rtk::netstack::detail
