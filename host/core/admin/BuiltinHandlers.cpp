#include "core/admin/BuiltinHandlers.hpp"

#include <Poco/Exception.h>
#include <Poco/HexBinaryDecoder.h>
#include <Poco/HexBinaryEncoder.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iterator>
#include <sstream>

#include "ratatoskr/address.hpp"
#include "core/admin/ArgumentReader.hpp"
#include "core/proto/BuildInfo.hpp"
#include "core/proto/Json.hpp"
#include "core/proto/ProtoHandler.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::core::admin {

namespace json = proto::json;
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

// Hex of any length, as hex.DecodeString: nullopt on success, else why not.
// Like Go, a bad digit anywhere is reported before an odd length.
std::optional<std::string> decodeHex(const std::string& text, Bytes& out) {
  out.clear();
  const std::size_t even = text.size() / 2 * 2;
  if (text.find_first_of(" \t\r\n") != std::string::npos)  // Poco's decoder would skip these
    return std::string("invalid byte: whitespace");
  try {
    std::istringstream in(text.substr(0, even));
    Poco::HexBinaryDecoder decoder(in);
    out.assign(std::istreambuf_iterator<char>(decoder), std::istreambuf_iterator<char>());
  } catch (const Poco::Exception& e) {
    return "invalid byte: " + e.displayText();
  }
  if (out.size() != even / 2) return std::string("invalid byte");
  if (even != text.size()) {
    if (!std::isxdigit(static_cast<unsigned char>(text.back()))) return std::string("invalid byte");
    return std::string("odd length hex string");
  }
  return std::nullopt;
}

std::string hexOf(const Bytes& b) {
  std::ostringstream out;
  Poco::HexBinaryEncoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder.rdbuf()->setUppercase(false);
  encoder.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  encoder.close();
  return out.str();
}

// The key argument of the debug handlers: hex, exactly 32 bytes.
PublicKey debugKey(std::string_view arguments, std::string_view goType) {
  auto args = ArgumentReader::read(arguments, goType, {"key"});
  Bytes bytes;
  if (auto err = decodeHex(args["key"], bytes)) throw Error(Errc::InvalidArgument, "encoding/hex: " + *err);
  if (bytes.size() != PublicKey::size) throw Error(Errc::InvalidArgument, "invalid public key length");
  PublicKey key;
  std::copy(bytes.begin(), bytes.end(), key.bytes.begin());
  return key;
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
  json::ObjectPtr o = json::object();
  o->set("build_name", std::string(proto::kBuildName));
  o->set("build_version", std::string(proto::kBuildVersion));
  o->set("key", self.key.hex());
  o->set("address", formatAddress(node.address()));
  o->set("routing_entries", static_cast<std::uint64_t>(self.routingEntries));
  o->set("subnet", formatAddress(node.subnet()) + "/64");
  return json::write(o);
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
  json::ArrayPtr list = json::array();
  for (const auto& r : rows) {
    const PeerInfo& p = *r.info;
    json::ObjectPtr o = json::object();
    if (!p.uri.empty()) o->set("remote", p.uri);
    o->set("up", p.up);
    o->set("inbound", p.inbound);
    if (!r.key.empty()) o->set("address", addressOf(p.key));
    o->set("key", r.key);
    o->set("port", static_cast<std::uint64_t>(p.port));
    o->set("priority", static_cast<std::uint64_t>(p.priority));
    o->set("cost", static_cast<std::uint64_t>(p.cost));
    if (p.rxBytes) o->set("bytes_recvd", static_cast<std::uint64_t>(p.rxBytes));
    if (p.txBytes) o->set("bytes_sent", static_cast<std::uint64_t>(p.txBytes));
    if (p.rxRate) o->set("rate_recvd", static_cast<std::uint64_t>(p.rxRate));
    if (p.txRate) o->set("rate_sent", static_cast<std::uint64_t>(p.txRate));
    if (r.uptime != 0) o->set("uptime", r.uptime);
    if (p.latency.count() > 0) o->set("latency", static_cast<std::int64_t>(p.latency.count()));
    if (!p.lastError.empty()) {
      auto since = std::chrono::duration_cast<std::chrono::nanoseconds>(now - p.lastErrorTime).count();
      if (since != 0) o->set("last_error_time", static_cast<std::int64_t>(since));
      o->set("last_error", p.lastError);
    }
    list->add(o);
  }
  json::ObjectPtr out = json::object();
  out->set("peers", list);
  return json::write(out);
}

std::string BuiltinHandlers::getTree(NodeInterface& node, std::string_view arguments) {
  noArguments(arguments, "admin.GetTreeRequest");
  auto tree = node.getTree();
  std::stable_sort(tree.begin(), tree.end(), [](const TreeEntry& a, const TreeEntry& b) { return a.key < b.key; });
  json::ArrayPtr list = json::array();
  for (const auto& t : tree) {
    json::ObjectPtr o = json::object();
    o->set("address", addressOf(t.key));
    o->set("key", t.key.hex());
    o->set("parent", t.parent.hex());
    o->set("sequence", static_cast<std::uint64_t>(t.sequence));
    list->add(o);
  }
  json::ObjectPtr out = json::object();
  out->set("tree", list);
  return json::write(out);
}

std::string BuiltinHandlers::getPaths(NodeInterface& node, std::string_view arguments) {
  noArguments(arguments, "admin.GetPathsRequest");
  auto paths = node.getPaths();
  std::stable_sort(paths.begin(), paths.end(), [](const PathEntry& a, const PathEntry& b) { return a.key < b.key; });
  json::ArrayPtr list = json::array();
  for (const auto& p : paths) {
    json::ObjectPtr o = json::object();
    o->set("address", addressOf(p.key));
    o->set("key", p.key.hex());
    json::ArrayPtr ports = json::array();
    for (auto port : p.path) ports->add(static_cast<std::uint64_t>(port));
    o->set("path", ports);
    o->set("sequence", static_cast<std::uint64_t>(p.sequence));
    list->add(o);
  }
  json::ObjectPtr out = json::object();
  out->set("paths", list);
  return json::write(out);
}

std::string BuiltinHandlers::getSessions(NodeInterface& node, std::string_view arguments) {
  noArguments(arguments, "admin.GetSessionsRequest");
  auto sessions = node.getSessions();
  std::stable_sort(sessions.begin(), sessions.end(),
                   [](const SessionEntry& a, const SessionEntry& b) { return a.key < b.key; });
  json::ArrayPtr list = json::array();
  for (const auto& s : sessions) {
    json::ObjectPtr o = json::object();
    o->set("address", addressOf(s.key));
    o->set("key", s.key.hex());
    o->set("bytes_recvd", static_cast<std::uint64_t>(s.rxBytes));
    o->set("bytes_sent", static_cast<std::uint64_t>(s.txBytes));
    o->set("uptime", goSeconds(s.uptime));
    list->add(o);
  }
  json::ObjectPtr out = json::object();
  out->set("sessions", list);
  return json::write(out);
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
  if (auto err = decodeHex(args["key"], bytes))
    throw Error(Errc::InvalidArgument, "Failed to decode public key: encoding/hex: " + *err);
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
  json::ArrayPtr list = json::array();
  for (const auto& i : interfaces) {
    json::ObjectPtr o = json::object();
    o->set("name", i.name);
    o->set("address", i.address.empty() ? std::string("-") : i.address);
    o->set("beacon", i.beacon);
    o->set("listen", i.listen);
    o->set("password", i.hasPassword);
    list->add(o);
  }
  json::ObjectPtr out = json::object();
  out->set("multicast_interfaces", list);
  return json::write(out);
}

std::string BuiltinHandlers::getTun(std::string_view arguments) {
  noArguments(arguments, "tun.GetTUNRequest");
  return R"({"enabled":false})";
}

void BuiltinHandlers::install(AdminDispatcher& d, NodeInterface& node, Options options) {
  NodeInterface* n = &node;
  const auto t = options.remoteTimeout;
  d.addBuiltin("getSelf", "Show details about this node", {}, [n](std::string_view a) { return getSelf(*n, a); });
  d.addBuiltin("getPeers", "Show directly connected peers", {}, [n](std::string_view a) { return getPeers(*n, a); });
  d.addBuiltin("getTree", "Show known Tree entries", {}, [n](std::string_view a) { return getTree(*n, a); });
  d.addBuiltin("getPaths", "Show established paths through this node", {},
               [n](std::string_view a) { return getPaths(*n, a); });
  d.addBuiltin("getSessions", "Show established traffic sessions with remote nodes", {},
               [n](std::string_view a) { return getSessions(*n, a); });
  d.addBuiltin("addPeer", "Add a peer to the peer list", {"uri", "interface"},
               [n](std::string_view a) { return addPeer(*n, a); });
  d.addBuiltin("removePeer", "Remove a peer from the peer list", {"uri", "interface"},
               [n](std::string_view a) { return removePeer(*n, a); });
  d.addBuiltin("getNodeInfo", "Request nodeinfo from a remote node by its public key", {"key"},
               [n, t](std::string_view a) { return getNodeInfo(*n, a, t); });
  d.addBuiltin("debug_remoteGetSelf", "Debug use only", {"key"},
               [n, t](std::string_view a) { return debugRemoteGetSelf(*n, a, t); });
  d.addBuiltin("debug_remoteGetPeers", "Debug use only", {"key"},
               [n, t](std::string_view a) { return debugRemoteGetPeers(*n, a, t); });
  d.addBuiltin("debug_remoteGetTree", "Debug use only", {"key"},
               [n, t](std::string_view a) { return debugRemoteGetTree(*n, a, t); });
  d.addBuiltin("getMulticastInterfaces", "Show which interfaces multicast is enabled on", {},
               [n](std::string_view a) { return getMulticastInterfaces(*n, a); });
  d.addBuiltin("getTun", "Show information about the node's TUN interface", {},
               [](std::string_view a) { return getTun(a); });
}

}  // namespace rtk::core::admin
