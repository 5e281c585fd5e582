// BuiltinHandlers — the admin commands of the real node, answered from
// rtk::NodeInterface (yggdrasil admin/get*.go, addpeer.go, removepeer.go,
// core/api.go SetAdmin, core/proto.go, core/nodeinfo.go, multicast/admin.go,
// tun/admin.go):
//
//   getSelf getPeers getTree getPaths getSessions addPeer removePeer
//   getNodeInfo debug_remoteGetSelf debug_remoteGetPeers debug_remoteGetTree
//   getMulticastInterfaces getTun
//
// Field names, JSON types, omitted-when-empty rules, units and sort orders
// are the real node's, so yggdrasilctl prints the same tables (and -json the
// same objects) for our node. Units: bytes and bytes per second as numbers;
// "uptime" in seconds as a float; "latency" and "last_error_time" as Go
// durations (integer nanoseconds). getTun answers {"enabled": false}: the
// node has no TUN adapter (the userspace stack takes its place).
//
// Argument errors follow the real node's texts (see ArgumentReader; hex
// errors say what is wrong with the key in Poco's words). Remote requests wait remoteTimeout (6 s in yggdrasil) and then
// fail with "Timed out waiting for response" (getNodeInfo) or "timeout"
// (debug_*).
//
// Thread-safety: handlers call `node` from the admin handler workers; NodeInterface
// is thread-safe. `node` must outlive the server the handlers are installed in.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/admin/AdminDispatcher.hpp"
#include "ratatoskr/node_interface.hpp"

namespace rtk::core::admin {

class BuiltinHandlers {
 public:
  struct Options {
    std::chrono::milliseconds remoteTimeout{6000};
  };

  // Registers every command above. Errc::AlreadyExists when one is taken.
  static void install(AdminDispatcher& dispatcher, NodeInterface& node, Options options);
  static void install(AdminDispatcher& dispatcher, NodeInterface& node) { install(dispatcher, node, Options{}); }

  // The handlers themselves: arguments JSON in, response JSON out; they
  // throw rtk::Error with the real node's error text.
  static std::string getSelf(NodeInterface& node, std::string_view arguments);
  static std::string getPeers(NodeInterface& node, std::string_view arguments);
  static std::string getTree(NodeInterface& node, std::string_view arguments);
  static std::string getPaths(NodeInterface& node, std::string_view arguments);
  static std::string getSessions(NodeInterface& node, std::string_view arguments);
  static std::string addPeer(NodeInterface& node, std::string_view arguments);
  static std::string removePeer(NodeInterface& node, std::string_view arguments);
  static std::string getNodeInfo(NodeInterface& node, std::string_view arguments, std::chrono::milliseconds timeout);
  static std::string debugRemoteGetSelf(NodeInterface& node, std::string_view arguments, std::chrono::milliseconds timeout);
  static std::string debugRemoteGetPeers(NodeInterface& node, std::string_view arguments, std::chrono::milliseconds timeout);
  static std::string debugRemoteGetTree(NodeInterface& node, std::string_view arguments, std::chrono::milliseconds timeout);
  static std::string getMulticastInterfaces(NodeInterface& node, std::string_view arguments);
  static std::string getTun(std::string_view arguments);
};

}  // namespace rtk::core::admin
