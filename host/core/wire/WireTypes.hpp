// Constants of the Ironwood link framing shared by the link layer and the
// router (ironwood network/wire.go, network/peers.go).
//
// A link carries frames: uvarint(length) || type (1 byte) || payload, where
// length counts the type byte and the payload.
#pragma once

#include <cstdint>

namespace rtk::core::wire {

enum class PacketType : std::uint8_t {
  Dummy = 0,
  KeepAlive = 1,
  SigReq = 2,
  SigRes = 3,
  Announce = 4,
  BloomFilter = 5,
  PathLookup = 6,
  PathNotify = 7,
  PathBroken = 8,
  Traffic = 9,
};

// yggdrasil sets ironwood's peerMaxMessageSize to 65535*2; a frame whose
// length prefix exceeds it closes the link (ErrOversizedMessage).
constexpr std::uint64_t kMaxMessageSize = 65535 * 2;

// Link timing (ironwood network/config.go defaults, used by yggdrasil 0.5).
constexpr int kPeerKeepAliveDelayMs = 1000;  // answer a non-keepalive frame within this
constexpr int kPeerTimeoutMs = 3000;         // close if nothing arrives this long after we sent

}  // namespace rtk::core::wire
