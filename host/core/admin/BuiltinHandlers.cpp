#include "core/admin/BuiltinHandlers.hpp"

#include <algorithm>
#include <cmath>

#include "core/address/Address.hpp"
#include "core/admin/ArgumentReader.hpp"
#include "core/admin/GoHex.hpp"
#include "core/proto/BuildInfo.hpp"
#include "core/proto/JsonWriter.hpp"
#include "core/proto/ProtoHandler.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::core::admin {

using proto::JsonWriter;
using proto::ProtoHandler;

namespace {

std::string addressOf(const PublicKey& key) { return formatAddress(address::addressForKey(key)); }

bool isZero(const PublicKey& k) {
  return std::all_of(k.bytes.begin(), k.bytes.end(), [](std::uint8_t b) { return b == 0; });
}

// Go's Duration.Seconds(): whole seconds plus the remainder, which rounds
// differently from a single division for large values.
double goSeconds(std::chrono::nanoseconds d) {
  const std::int64_t ns = d.count();
  const std::int64_t sec = ns / 1000000000, rest = ns % 1000000000;
  return static_cast<double>(sec) + static_cast<double>(rest) / 1e9;
}

// Handlers with no arguments still unmarshal them, so a non-object is an
// error with the Go type's name in it.
void noArguments(std::string_view arguments, std::string_view goType) { ArgumentReader::read(arguments, goType, {}); }

// The key argument of the debug handlers: hex, exactly 32 bytes.
PublicKey debugKey(std::string_view arguments, std::string_view goType) {
  auto args = ArgumentReader::read(arguments, goType, {"key"});
  Bytes bytes;
  if (auto err = GoHex::decode(args["key"], bytes)) throw Error(Errc::InvalidArgument, *err);
  if (bytes.size() != PublicKey::size) throw Error(Errc::InvalidArgument, "invalid public key length");
  PublicKey key;
  std::copy(bytes.begin(), bytes.end(), key.bytes.begin());
  return key;
}

std::string hexOf(const Bytes& b) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  s.reserve(b.size() * 2);
  for (auto c : b) {
    s.push_back(digits[c >> 4]);
    s.push_back(digits[c & 0xf]);
  }
  return s;
}

struct PeerRow {
  const PeerInfo* info;
  std::string key;  // hex, "" when the peer is not up
  double uptime;
};

}  // namespace

std::string BuiltinHandlers::getSelf(NodeInterface& node, std::string_view arguments) {
  noArguments(arguments, "admin.GetSelfRequest");
  SelfInfo self = node.getSelf();
  JsonWriter w;
  w.beginObject();
  w.key("build_name").string(proto::kBuildName);
  w.key("build_version").string(proto::kBuildVersion);
  w.key("key").string(self.key.hex());
  w.key("address").string(formatAddress(node.address()));
  w.key("routing_entries").uint(self.routingEntries);
  w.key("subnet").string(formatAddress(node.subnet()) + "/64");
  w.endObject();
  return w.take();
}

std::string BuiltinHandlers::getPeers(NodeInterface& node, std::string_view arguments) {
  noArguments(arguments, "admin.GetPeersRequest");
  const std::vector<PeerInfo> peers = node.getPeers();
  std::vector<PeerRow> rows;
  rows.reserve(peers.size());
  for (const auto& p : peers)
    rows.push_back(PeerRow{&p, isZero(p.key) ? std::string() : p.key.hex(), goSeconds(p.uptime)});

  // admin/getpeers.go: outbound first, then by key; priority, cost and
  // uptime break ties through Go's int conversions of their differences
  // (unsigned subtraction wraps, the float difference truncates).
  std::stable_sort(rows.begin(), rows.end(), [](const PeerRow& a, const PeerRow& b) {
    if (a.info->inbound != b.info->inbound) return !a.info->inbound;
    if (int c = a.key.compare(b.key); c != 0) return c < 0;
    auto pd = static_cast<std::int64_t>(static_cast<std::uint64_t>(a.info->priority) - b.info->priority);
    if (pd != 0) return pd < 0;
    auto cd = static_cast<std::int64_t>(a.info->cost - b.info->cost);
    if (cd != 0) return cd < 0;
    auto ud = static_cast<std::int64_t>(std::trunc(a.uptime - b.uptime));
    return ud < 0;
  });

  const auto now = std::chrono::system_clock::now();
  JsonWriter w;
  w.beginObject().key("peers").beginArray();
  for (const auto& r : rows) {
    const PeerInfo& p = *r.info;
    w.beginObject();
    if (!p.uri.empty()) w.key("remote").string(p.uri);
    w.key("up").boolean(p.up);
    w.key("inbound").boolean(p.inbound);
    if (!r.key.empty()) w.key("address").string(addressOf(p.key));
    w.key("key").string(r.key);
    w.key("port").uint(p.port);
    w.key("priority").uint(p.priority);
    w.key("cost").uint(p.cost);
    if (p.rxBytes) w.key("bytes_recvd").uint(p.rxBytes);
    if (p.txBytes) w.key("bytes_sent").uint(p.txBytes);
    if (p.rxRate) w.key("rate_recvd").uint(p.rxRate);
    if (p.txRate) w.key("rate_sent").uint(p.txRate);
    if (r.uptime != 0) w.key("uptime").number(r.uptime);
    if (p.latency.count() > 0) w.key("latency").integer(p.latency.count());
    if (!p.lastError.empty()) {
      auto since = std::chrono::duration_cast<std::chrono::nanoseconds>(now - p.lastErrorTime).count();
      if (since != 0) w.key("last_error_time").integer(since);
      w.key("last_error").string(p.lastError);
    }
    w.endObject();
  }
  w.endArray().endObject();
  return w.take();
}

std::string BuiltinHandlers::getTree(NodeInterface& node, std::string_view arguments) {
  noArguments(arguments, "admin.GetTreeRequest");
  auto tree = node.getTree();
  std::stable_sort(tree.begin(), tree.end(), [](const TreeEntry& a, const TreeEntry& b) { return a.key < b.key; });
  JsonWriter w;
  w.beginObject().key("tree").beginArray();
  for (const auto& t : tree) {
    w.beginObject();
    w.key("address").string(addressOf(t.key));
    w.key("key").string(t.key.hex());
    w.key("parent").string(t.parent.hex());
    w.key("sequence").uint(t.sequence);
    w.endObject();
  }
  w.endArray().endObject();
  return w.take();
}

std::string BuiltinHandlers::getPaths(NodeInterface& node, std::string_view arguments) {
  noArguments(arguments, "admin.GetPathsRequest");
  auto paths = node.getPaths();
  std::stable_sort(paths.begin(), paths.end(), [](const PathEntry& a, const PathEntry& b) { return a.key < b.key; });
  JsonWriter w;
  w.beginObject().key("paths").beginArray();
  for (const auto& p : paths) {
    w.beginObject();
    w.key("address").string(addressOf(p.key));
    w.key("key").string(p.key.hex());
    w.key("path").beginArray();
    for (auto port : p.path) w.uint(port);
    w.endArray();
    w.key("sequence").uint(p.sequence);
    w.endObject();
  }
  w.endArray().endObject();
  return w.take();
}

std::string BuiltinHandlers::getSessions(NodeInterface& node, std::string_view arguments) {
  noArguments(arguments, "admin.GetSessionsRequest");
  auto sessions = node.getSessions();
  std::stable_sort(sessions.begin(), sessions.end(),
                   [](const SessionEntry& a, const SessionEntry& b) { return a.key < b.key; });
  JsonWriter w;
  w.beginObject().key("sessions").beginArray();
  for (const auto& s : sessions) {
    w.beginObject();
    w.key("address").string(addressOf(s.key));
    w.key("key").string(s.key.hex());
    w.key("bytes_recvd").uint(s.rxBytes);
    w.key("bytes_sent").uint(s.txBytes);
    w.key("uptime").number(goSeconds(s.uptime));
    w.endObject();
  }
  w.endArray().endObject();
  return w.take();
}

std::string BuiltinHandlers::addPeer(NodeInterface& node, std::string_view arguments) {
  auto args = ArgumentReader::read(arguments, "admin.AddPeerRequest", {"uri", "interface"});
  try {
    node.addPeer(args["uri"], args["interface"]);
  } catch (const Error& e) {
    if (e.code() == Errc::AlreadyExists) throw Error(Errc::AlreadyExists, "peer is already configured");
    throw;
  }
  return "{}";
}

std::string BuiltinHandlers::removePeer(NodeInterface& node, std::string_view arguments) {
  auto args = ArgumentReader::read(arguments, "admin.RemovePeerRequest", {"uri", "interface"});
  try {
    node.removePeer(args["uri"], args["interface"]);
  } catch (const Error& e) {
    if (e.code() == Errc::NotFound) throw Error(Errc::NotFound, "peer is not configured");
    throw;
  }
  return "{}";
}

std::string BuiltinHandlers::getNodeInfo(NodeInterface& node, std::string_view arguments,
                                         std::chrono::milliseconds timeout) {
  auto args = ArgumentReader::read(arguments, "core.GetNodeInfoRequest", {"key"});
  if (args["key"].empty()) throw Error(Errc::InvalidArgument, "No remote public key supplied");
  Bytes bytes;
  if (auto err = GoHex::decode(args["key"], bytes))
    throw Error(Errc::InvalidArgument, "Failed to decode public key: " + *err);
  // yggdrasil copies whatever it decoded into a 32-byte key (zero padded or
  // cut short) and answers under the hex of what it was given.
  PublicKey key;
  std::copy_n(bytes.begin(), std::min(bytes.size(), PublicKey::size), key.bytes.begin());
  NodeInfoReply reply;
  try {
    reply = node.getNodeInfo(key, timeout);
  } catch (const Error& e) {
    if (e.code() == Errc::Timeout) throw Error(Errc::Timeout, "Timed out waiting for response");
    throw;
  }
  auto out = ProtoHandler::nodeInfoAdminResponse(hexOf(bytes), reply.json);
  if (!out) throw Error(Errc::Protocol, "Failed to marshal response: the remote NodeInfo is not valid JSON");
  return *out;
}

std::string BuiltinHandlers::debugRemoteGetSelf(NodeInterface& node, std::string_view arguments,
                                                std::chrono::milliseconds timeout) {
  PublicKey key = debugKey(arguments, "core.DebugGetSelfRequest");
  std::string self;
  try {
    self = node.remoteGetSelf(key, timeout);
  } catch (const Error& e) {
    if (e.code() == Errc::Timeout) throw Error(Errc::Timeout, "timeout");
    throw;
  }
  auto out = ProtoHandler::selfAdminResponse(key, self);
  if (!out) throw Error(Errc::Protocol, "Failed to marshal response: the remote reply is not valid JSON");
  return *out;
}

std::string BuiltinHandlers::debugRemoteGetPeers(NodeInterface& node, std::string_view arguments,
                                                 std::chrono::milliseconds timeout) {
  PublicKey key = debugKey(arguments, "core.DebugGetPeersRequest");
  try {
    return ProtoHandler::keysAdminResponse(key, node.remoteGetPeers(key, timeout));
  } catch (const Error& e) {
    if (e.code() == Errc::Timeout) throw Error(Errc::Timeout, "timeout");
    throw;
  }
}

std::string BuiltinHandlers::debugRemoteGetTree(NodeInterface& node, std::string_view arguments,
                                                std::chrono::milliseconds timeout) {
  PublicKey key = debugKey(arguments, "core.DebugGetTreeRequest");
  try {
    return ProtoHandler::keysAdminResponse(key, node.remoteGetTree(key, timeout));
  } catch (const Error& e) {
    if (e.code() == Errc::Timeout) throw Error(Errc::Timeout, "timeout");
    throw;
  }
}

std::string BuiltinHandlers::getMulticastInterfaces(NodeInterface& node, std::string_view arguments) {
  noArguments(arguments, "multicast.GetMulticastInterfacesRequest");
  auto interfaces = node.multicastInterfaces();
  std::stable_sort(interfaces.begin(), interfaces.end(),
                   [](const MulticastInterfaceInfo& a, const MulticastInterfaceInfo& b) { return a.name < b.name; });
  JsonWriter w;
  w.beginObject().key("multicast_interfaces").beginArray();
  for (const auto& i : interfaces) {
    w.beginObject();
    w.key("name").string(i.name);
    w.key("address").string(i.address.empty() ? "-" : i.address);
    w.key("beacon").boolean(i.beacon);
    w.key("listen").boolean(i.listen);
    w.key("password").boolean(i.hasPassword);
    w.endObject();
  }
  w.endArray().endObject();
  return w.take();
}

std::string BuiltinHandlers::getTun(std::string_view arguments) {
  noArguments(arguments, "tun.GetTUNRequest");
  return R"({"enabled":false})";
}

void BuiltinHandlers::install(AdminDispatcher& d, NodeInterface& node, Options options) {
  NodeInterface* n = &node;
  const auto t = options.remoteTimeout;
  d.addHandler("getSelf", "Show details about this node", {}, [n](std::string_view a) { return getSelf(*n, a); });
  d.addHandler("getPeers", "Show directly connected peers", {}, [n](std::string_view a) { return getPeers(*n, a); });
  d.addHandler("getTree", "Show known Tree entries", {}, [n](std::string_view a) { return getTree(*n, a); });
  d.addHandler("getPaths", "Show established paths through this node", {},
               [n](std::string_view a) { return getPaths(*n, a); });
  d.addHandler("getSessions", "Show established traffic sessions with remote nodes", {},
               [n](std::string_view a) { return getSessions(*n, a); });
  d.addHandler("addPeer", "Add a peer to the peer list", {"uri", "interface"},
               [n](std::string_view a) { return addPeer(*n, a); });
  d.addHandler("removePeer", "Remove a peer from the peer list", {"uri", "interface"},
               [n](std::string_view a) { return removePeer(*n, a); });
  d.addHandler("getNodeInfo", "Request nodeinfo from a remote node by its public key", {"key"},
               [n, t](std::string_view a) { return getNodeInfo(*n, a, t); });
  d.addHandler("debug_remoteGetSelf", "Debug use only", {"key"},
               [n, t](std::string_view a) { return debugRemoteGetSelf(*n, a, t); });
  d.addHandler("debug_remoteGetPeers", "Debug use only", {"key"},
               [n, t](std::string_view a) { return debugRemoteGetPeers(*n, a, t); });
  d.addHandler("debug_remoteGetTree", "Debug use only", {"key"},
               [n, t](std::string_view a) { return debugRemoteGetTree(*n, a, t); });
  d.addHandler("getMulticastInterfaces", "Show which interfaces multicast is enabled on", {},
               [n](std::string_view a) { return getMulticastInterfaces(*n, a); });
  d.addHandler("getTun", "Show information about the node's TUN interface", {},
               [](std::string_view a) { return getTun(a); });
}

}  // namespace rtk::core::admin
