// MappingSpec — yggstack's mapping syntax (-local-tcp, -remote-udp, ...),
// read the way yggstack means it, without its bugs.
//
//   P                 one port on both sides          -remote-tcp 22
//   P1:P2             listen port, target port         -remote-tcp 2022:22
//   P1:B:P2           ... and the target address       -remote-tcp 80:127.0.0.1:8080
//   A:P1:B:P2         ... and the listen address       -local-tcp 127.0.0.1:2222:[200:…]:22
// IPv6 addresses go in brackets (a listen address may also be written bare,
// "::1:8080:[200::1]:22", as yggstack accepts). Ports are decimal 1..65535
// (yggstack lets 0 through to fail later and does not check 65535); addresses
// are IP literals. Unlike yggstack, the 4-part form uses its last two parts
// (yggstack re-reads the first pair).
//
// Per direction:
//   Local*   A: the host address to listen on, omitted → 127.0.0.1 (yggstack
//            listens on all interfaces; write 0.0.0.0 or [::] for that);
//            B: required, a Yggdrasil address (200::/7; IPv4 is refused).
//   Remote*  A: must be omitted (we listen on our own Yggdrasil address);
//            B: the host address to send to, omitted → ::1 (as yggstack).
//
// Errors: rtk::Error(Errc::InvalidArgument) "<flag> \"<spec>\": <reason>".
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "Mapping.hpp"

namespace rtk::plugins::forward {

// `flag` names the spec in errors ("-local-tcp", "LocalTCP[2]").
Mapping parseMappingSpec(std::string_view spec, Direction direction, const std::string& flag);

// The Yggdrasil side of a Local* mapping: "[200::/7 address]:port".
Endpoint parseYggdrasilTarget(std::string_view text, const std::string& what);

}  // namespace rtk::plugins::forward
