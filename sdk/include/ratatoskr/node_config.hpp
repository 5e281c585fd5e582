// rtk::NodeConfig — the Yggdrasil node's settings, named after yggdrasil.conf.
//
// Plain data; the core validates it at start (bad keys, URIs and sizes are
// rtk::Error(Errc::Config) naming the field). Fields a running node can change
// (peers) change through NodeInterface, not here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rtk {

struct MulticastInterfaceConfig {
  std::string regex = ".*";      // matched against interface names
  bool beacon = true;            // advertise ourselves
  bool listen = true;            // dial nodes we hear
  std::uint16_t port = 0;        // 0: any port for the TLS listener
  std::uint8_t priority = 0;
  std::string password;
};

struct NodeConfig {
  // 128 hex digits (seed || public key). Empty and no privateKeyPath: a fresh
  // random key is generated at start.
  std::string privateKey;
  // A PEM "PRIVATE KEY" (PKCS#8 Ed25519) file, as `yggdrasil -exportkey`
  // writes it; overrides privateKey when set.
  std::string privateKeyPath;
  std::vector<std::string> peers;                               // outbound peer URIs
  std::map<std::string, std::vector<std::string>> interfacePeers;  // source interface → URIs
  std::vector<std::string> listen;                              // listener URIs
  // "unix:///path" or "tcp://host:port"; "" or "none": no admin socket.
  std::string adminListen = "none";
  std::vector<MulticastInterfaceConfig> multicastInterfaces;
  std::vector<std::string> allowedPublicKeys;  // hex; empty: allow every inbound peer
  std::uint64_t ifMTU = 65535;                 // clamped to [1280, core MTU]
  std::string nodeInfo = "{}";                 // a JSON object published to the network
  bool nodeInfoPrivacy = false;                // true: omit build name/version/platform/arch
};

}  // namespace rtk
