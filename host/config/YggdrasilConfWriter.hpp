// rtk::host::YggdrasilConfWriter — confs in yggdrasil's own layout, as
// `yggdrasil -genconf` and `-normaliseconf` print them, for
// ratatoskr-stack's -genconf [-json] and -normaliseconf [-json].
//
// The keys come in yggdrasil's order: PrivateKey, PrivateKeyPath (when
// set), Peers, InterfacePeers, Listen, AdminListen (when set),
// MulticastInterfaces, AllowedPublicKeys, IfName, IfMTU, LogLookups (when
// true), NodeInfoPrivacy, NodeInfo; then our host's sections (Plugins,
// Modules, Log) when the conf had them. HJSON output has a comment before
// each key, unquoted keys, and strings without quotes where HJSON reads
// them back the same (HjsonReader does; so does yggdrasil's hjson-go).
// Thread-safety: stateless.
#pragma once

#include <string>

#include "config/HostConfig.hpp"
#include "ratatoskr/json.hpp"

namespace rtk::host {

class YggdrasilConfWriter {
 public:
  enum class Format { Hjson, Json };

  // A new node's conf for ratatoskr-stack: the key, no peers or listeners,
  // AdminListen "none", no multicast, IfName "none", IfMTU 65535.
  static json::Value fresh(const std::string& privateKeyHex);
  // What -normaliseconf prints for `config`: every yggdrasil key with its
  // default filled in, AdminListen left out, PrivateKey left out when
  // PrivateKeyPath is set. `privateKeyHex` stands in when the conf has no key.
  static json::Value normalised(const HostConfig& config, const std::string& privateKeyHex);
  static std::string write(const json::Value& conf, Format format);
};

}  // namespace rtk::host
