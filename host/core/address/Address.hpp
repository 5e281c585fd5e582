// Yggdrasil addressing: the 200::/7 node address and 300::/64 subnet a public
// key stands for, and the reverse (the key prefix an address or subnet gives).
//
// The address is 0x02, then the count of leading 1 bits of the bitwise-NOT
// key, then the NOT key's bits after the first 0 bit following them
// (src/address/address.go in yggdrasil-go). The subnet is the address's first
// 8 bytes with the prefix byte 0x03. Pure functions, thread-safe.
#pragma once

#include "ratatoskr/types.hpp"

namespace rtk::core::address {

Ip6Address addressForKey(const PublicKey& key);
// The /64 prefix in the first 8 bytes; the last 8 bytes are zero.
Ip6Address subnetForKey(const PublicKey& key);

bool isValidAddress(const Ip6Address& a);  // 200::/8
bool isValidSubnet(const Ip6Address& a);   // 300::/8

// The partial key an address (or subnet) was derived from. Only the bits the
// address encodes are meaningful; the rest are set so that the result
// compares correctly with the router's bloom transform.
PublicKey keyForAddress(const Ip6Address& a);
PublicKey keyForSubnet(const Ip6Address& subnet);

// The key transform yggdrasil applies before bloom filtering and lookups:
// keyForSubnet(subnetForKey(key)).
PublicKey bloomTransform(const PublicKey& key);

}  // namespace rtk::core::address
