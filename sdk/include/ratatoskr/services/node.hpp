// rtk::sdk::NodeClient — the node service table (services/node.h) as an
// rtk::NodeInterface, so plugin code is written against the C++ interface
// and tested against fakes, while only C crosses the .so boundary.
//
//   auto node = rtk::sdk::NodeClient::fromHost(host);     // in the constructor
//   auto listener = node->listen("tcp", ":8080");          // rtk::Listener
//   for (auto& p : node->getPeers()) log.info(p.uri, p.up ? " up" : " down");
//
// Every failure surfaces as rtk::Error with the provider's Errc and message.
// Thread-safety: as NodeInterface and net.hpp (the table is thread-safe; the
// client holds no mutable state of its own). A Conn/Listener/PacketConn from
// the client releases its handle when destroyed; it must not outlive the
// node. Header-only; also holds the JSON forms of the snapshot types, which
// the host's provider uses too (nodejson::).
#pragma once

#include <chrono>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/json.hpp"
#include "ratatoskr/node_interface.hpp"
#include "ratatoskr/plugin.hpp"
#include "ratatoskr/services/node.h"

namespace rtk::sdk {

// ---- value conversions ----------------------------------------------------

inline rtk_deadline toRtkDeadline(const Deadline& d) noexcept {
  if (!d) return RTK_NO_DEADLINE;
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d->time_since_epoch()).count();
  return ns == RTK_NO_DEADLINE ? RTK_NO_DEADLINE - 1 : static_cast<rtk_deadline>(ns);
}

inline Deadline fromRtkDeadline(rtk_deadline d) noexcept {
  if (d == RTK_NO_DEADLINE) return std::nullopt;
  return TimePoint(std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(d)));
}

inline rtk_endpoint toRtkEndpoint(const Endpoint& e) noexcept {
  rtk_endpoint out{};
  std::memcpy(out.address, e.address.bytes.data(), 16);
  out.port = e.port;
  return out;
}

inline Endpoint fromRtkEndpoint(const rtk_endpoint& e) noexcept {
  Endpoint out;
  std::memcpy(out.address.bytes.data(), e.address, 16);
  out.port = e.port;
  return out;
}

// ---- JSON forms of the snapshot types (see services/node.h) ---------------

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

// ---- the client -----------------------------------------------------------

namespace detail {

class ClientConn final : public Conn {
 public:
  ClientConn(const rtk_node_service* table, rtk_conn* handle) : t_(table), h_(handle) {}
  ~ClientConn() override { t_->conn_free(h_); }
  ClientConn(const ClientConn&) = delete;
  ClientConn& operator=(const ClientConn&) = delete;

  std::size_t read(void* data, std::size_t size) override {
    std::size_t n = 0;
    StringSink err;
    check(t_->conn_read(h_, data, size, &n, err.get()), err, "conn read");
    return n;
  }
  std::size_t write(const void* data, std::size_t size) override {
    std::size_t n = 0;
    StringSink err;
    check(t_->conn_write(h_, data, size, &n, err.get()), err, "conn write");
    return n;
  }
  void closeWrite() override {
    StringSink err;
    check(t_->conn_close_write(h_, err.get()), err, "conn closeWrite");
  }
  void close() override {
    StringSink err;
    check(t_->conn_close(h_, err.get()), err, "conn close");
  }
  void setReadDeadline(Deadline deadline) override {
    StringSink err;
    check(t_->conn_set_read_deadline(h_, toRtkDeadline(deadline), err.get()), err, "conn setReadDeadline");
  }
  void setWriteDeadline(Deadline deadline) override {
    StringSink err;
    check(t_->conn_set_write_deadline(h_, toRtkDeadline(deadline), err.get()), err, "conn setWriteDeadline");
  }
  Endpoint localEndpoint() const override {
    rtk_endpoint e{};
    t_->conn_local_endpoint(h_, &e);
    return fromRtkEndpoint(e);
  }
  Endpoint remoteEndpoint() const override {
    rtk_endpoint e{};
    t_->conn_remote_endpoint(h_, &e);
    return fromRtkEndpoint(e);
  }

 private:
  const rtk_node_service* t_;
  rtk_conn* h_;
};

class ClientListener final : public Listener {
 public:
  ClientListener(const rtk_node_service* table, rtk_listener* handle) : t_(table), h_(handle) {}
  ~ClientListener() override { t_->listener_free(h_); }
  ClientListener(const ClientListener&) = delete;
  ClientListener& operator=(const ClientListener&) = delete;

  std::unique_ptr<Conn> accept(Deadline deadline) override {
    rtk_conn* conn = nullptr;
    StringSink err;
    check(t_->listener_accept(h_, toRtkDeadline(deadline), &conn, err.get()), err, "listener accept");
    return std::make_unique<ClientConn>(t_, conn);
  }
  void close() override {
    StringSink err;
    check(t_->listener_close(h_, err.get()), err, "listener close");
  }
  Endpoint localEndpoint() const override {
    rtk_endpoint e{};
    t_->listener_local_endpoint(h_, &e);
    return fromRtkEndpoint(e);
  }

 private:
  const rtk_node_service* t_;
  rtk_listener* h_;
};

class ClientPacketConn final : public PacketConn {
 public:
  ClientPacketConn(const rtk_node_service* table, rtk_packetconn* handle) : t_(table), h_(handle) {}
  ~ClientPacketConn() override { t_->packet_free(h_); }
  ClientPacketConn(const ClientPacketConn&) = delete;
  ClientPacketConn& operator=(const ClientPacketConn&) = delete;

  std::size_t readFrom(void* data, std::size_t size, Endpoint& from) override {
    std::size_t n = 0;
    rtk_endpoint e{};
    StringSink err;
    check(t_->packet_read_from(h_, data, size, &n, &e, err.get()), err, "packet readFrom");
    from = fromRtkEndpoint(e);
    return n;
  }
  std::size_t writeTo(const void* data, std::size_t size, const Endpoint& to) override {
    std::size_t n = 0;
    rtk_endpoint e = toRtkEndpoint(to);
    StringSink err;
    check(t_->packet_write_to(h_, data, size, &e, &n, err.get()), err, "packet writeTo");
    return n;
  }
  void close() override {
    StringSink err;
    check(t_->packet_close(h_, err.get()), err, "packet close");
  }
  void setReadDeadline(Deadline deadline) override {
    StringSink err;
    check(t_->packet_set_read_deadline(h_, toRtkDeadline(deadline), err.get()), err, "packet setReadDeadline");
  }
  void setWriteDeadline(Deadline deadline) override {
    StringSink err;
    check(t_->packet_set_write_deadline(h_, toRtkDeadline(deadline), err.get()), err, "packet setWriteDeadline");
  }
  Endpoint localEndpoint() const override {
    rtk_endpoint e{};
    t_->packet_local_endpoint(h_, &e);
    return fromRtkEndpoint(e);
  }

 private:
  const rtk_node_service* t_;
  rtk_packetconn* h_;
};

}  // namespace detail

class NodeClient final : public NodeInterface {
 public:
  // Wraps a provider's table. Throws Errc::Abi when the table is older than
  // the ABI 1.0 layout this client calls.
  explicit NodeClient(const rtk_node_service& table) : t_(&table) {
    if (table.struct_size < RTK_NODE_SERVICE_SIZE_1_0) {
      throw Error(Errc::Abi, "node service: table is " + std::to_string(table.struct_size) + " bytes, need at least " +
                                 std::to_string(RTK_NODE_SERVICE_SIZE_1_0));
    }
  }

  // The node service the host offers this plugin; Errc::NotFound when the
  // plugin did not declare it as required (or the host has none).
  static std::unique_ptr<NodeClient> fromHost(const Host& host) {
    return std::make_unique<NodeClient>(
        host.requireService<rtk_node_service>(RTK_NODE_SERVICE_ID, static_cast<std::uint32_t>(RTK_NODE_SERVICE_SIZE_1_0)));
  }

  const rtk_node_service& table() const noexcept { return *t_; }

  // ---- NetworkInterface ----
  std::unique_ptr<Conn> dial(std::string_view network, std::string_view address, const DialOptions& options = {}) override {
    // CancelSource::cancel() runs callbacks outside its lock, so a callback
    // may still be running after the registration is reset: the handle is
    // guarded by a lock of our own, cleared before it is freed.
    struct CancelLink {
      std::mutex mutex;
      rtk_cancel* cancel = nullptr;
    };
    std::shared_ptr<CancelLink> link;
    CancelRegistration registration;
    if (options.cancel.cancellable()) {
      link = std::make_shared<CancelLink>();
      link->cancel = t_->cancel_new(t_->node);
      if (!link->cancel) throw Error(Errc::Unknown, "dial: out of memory creating a cancellation source");
      const rtk_node_service* table = t_;
      registration = options.cancel.onCancel([link, table] {
        std::lock_guard lock(link->mutex);
        if (link->cancel) table->cancel_fire(link->cancel);
      });
    }
    rtk_conn* conn = nullptr;
    StringSink err;
    rtk_status status = t_->dial(t_->node, toStr(network), toStr(address), toRtkDeadline(options.deadline),
                                 link ? link->cancel : nullptr, &conn, err.get());
    registration.reset();
    if (link) {
      rtk_cancel* cancel = nullptr;
      {
        std::lock_guard lock(link->mutex);
        std::swap(cancel, link->cancel);
      }
      t_->cancel_free(cancel);
    }
    check(status, err, "dial");
    return std::make_unique<detail::ClientConn>(t_, conn);
  }
  std::unique_ptr<Listener> listen(std::string_view network, std::string_view address) override {
    rtk_listener* l = nullptr;
    StringSink err;
    check(t_->listen(t_->node, toStr(network), toStr(address), &l, err.get()), err, "listen");
    return std::make_unique<detail::ClientListener>(t_, l);
  }
  std::unique_ptr<PacketConn> listenPacket(std::string_view network, std::string_view address) override {
    rtk_packetconn* pc = nullptr;
    StringSink err;
    check(t_->listen_packet(t_->node, toStr(network), toStr(address), &pc, err.get()), err, "listenPacket");
    return std::make_unique<detail::ClientPacketConn>(t_, pc);
  }
  Ip6Address address() const override {
    Ip6Address a;
    t_->address(t_->node, a.bytes.data());
    return a;
  }
  Ip6Address subnet() const override {
    Ip6Address a;
    t_->subnet(t_->node, a.bytes.data());
    return a;
  }
  PublicKey publicKey() const override {
    PublicKey k;
    t_->public_key(t_->node, k.bytes.data());
    return k;
  }
  std::uint64_t mtu() const override { return t_->mtu(t_->node); }

  // ---- PeerInterface ----
  void addPeer(std::string_view uri, std::string_view sourceInterface = {}) override {
    StringSink err;
    check(t_->add_peer(t_->node, toStr(uri), toStr(sourceInterface), err.get()), err, "addPeer");
  }
  void removePeer(std::string_view uri, std::string_view sourceInterface = {}) override {
    StringSink err;
    check(t_->remove_peer(t_->node, toStr(uri), toStr(sourceInterface), err.get()), err, "removePeer");
  }
  std::vector<PeerInfo> getPeers() const override {
    return nodejson::decodeList<PeerInfo>(fetch(t_->get_peers, "getPeers"), nodejson::decodePeer);
  }
  void retryPeers() override {
    StringSink err;
    check(t_->retry_peers(t_->node, err.get()), err, "retryPeers");
  }

  // ---- MulticastInterface ----
  void enableMulticast() override {
    StringSink err;
    check(t_->enable_multicast(t_->node, err.get()), err, "enableMulticast");
  }
  void disableMulticast() override {
    StringSink err;
    check(t_->disable_multicast(t_->node, err.get()), err, "disableMulticast");
  }
  std::vector<MulticastInterfaceInfo> multicastInterfaces() const override {
    return nodejson::decodeList<MulticastInterfaceInfo>(fetch(t_->multicast_interfaces, "multicastInterfaces"),
                                                        nodejson::decodeMulticast);
  }

  // ---- AdminInterface ----
  void enableAdmin(std::string_view address) override {
    StringSink err;
    check(t_->enable_admin(t_->node, toStr(address), err.get()), err, "enableAdmin");
  }
  void disableAdmin() override {
    StringSink err;
    check(t_->disable_admin(t_->node, err.get()), err, "disableAdmin");
  }
  // The handler runs on the node's admin thread until the node is closed; it
  // must not capture anything that dies when the plugin stops (share it).
  void addAdminHandler(std::string_view name, std::string_view description, std::vector<std::string> fields,
                       AdminHandler handler) override {
    std::vector<rtk_str> cfields;
    cfields.reserve(fields.size());
    for (const auto& f : fields) cfields.push_back(toStr(f));
    auto box = std::make_unique<AdminHandler>(std::move(handler));
    StringSink err;
    // From here the node owns the box: it calls release() also on failure.
    rtk_status status = t_->add_admin_handler(t_->node, toStr(name), toStr(description), cfields.data(), cfields.size(),
                                              &callAdminHandler, box.release(), &releaseAdminHandler, err.get());
    check(status, err, "addAdminHandler");
  }

  // ---- DiagnosticInterface ----
  SelfInfo getSelf() const override { return nodejson::decodeSelf(json::Value::parse(fetch(t_->get_self, "getSelf"))); }
  std::vector<TreeEntry> getTree() const override {
    return nodejson::decodeList<TreeEntry>(fetch(t_->get_tree, "getTree"), nodejson::decodeTree);
  }
  std::vector<PathEntry> getPaths() const override {
    return nodejson::decodeList<PathEntry>(fetch(t_->get_paths, "getPaths"), nodejson::decodePath);
  }
  std::vector<SessionEntry> getSessions() const override {
    return nodejson::decodeList<SessionEntry>(fetch(t_->get_sessions, "getSessions"), nodejson::decodeSession);
  }
  void sendLookup(const PublicKey& key) override {
    StringSink err;
    check(t_->send_lookup(t_->node, key.bytes.data(), err.get()), err, "sendLookup");
  }
  NodeInfoReply getNodeInfo(const PublicKey& key, std::chrono::milliseconds timeout) override {
    StringSink json, err;
    std::int64_t rttNs = 0;
    check(t_->get_node_info(t_->node, key.bytes.data(), timeoutMs(timeout), json.get(), &rttNs, err.get()), err,
          "getNodeInfo");
    NodeInfoReply reply;
    reply.json = json.take();
    reply.rtt = std::chrono::nanoseconds(rttNs);
    return reply;
  }
  std::string remoteGetSelf(const PublicKey& key, std::chrono::milliseconds timeout) override {
    return fetchRemote(t_->remote_get_self, key, timeout, "remoteGetSelf");
  }
  std::vector<PublicKey> remoteGetPeers(const PublicKey& key, std::chrono::milliseconds timeout) override {
    return nodejson::decodeKeys(fetchRemote(t_->remote_get_peers, key, timeout, "remoteGetPeers"));
  }
  std::vector<PublicKey> remoteGetTree(const PublicKey& key, std::chrono::milliseconds timeout) override {
    return nodejson::decodeKeys(fetchRemote(t_->remote_get_tree, key, timeout, "remoteGetTree"));
  }

  void close() override {
    StringSink err;
    check(t_->close(t_->node, err.get()), err, "close");
  }

 private:
  using JsonGetter = rtk_status (*)(rtk_node*, rtk_sink*, rtk_sink*);
  using RemoteGetter = rtk_status (*)(rtk_node*, const std::uint8_t*, std::uint64_t, rtk_sink*, rtk_sink*);

  static std::uint64_t timeoutMs(std::chrono::milliseconds timeout) {
    return timeout.count() < 0 ? 0 : static_cast<std::uint64_t>(timeout.count());
  }

  std::string fetch(JsonGetter fn, const char* what) const {
    StringSink json, err;
    check(fn(t_->node, json.get(), err.get()), err, what);
    return json.take();
  }
  std::string fetchRemote(RemoteGetter fn, const PublicKey& key, std::chrono::milliseconds timeout, const char* what) {
    StringSink json, err;
    check(fn(t_->node, key.bytes.data(), timeoutMs(timeout), json.get(), err.get()), err, what);
    return json.take();
  }

  static rtk_status callAdminHandler(void* ctx, rtk_str arguments, rtk_sink* response, rtk_sink* error) noexcept {
    return guard(error, [&] {
      auto reply = (*static_cast<AdminHandler*>(ctx))(fromStr(arguments));
      writeSink(response, reply);
    });
  }
  static void releaseAdminHandler(void* ctx) noexcept { delete static_cast<AdminHandler*>(ctx); }

  const rtk_node_service* t_;
};

}  // namespace rtk::sdk
