// What a test asks of one node, real or ours. The field names follow
// yggdrasil.conf; each node class writes them in its own conf format.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

namespace rtk::interop {

struct NodeSpec {
  std::string name;                            // short name: logs, node dir, NodeInfo default
  std::string privateKeyHex;                   // 128 hex chars; empty: Lab generates one
  std::vector<std::string> listen;             // Listen URIs
  std::vector<std::string> peers;              // Peers URIs
  std::vector<std::string> allowedPublicKeys;  // AllowedPublicKeys (hex)
  std::string ifName = "ygg0";                 // TUN name (real nodes; unique per namespace)
  int ifMtuBytes = 65535;                      // IfMTU
  Poco::JSON::Object::Ptr nodeInfo;            // NodeInfo; null means {"name": name}
  bool nodeInfoPrivacy = false;                // NodeInfoPrivacy
  std::string logLevel = "info";               // yggdrasil -loglevel
  Poco::JSON::Object::Ptr plugins;             // our node: "Plugins" section (null: omitted)
  Poco::JSON::Object::Ptr modules;             // our node: "Modules" section (null: omitted)
  Poco::JSON::Array::Ptr multicastInterfaces;  // MulticastInterfaces (null: none)
  // Our node only: run the host as the systemd unit does (packaging/systemd):
  // this uid and gid, no capabilities, no new privileges, umask 0077, the
  // conf readable by that user alone, journal log format. 0: as the caller.
  unsigned runAsUid = 0;
};

// The NodeInfo a node announces: spec.nodeInfo, or {"name": spec.name}.
inline Poco::JSON::Object::Ptr nodeInfoOf(const NodeSpec& spec) {
  if (spec.nodeInfo) return spec.nodeInfo;
  Poco::JSON::Object::Ptr info = new Poco::JSON::Object;
  info->set("name", spec.name);
  return info;
}

}  // namespace rtk::interop
