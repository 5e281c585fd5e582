// The JSON forms of the node's snapshot types (PeerInfo, TreeEntry, ...), as
// the C service tables carry them (services/peers.h, diagnostics.h). The
// host's providers and the plugins' clients both use these functions, so the
// two sides agree on one form. Header-only.
// Errors: decoders throw rtk::Error(Errc::Protocol) for a malformed value.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ratatoskr/json.hpp"
#include "ratatoskr/node_interface.hpp"

namespace rtk::sdk {

// ---- JSON forms of the snapshot types (services/peers.h, diagnostics.h) ----

namespace nodejson {

inline std::int64_t nanos(std::chrono::nanoseconds d) { return static_cast<std::int64_t>(d.count()); }

inline PublicKey key(const json::Value& v, std::string_view field) {
  auto k = PublicKey::fromHex(v.asString());
  if (!k) throw Error(Errc::Protocol, "node service: \"" + std::string(field) + "\" is not a 64-digit hex key");
  return *k;
}

inline json::Value encode(const PeerInfo& p) {
  auto v = json::Value::object();
  v.set("uri", p.uri);
  v.set("up", p.up);
  v.set("inbound", p.inbound);
  v.set("key", p.key.hex());
  v.set("root", p.root.hex());
  v.set("port", p.port);
  v.set("priority", static_cast<unsigned>(p.priority));
  v.set("cost", p.cost);
  v.set("rx_bytes", p.rxBytes);
  v.set("tx_bytes", p.txBytes);
  v.set("rx_rate", p.rxRate);
  v.set("tx_rate", p.txRate);
  v.set("rx_packets", p.rxPackets);
  v.set("tx_packets", p.txPackets);
  v.set("uptime_ns", static_cast<long long>(nanos(p.uptime)));
  v.set("latency_ns", static_cast<long long>(nanos(p.latency)));
  v.set("last_error", p.lastError);
  v.set("last_error_time_ns", static_cast<long long>(nanos(p.lastErrorTime.time_since_epoch())));
  return v;
}

inline PeerInfo decodePeer(const json::Value& v) {
  PeerInfo p;
  p.uri = v.get("uri").asString();
  p.up = v.get("up").asBool();
  p.inbound = v.get("inbound").asBool();
  p.key = key(v.get("key"), "key");
  p.root = key(v.get("root"), "root");
  p.port = v.get("port").asUint64();
  auto priority = v.get("priority").asUint64();
  if (priority > 255) throw Error(Errc::Protocol, "node service: peer priority above 255");
  p.priority = static_cast<std::uint8_t>(priority);
  p.cost = v.get("cost").asUint64();
  p.rxBytes = v.get("rx_bytes").asUint64();
  p.txBytes = v.get("tx_bytes").asUint64();
  p.rxRate = v.get("rx_rate").asUint64();
  p.txRate = v.get("tx_rate").asUint64();
  // Added after ABI 2.0's first release: absent from older providers (0 then).
  if (v.contains("rx_packets")) p.rxPackets = v.get("rx_packets").asUint64();
  if (v.contains("tx_packets")) p.txPackets = v.get("tx_packets").asUint64();
  p.uptime = std::chrono::nanoseconds(v.get("uptime_ns").asInt64());
  p.latency = std::chrono::nanoseconds(v.get("latency_ns").asInt64());
  p.lastError = v.get("last_error").asString();
  p.lastErrorTime = std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::nanoseconds(v.get("last_error_time_ns").asInt64())));
  return p;
}

inline json::Value encode(const MulticastInterfaceInfo& m) {
  auto v = json::Value::object();
  v.set("name", m.name);
  v.set("address", m.address);
  v.set("beacon", m.beacon);
  v.set("listen", m.listen);
  v.set("port", static_cast<unsigned>(m.port));
  v.set("priority", static_cast<unsigned>(m.priority));
  v.set("has_password", m.hasPassword);
  return v;
}

inline MulticastInterfaceInfo decodeMulticast(const json::Value& v) {
  MulticastInterfaceInfo m;
  m.name = v.get("name").asString();
  m.address = v.get("address").asString();
  m.beacon = v.get("beacon").asBool();
  m.listen = v.get("listen").asBool();
  auto port = v.get("port").asUint64(), priority = v.get("priority").asUint64();
  if (port > 65535 || priority > 255) throw Error(Errc::Protocol, "node service: multicast port or priority out of range");
  m.port = static_cast<std::uint16_t>(port);
  m.priority = static_cast<std::uint8_t>(priority);
  m.hasPassword = v.get("has_password").asBool();
  return m;
}

inline json::Value encode(const SelfInfo& s) {
  auto v = json::Value::object();
  v.set("key", s.key.hex());
  v.set("routing_entries", s.routingEntries);
  return v;
}

inline SelfInfo decodeSelf(const json::Value& v) {
  SelfInfo s;
  s.key = key(v.get("key"), "key");
  s.routingEntries = v.get("routing_entries").asUint64();
  return s;
}

inline json::Value encode(const TreeEntry& t) {
  auto v = json::Value::object();
  v.set("key", t.key.hex());
  v.set("parent", t.parent.hex());
  v.set("sequence", t.sequence);
  return v;
}

inline TreeEntry decodeTree(const json::Value& v) {
  TreeEntry t;
  t.key = key(v.get("key"), "key");
  t.parent = key(v.get("parent"), "parent");
  t.sequence = v.get("sequence").asUint64();
  return t;
}

inline json::Value encode(const PathEntry& p) {
  auto v = json::Value::object();
  v.set("key", p.key.hex());
  auto path = json::Value::array();
  for (auto port : p.path) path.push(port);
  v.set("path", std::move(path));
  v.set("sequence", p.sequence);
  return v;
}

inline PathEntry decodePath(const json::Value& v) {
  PathEntry p;
  p.key = key(v.get("key"), "key");
  const auto& path = v.get("path");
  if (!path.isArray()) throw Error(Errc::Protocol, "node service: path entry without a \"path\" array");
  for (std::size_t i = 0; i < path.size(); ++i) p.path.push_back(path[i].asUint64());
  p.sequence = v.get("sequence").asUint64();
  return p;
}

inline json::Value encode(const SessionEntry& s) {
  auto v = json::Value::object();
  v.set("key", s.key.hex());
  v.set("rx_bytes", s.rxBytes);
  v.set("tx_bytes", s.txBytes);
  v.set("uptime_ns", static_cast<long long>(nanos(s.uptime)));
  return v;
}

inline SessionEntry decodeSession(const json::Value& v) {
  SessionEntry s;
  s.key = key(v.get("key"), "key");
  s.rxBytes = v.get("rx_bytes").asUint64();
  s.txBytes = v.get("tx_bytes").asUint64();
  s.uptime = std::chrono::nanoseconds(v.get("uptime_ns").asInt64());
  return s;
}

inline json::Value encode(const PublicKey& k) { return json::Value(k.hex()); }

template <class T>
std::string encodeList(const std::vector<T>& items) {
  auto arr = json::Value::array();
  for (const auto& item : items) arr.push(encode(item));
  return arr.dump();
}

template <class T, class Decode>
std::vector<T> decodeList(std::string_view text, Decode decode) {
  auto arr = json::Value::parse(text);
  if (!arr.isArray()) throw Error(Errc::Protocol, std::string("node service: expected a JSON array, got ") + arr.typeName());
  std::vector<T> out;
  out.reserve(arr.size());
  for (std::size_t i = 0; i < arr.size(); ++i) out.push_back(decode(arr[i]));
  return out;
}

inline std::vector<PublicKey> decodeKeys(std::string_view text) {
  return decodeList<PublicKey>(text, [](const json::Value& v) { return key(v, "key"); });
}

}  // namespace nodejson

}  // namespace rtk::sdk
