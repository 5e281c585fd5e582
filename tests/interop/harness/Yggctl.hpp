// yggdrasilctl -json, wrapped: one call per admin command, the reply as a
// Poco JSON object.
//
// The real yggdrasilctl 0.5.12 binary is the client for both kinds of node:
// talking to our node's admin socket through it is itself the compatibility
// check. Endpoints are unix sockets in the test's directory; a path-bound unix
// socket is reachable from the root namespace, so calls run there.
//
// Errors: rtk::Error(Io) when yggdrasilctl fails (the admin socket's error
// text, e.g. "peer is not configured", is in the message), rtk::Error(Protocol)
// when the reply is not a JSON object, rtk::Error(Timeout) when the client
// hangs past timeoutMs.
// Thread-safety: const members from any thread.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <string>
#include <utility>
#include <vector>

namespace rtk::interop {

// One getTree row: a node and its parent in the spanning tree (the root is
// its own parent).
struct TreeEntry {
  std::string key;
  std::string parent;
};

class Yggctl {
 public:
  using Args = std::vector<std::pair<std::string, std::string>>;

  // endpoint as yggdrasilctl takes it: "unix:///path/admin.sock".
  explicit Yggctl(std::string endpoint, int timeoutMs = 15000);

  const std::string& endpoint() const { return endpoint_; }

  // Any command: `yggdrasilctl -json -endpoint=E <command> k=v ...`.
  Poco::JSON::Object::Ptr call(const std::string& command, const Args& args = {}) const;
  // True if getSelf answers within timeoutMs (no throw).
  bool answers(int timeoutMs = 2000) const;

  Poco::JSON::Object::Ptr getSelf() const;      // {key, address, subnet, build_*, routing_entries}
  Poco::JSON::Object::Ptr getPeers() const;     // {peers: [{remote, up, inbound, key, ...}]}
  Poco::JSON::Object::Ptr getTree() const;      // {tree: [{key, parent, sequence, address}]}
  Poco::JSON::Object::Ptr getPaths() const;     // {paths: [...]}
  Poco::JSON::Object::Ptr getSessions() const;  // {sessions: [...]}
  Poco::JSON::Object::Ptr list() const;         // {list: [{command, description, fields}]}
  // Remote queries, keyed by the hex public key; the reply is keyed by the
  // remote's key (getNodeInfo) or address (debug_*).
  Poco::JSON::Object::Ptr getNodeInfo(const std::string& key) const;
  Poco::JSON::Object::Ptr debugRemoteGetSelf(const std::string& key) const;
  Poco::JSON::Object::Ptr debugRemoteGetPeers(const std::string& key) const;
  Poco::JSON::Object::Ptr debugRemoteGetTree(const std::string& key) const;
  Poco::JSON::Object::Ptr addPeer(const std::string& uri, const std::string& interface = {}) const;
  Poco::JSON::Object::Ptr removePeer(const std::string& uri, const std::string& interface = {}) const;

  // Convenience views over getPeers/getTree.
  std::vector<std::string> upPeerKeys() const;  // keys of peers with up == true
  std::vector<std::string> treeKeys() const;    // every key in getTree
  std::vector<TreeEntry> treeEntries() const;   // every row of getTree

 private:
  std::string endpoint_;
  int timeoutMs_;
};

}  // namespace rtk::interop
