// Mapping — one forward: where it listens, where it sends, and its options.
//
// Four directions, as Go ratatoskr's forward module and yggstack have them:
//   LocalTCP / LocalUDP    listen on the host, send to a Yggdrasil [addr]:port
//   RemoteTCP / RemoteUDP  listen on a Yggdrasil port of our address, send to a host addr:port
// Each mapping has one host endpoint and one Yggdrasil endpoint; which one
// listens follows from the direction. Plain data.
#pragma once

#include <cstdint>
#include <string>

#include "AccessList.hpp"
#include "HostEndpoint.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::plugins::forward {

enum class Direction { LocalTcp, RemoteTcp, LocalUdp, RemoteUdp };

// "LocalTCP", "RemoteTCP", "LocalUDP", "RemoteUDP": the settings' list names.
const char* directionName(Direction d);
inline bool isTcp(Direction d) { return d == Direction::LocalTcp || d == Direction::RemoteTcp; }
inline bool isRemote(Direction d) { return d == Direction::RemoteTcp || d == Direction::RemoteUdp; }

struct Mapping {
  Direction direction = Direction::LocalTcp;
  // Local*: the host address we listen on. Remote*: the host address we send to.
  HostEndpoint host;
  // Local*: the Yggdrasil destination ([200::/7]:port).
  // Remote*: the port we listen on at our own address (address left unspecified).
  Endpoint ygg;
  // Remote* only: who may connect (empty: everyone), and whether the host
  // service gets a PROXY protocol v2 header first (RemoteTCP only).
  AccessList allowed;
  bool proxyProtocol = false;

  // "LocalTCP 127.0.0.1:2222 -> [200:…]:22", "RemoteTCP :8080 -> 127.0.0.1:8080".
  std::string describe() const;
};

}  // namespace rtk::plugins::forward
