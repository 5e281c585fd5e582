// Message type bytes of yggdrasil's in-band protocol (core/types.go,
// core/proto.go). A proto message on an encrypted session is:
//
//   0x02 (session type: proto) | proto type | body
//
// NodeInfo: request [02 01], response [02 02] + NodeInfo JSON.
// Debug:    [02 FF] + debug type + body, where the body of a response is
//           getSelf: the JSON {"key":"<hex>","routing_entries":"<decimal>"}
//           getPeers / getTree: 32-byte keys back to back.
#pragma once

#include <cstdint>

namespace rtk::core::proto {

inline constexpr std::uint8_t kSessionTraffic = 1;
inline constexpr std::uint8_t kSessionProto = 2;

inline constexpr std::uint8_t kProtoDummy = 0;
inline constexpr std::uint8_t kProtoNodeInfoRequest = 1;
inline constexpr std::uint8_t kProtoNodeInfoResponse = 2;
inline constexpr std::uint8_t kProtoDebug = 255;

inline constexpr std::uint8_t kDebugDummy = 0;
inline constexpr std::uint8_t kDebugGetSelfRequest = 1;
inline constexpr std::uint8_t kDebugGetSelfResponse = 2;
inline constexpr std::uint8_t kDebugGetPeersRequest = 3;
inline constexpr std::uint8_t kDebugGetPeersResponse = 4;
inline constexpr std::uint8_t kDebugGetTreeRequest = 5;
inline constexpr std::uint8_t kDebugGetTreeResponse = 6;

// What the kinds of pending request are called in tables and errors.
enum class RequestKind : std::uint8_t { NodeInfo, Self, Peers, Tree };

inline const char* requestKindName(RequestKind k) {
  switch (k) {
    case RequestKind::NodeInfo: return "getNodeInfo";
    case RequestKind::Self: return "debug_remoteGetSelf";
    case RequestKind::Peers: return "debug_remoteGetPeers";
    case RequestKind::Tree: return "debug_remoteGetTree";
  }
  return "request";
}

}  // namespace rtk::core::proto
