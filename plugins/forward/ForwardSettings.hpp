// ForwardSettings — Modules.forward, checked: the mappings and the limits.
//
// Each of LocalTCP, RemoteTCP, LocalUDP, RemoteUDP is a list whose entries
// are either a yggstack mapping spec ("127.0.0.1:2222:[200:…]:22", see
// MappingSpec.hpp) or an object:
//   {"Listen": "127.0.0.1:2222", "Mapped": "[200:…]:22"}                 Local*
//   {"Listen": 8080 | ":8080", "Mapped": "127.0.0.1:8080",                Remote*
//    "AllowedPublicKeys": ["<64 hex>"], "AllowedPrefixes": ["300:…/64"],
//    "ProxyProtocol": true}                                               (RemoteTCP only)
// The schema (ForwardSchema.hpp) types every field and fills the defaults; fromJson
// checks what a schema cannot (addresses, ports, keys, one listener per
// port) and throws rtk::Error(Errc::InvalidArgument) naming the setting:
//   RemoteTCP[1].AllowedPublicKeys[0]: "abc" is not a public key (...)
// Plain data.
#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

#include "Mapping.hpp"
#include "ratatoskr/json.hpp"

namespace rtk::plugins::forward {

struct ForwardSettings {
  std::vector<Mapping> mappings;
  // Zero means none (wait as long as it takes) for the first two.
  std::chrono::milliseconds dialTimeout{10'000};
  std::chrono::milliseconds tcpIdleTimeout{300'000};
  // After one direction ended cleanly, the other may stay idle this long.
  std::chrono::milliseconds tcpCloseTimeout{30'000};
  std::chrono::milliseconds udpTimeout{120'000};
  std::chrono::milliseconds udpWriteTimeout{5'000};
  std::size_t maxTcpConnections = 256;
  std::size_t maxUdpSessions = 256;
  std::size_t udpMaxPacketSize = 0;  // 0: the largest datagram the node carries (MTU - 48)

  // `config`: the settings after the schema (defaults filled in).
  static ForwardSettings fromJson(const json::Value& config);
};

}  // namespace rtk::plugins::forward
