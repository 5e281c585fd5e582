// AskTarget — what an ask names, parsed from the text a user or plugin gave.
//
// Forms, tried in this order on the trimmed text:
//   "<64 hex>.pk.ygg"   suffix in any case, one trailing dot allowed     → Key
//   64 hex digits       either case                                     → Key
//   "[<ipv6>]:<port>"   hex digits and colons only, 1-5 digit port (ignored)
//   "<ipv6>"            hex digits and colons only
// An IPv6 address must be a node address (200::/8) → Address, or lie in a
// node's subnet (300::/8) → Subnet, canonicalised to its /64 (the last 8
// bytes zero), so every host of one subnet is the same target.
//
// Errors (rtk::Error, InvalidArgument): "ninfo: bad target ..." for text of
// no form (empty, hostnames, IPv4, zones, dotted quads, a .pk.ygg name with a
// subdomain or a key of the wrong length, bad hex), "ninfo: ... is not a
// Yggdrasil address ..." for IPv6 outside 200::/7.
// Pure function, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "ratatoskr/types.hpp"

namespace rtk::ninfo {

struct AskTarget {
  enum class Kind { Key, Address, Subnet };
  Kind kind = Kind::Key;
  std::string text;     // the trimmed input, as results and errors show it
  PublicKey key;        // Kind::Key
  Ip6Address address;   // Kind::Address: the address; Kind::Subnet: the /64 prefix
};

AskTarget parseTarget(std::string_view text);

// "200:1234::1" or "300:1234:5678:9abc::/64": how a resolving target is named in messages.
std::string describeAddress(const AskTarget& target);

}  // namespace rtk::ninfo
