// rtk::host::ConfParser — reads conf/ratatoskr.conf into a HostConfig.
//
// The file is JSON with comments (//, /* */ and # to end of line) or
// yggdrasil's HJSON (HjsonReader), told apart by its first key; see
// host/config/README.md for both and for every key. Node settings use yggdrasil.conf's
// names (PrivateKey, PrivateKeyPath, Peers, InterfacePeers, Listen,
// AdminListen, MulticastInterfaces, AllowedPublicKeys, IfMTU, NodeInfo,
// NodeInfoPrivacy); host settings are "Plugins", "Modules" and "Log".
// JSON: comments are blanked without moving bytes, then Poco::JSON parses
// the result (a JSON-looking file only HJSON reads is read as HJSON, as
// yggdrasil would). Every error names the place in the file:
//   conf/ratatoskr.conf:7:3: unexpected byte '}' in value (trailing comma before '}')
//   conf/ratatoskr.conf:4:3: unknown key "Peer" (did you mean "Peers"?)
//   conf/ratatoskr.conf:9:12: "IfMTU" must be an unsigned integer, got string "9000"
//   conf/ratatoskr.conf:2:17: "PrivateKey" must be 128 hex digits, got 64
// Relative paths (PrivateKeyPath, Plugins.Directories) are resolved against
// the conf file's directory. Keys yggdrasil.conf has but a userspace node
// does not use (IfName, LogLookups) are accepted with a warning.
//
// Errors: rtk::Error(Errc::Config) with the message above (the file is named
// as given). Thread-safety: stateless.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/HostConfig.hpp"

namespace rtk::host {

class ConfParser {
 public:
  static HostConfig parseFile(const std::string& path);
  // `origin` names the text in messages and anchors relative paths.
  static HostConfig parseText(std::string_view text, const std::string& origin);

  // The accepted top-level keys, in the order the writer prints them.
  static const std::vector<std::string>& knownKeys();
  // The closest of `candidates` to `key` when it is close enough to be a typo.
  static std::string suggest(const std::string& key, const std::vector<std::string>& candidates);
};

}  // namespace rtk::host
