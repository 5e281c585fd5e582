// The header of a datagram on a UDP ASSOCIATE relay (RFC 1928 §7):
// RSV(2) FRAG(1) ATYP DST.ADDR DST.PORT, then the payload.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "protocol/SocksMessages.hpp"

namespace rtk::plugins::socks {

struct UdpHeader {
  std::uint8_t fragment = 0;  // 0: a whole datagram; we drop anything else
  Destination destination;
  std::size_t length = 0;     // header bytes; the payload follows
};

// A whole datagram is given, so a header cut short is Invalid, not Incomplete.
Parsed<UdpHeader> parseUdpHeader(std::span<const std::uint8_t> datagram);
// RSV RSV FRAG=0 and the address in the form `destination` has.
std::string encodeUdpHeader(const Destination& destination);

}  // namespace rtk::plugins::socks
