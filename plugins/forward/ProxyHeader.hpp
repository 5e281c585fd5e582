// ProxyHeader — the PROXY protocol version 2 header (HAProxy's
// proxy-protocol.txt, section 2.2) a RemoteTCP mapping can send to the
// local service first, so it knows which Yggdrasil node called.
//
// Layout (big-endian): the 12-byte signature; 0x21 (version 2, PROXY);
// 0x21 (IPv6, stream) or 0x22 (IPv6, datagram); the length of what follows;
// source address (16), destination address (16), source port, destination
// port; then TLVs. When the caller's public key is known it follows as one
// TLV of type 0xE0 (the first of the range the spec leaves to applications)
// holding the 32 raw key bytes.
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "ratatoskr/net.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::plugins::forward {

inline constexpr std::uint8_t kProxyTlvYggdrasilKey = 0xE0;

// source: the caller's Yggdrasil endpoint; destination: ours (the mapping's port).
std::vector<std::uint8_t> encodeProxyV2(const Endpoint& source, const Endpoint& destination, bool stream,
                                        const std::optional<PublicKey>& sourceKey);

}  // namespace rtk::plugins::forward
