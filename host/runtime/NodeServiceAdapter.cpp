#include "runtime/NodeServiceAdapter.hpp"

#include <cstring>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/services/node.hpp"

namespace rtk::host {

using sdk::fromStr;
using sdk::guard;
using sdk::writeSink;

namespace {

struct CancelBox {
  CancelSource source;
};

// Calls release(ctx) when the node lets go of the last copy of the handler.
struct AdminHandlerHold {
  AdminHandlerHold(void* c, rtk_admin_release_fn r) : ctx(c), release(r) {}
  AdminHandlerHold(const AdminHandlerHold&) = delete;
  AdminHandlerHold& operator=(const AdminHandlerHold&) = delete;
  ~AdminHandlerHold() {
    if (release) release(ctx);
  }
  void* ctx;
  rtk_admin_release_fn release;
};

// What an rtk_conn / rtk_listener / rtk_packetconn points at: the node's
// object plus the adapter, whose log reports what the C side cannot.
template <class T>
struct Handle {
  std::unique_ptr<T> object;
  const Log* log;
};
using ConnHandle = Handle<Conn>;
using ListenerHandle = Handle<Listener>;
using PacketHandle = Handle<PacketConn>;

ConnHandle* box(rtk_conn* c) noexcept { return reinterpret_cast<ConnHandle*>(c); }
ListenerHandle* box(rtk_listener* l) noexcept { return reinterpret_cast<ListenerHandle*>(l); }
PacketHandle* box(rtk_packetconn* p) noexcept { return reinterpret_cast<PacketHandle*>(p); }
Conn* conn(rtk_conn* c) noexcept { return box(c)->object.get(); }
Listener* listener(rtk_listener* l) noexcept { return box(l)->object.get(); }
PacketConn* packet(rtk_packetconn* p) noexcept { return box(p)->object.get(); }

template <class H>
void endpointOf(H* handle, rtk_endpoint* out, const char* what,
                Endpoint (*get)(H*)) noexcept {
  *out = rtk_endpoint{};
  try {
    *out = sdk::toRtkEndpoint(get(handle));
  } catch (const std::exception& e) {
    handle->log->warn("node service: ", what, ": ", e.what());
  }
}
PublicKey keyFrom(const std::uint8_t* bytes) noexcept {
  PublicKey k;
  std::memcpy(k.bytes.data(), bytes, k.bytes.size());
  return k;
}

}  // namespace

struct NodeServiceTrampolines {
  static NodeServiceAdapter& self(rtk_node* n) noexcept { return *reinterpret_cast<NodeServiceAdapter*>(n); }
  static NodeInterface& node(rtk_node* n) noexcept { return *self(n).node_; }

  // Getters cannot report errors through the table; a throwing node yields
  // zeros and a log line.
  template <class F>
  static void getter(rtk_node* n, const char* what, F&& fn) noexcept {
    try {
      fn();
    } catch (const std::exception& e) {
      self(n).log_.warn("node service: ", what, ": ", e.what());
    }
  }

  static rtk_status dial(rtk_node* n, rtk_str network, rtk_str address, rtk_deadline deadline, rtk_cancel* cancel,
                         rtk_conn** out, rtk_sink* error) noexcept {
    return guard(error, [&] {
      DialOptions options;
      options.deadline = sdk::fromRtkDeadline(deadline);
      if (cancel) options.cancel = reinterpret_cast<CancelBox*>(cancel)->source.token();
      auto c = node(n).dial(fromStr(network), fromStr(address), options);
      *out = reinterpret_cast<rtk_conn*>(new ConnHandle{std::move(c), &self(n).log_});
    });
  }
  static rtk_status listen(rtk_node* n, rtk_str network, rtk_str address, rtk_listener** out, rtk_sink* error) noexcept {
    return guard(error, [&] {
      auto l = node(n).listen(fromStr(network), fromStr(address));
      *out = reinterpret_cast<rtk_listener*>(new ListenerHandle{std::move(l), &self(n).log_});
    });
  }
  static rtk_status listenPacket(rtk_node* n, rtk_str network, rtk_str address, rtk_packetconn** out,
                                 rtk_sink* error) noexcept {
    return guard(error, [&] {
      auto p = node(n).listenPacket(fromStr(network), fromStr(address));
      *out = reinterpret_cast<rtk_packetconn*>(new PacketHandle{std::move(p), &self(n).log_});
    });
  }
  static void address(rtk_node* n, std::uint8_t out[16]) noexcept {
    std::memset(out, 0, 16);
    getter(n, "address", [&] { std::memcpy(out, node(n).address().bytes.data(), 16); });
  }
  static void subnet(rtk_node* n, std::uint8_t out[16]) noexcept {
    std::memset(out, 0, 16);
    getter(n, "subnet", [&] { std::memcpy(out, node(n).subnet().bytes.data(), 16); });
  }
  static void publicKey(rtk_node* n, std::uint8_t out[32]) noexcept {
    std::memset(out, 0, 32);
    getter(n, "publicKey", [&] { std::memcpy(out, node(n).publicKey().bytes.data(), 32); });
  }
  static std::uint64_t mtu(rtk_node* n) noexcept {
    std::uint64_t v = 0;
    getter(n, "mtu", [&] { v = node(n).mtu(); });
    return v;
  }

  static rtk_status addPeer(rtk_node* n, rtk_str uri, rtk_str iface, rtk_sink* error) noexcept {
    return guard(error, [&] { node(n).addPeer(fromStr(uri), fromStr(iface)); });
  }
  static rtk_status removePeer(rtk_node* n, rtk_str uri, rtk_str iface, rtk_sink* error) noexcept {
    return guard(error, [&] { node(n).removePeer(fromStr(uri), fromStr(iface)); });
  }
  static rtk_status getPeers(rtk_node* n, rtk_sink* json, rtk_sink* error) noexcept {
    return guard(error, [&] { writeSink(json, sdk::nodejson::encodeList(node(n).getPeers())); });
  }
  static rtk_status retryPeers(rtk_node* n, rtk_sink* error) noexcept {
    return guard(error, [&] { node(n).retryPeers(); });
  }

  static rtk_status enableMulticast(rtk_node* n, rtk_sink* error) noexcept {
    return guard(error, [&] { node(n).enableMulticast(); });
  }
  static rtk_status disableMulticast(rtk_node* n, rtk_sink* error) noexcept {
    return guard(error, [&] { node(n).disableMulticast(); });
  }
  static rtk_status multicastInterfaces(rtk_node* n, rtk_sink* json, rtk_sink* error) noexcept {
    return guard(error, [&] { writeSink(json, sdk::nodejson::encodeList(node(n).multicastInterfaces())); });
  }

  static rtk_status enableAdmin(rtk_node* n, rtk_str address, rtk_sink* error) noexcept {
    return guard(error, [&] { node(n).enableAdmin(fromStr(address)); });
  }
  static rtk_status disableAdmin(rtk_node* n, rtk_sink* error) noexcept {
    return guard(error, [&] { node(n).disableAdmin(); });
  }
  static rtk_status addAdminHandler(rtk_node* n, rtk_str name, rtk_str description, const rtk_str* fields,
                                    std::size_t fieldCount, rtk_admin_handler_fn handler, void* ctx,
                                    rtk_admin_release_fn release, rtk_sink* error) noexcept {
    std::shared_ptr<AdminHandlerHold> hold;
    try {
      hold = std::make_shared<AdminHandlerHold>(ctx, release);
    } catch (const std::bad_alloc&) {
      if (release) release(ctx);
      writeSink(error, "addAdminHandler: out of memory");
      return RTK_ERR_UNKNOWN;
    }
    return guard(error, [&] {
      if (!handler) throw Error(Errc::InvalidArgument, "addAdminHandler: no handler function");
      std::vector<std::string> names;
      for (std::size_t i = 0; i < fieldCount; ++i) names.emplace_back(fromStr(fields[i]));
      AdminInterface::AdminHandler fn = [hold, handler](std::string_view arguments) -> std::string {
        sdk::StringSink response, err;
        rtk_status status = handler(hold->ctx, sdk::toStr(arguments), response.get(), err.get());
        sdk::check(status, err, "admin handler");
        return response.take();
      };
      auto local = std::move(hold);  // the node's copies are the only owners from here
      node(n).addAdminHandler(fromStr(name), fromStr(description), std::move(names), std::move(fn));
    });
  }

  static rtk_status getSelf(rtk_node* n, rtk_sink* json, rtk_sink* error) noexcept {
    return guard(error, [&] { writeSink(json, sdk::nodejson::encode(node(n).getSelf()).dump()); });
  }
  static rtk_status getTree(rtk_node* n, rtk_sink* json, rtk_sink* error) noexcept {
    return guard(error, [&] { writeSink(json, sdk::nodejson::encodeList(node(n).getTree())); });
  }
  static rtk_status getPaths(rtk_node* n, rtk_sink* json, rtk_sink* error) noexcept {
    return guard(error, [&] { writeSink(json, sdk::nodejson::encodeList(node(n).getPaths())); });
  }
  static rtk_status getSessions(rtk_node* n, rtk_sink* json, rtk_sink* error) noexcept {
    return guard(error, [&] { writeSink(json, sdk::nodejson::encodeList(node(n).getSessions())); });
  }
  static rtk_status sendLookup(rtk_node* n, const std::uint8_t key[32], rtk_sink* error) noexcept {
    return guard(error, [&] { node(n).sendLookup(keyFrom(key)); });
  }
  static rtk_status getNodeInfo(rtk_node* n, const std::uint8_t key[32], std::uint64_t timeoutMs, rtk_sink* json,
                                std::int64_t* rttNs, rtk_sink* error) noexcept {
    return guard(error, [&] {
      auto reply = node(n).getNodeInfo(keyFrom(key), std::chrono::milliseconds(timeoutMs));
      if (rttNs) *rttNs = static_cast<std::int64_t>(reply.rtt.count());
      writeSink(json, reply.json);
    });
  }
  static rtk_status remoteGetSelf(rtk_node* n, const std::uint8_t key[32], std::uint64_t timeoutMs, rtk_sink* json,
                                  rtk_sink* error) noexcept {
    return guard(error, [&] { writeSink(json, node(n).remoteGetSelf(keyFrom(key), std::chrono::milliseconds(timeoutMs))); });
  }
  static rtk_status remoteGetPeers(rtk_node* n, const std::uint8_t key[32], std::uint64_t timeoutMs, rtk_sink* json,
                                   rtk_sink* error) noexcept {
    return guard(error, [&] {
      writeSink(json, sdk::nodejson::encodeList(node(n).remoteGetPeers(keyFrom(key), std::chrono::milliseconds(timeoutMs))));
    });
  }
  static rtk_status remoteGetTree(rtk_node* n, const std::uint8_t key[32], std::uint64_t timeoutMs, rtk_sink* json,
                                  rtk_sink* error) noexcept {
    return guard(error, [&] {
      writeSink(json, sdk::nodejson::encodeList(node(n).remoteGetTree(keyFrom(key), std::chrono::milliseconds(timeoutMs))));
    });
  }
  static rtk_status close(rtk_node* n, rtk_sink* error) noexcept {
    return guard(error, [&] {
      if (!self(n).options_.allowClose) {
        self(n).log_.warn("node service: a plugin tried to close the node; refused");
        throw Error(Errc::NotSupported, "close: the host owns the node's lifetime; plugins cannot close it");
      }
      node(n).close();
    });
  }

  static rtk_cancel* cancelNew(rtk_node*) noexcept { return reinterpret_cast<rtk_cancel*>(new (std::nothrow) CancelBox()); }
  static void cancelFire(rtk_cancel* c) noexcept { reinterpret_cast<CancelBox*>(c)->source.cancel(); }
  static void cancelFree(rtk_cancel* c) noexcept { delete reinterpret_cast<CancelBox*>(c); }

  static rtk_status connRead(rtk_conn* c, void* data, std::size_t size, std::size_t* n, rtk_sink* error) noexcept {
    return guard(error, [&] { *n = conn(c)->read(data, size); });
  }
  static rtk_status connWrite(rtk_conn* c, const void* data, std::size_t size, std::size_t* n, rtk_sink* error) noexcept {
    return guard(error, [&] { *n = conn(c)->write(data, size); });
  }
  static rtk_status connCloseWrite(rtk_conn* c, rtk_sink* error) noexcept {
    return guard(error, [&] { conn(c)->closeWrite(); });
  }
  static rtk_status connClose(rtk_conn* c, rtk_sink* error) noexcept {
    return guard(error, [&] { conn(c)->close(); });
  }
  static rtk_status connSetReadDeadline(rtk_conn* c, rtk_deadline d, rtk_sink* error) noexcept {
    return guard(error, [&] { conn(c)->setReadDeadline(sdk::fromRtkDeadline(d)); });
  }
  static rtk_status connSetWriteDeadline(rtk_conn* c, rtk_deadline d, rtk_sink* error) noexcept {
    return guard(error, [&] { conn(c)->setWriteDeadline(sdk::fromRtkDeadline(d)); });
  }
  static void connLocal(rtk_conn* c, rtk_endpoint* out) noexcept {
    endpointOf<ConnHandle>(box(c), out, "conn localEndpoint", [](ConnHandle* h) { return h->object->localEndpoint(); });
  }
  static void connRemote(rtk_conn* c, rtk_endpoint* out) noexcept {
    endpointOf<ConnHandle>(box(c), out, "conn remoteEndpoint", [](ConnHandle* h) { return h->object->remoteEndpoint(); });
  }
  static void connFree(rtk_conn* c) noexcept { delete box(c); }

  static rtk_status listenerAccept(rtk_listener* l, rtk_deadline d, rtk_conn** out, rtk_sink* error) noexcept {
    return guard(error, [&] {
      auto c = listener(l)->accept(sdk::fromRtkDeadline(d));
      *out = reinterpret_cast<rtk_conn*>(new ConnHandle{std::move(c), box(l)->log});
    });
  }
  static rtk_status listenerClose(rtk_listener* l, rtk_sink* error) noexcept {
    return guard(error, [&] { listener(l)->close(); });
  }
  static void listenerLocal(rtk_listener* l, rtk_endpoint* out) noexcept {
    endpointOf<ListenerHandle>(box(l), out, "listener localEndpoint", [](ListenerHandle* h) { return h->object->localEndpoint(); });
  }
  static void listenerFree(rtk_listener* l) noexcept { delete box(l); }

  static rtk_status packetReadFrom(rtk_packetconn* p, void* data, std::size_t size, std::size_t* n, rtk_endpoint* from,
                                   rtk_sink* error) noexcept {
    return guard(error, [&] {
      Endpoint e;
      *n = packet(p)->readFrom(data, size, e);
      if (from) *from = sdk::toRtkEndpoint(e);
    });
  }
  static rtk_status packetWriteTo(rtk_packetconn* p, const void* data, std::size_t size, const rtk_endpoint* to,
                                  std::size_t* n, rtk_sink* error) noexcept {
    return guard(error, [&] {
      if (!to) throw Error(Errc::InvalidArgument, "packet writeTo: no destination");
      *n = packet(p)->writeTo(data, size, sdk::fromRtkEndpoint(*to));
    });
  }
  static rtk_status packetClose(rtk_packetconn* p, rtk_sink* error) noexcept {
    return guard(error, [&] { packet(p)->close(); });
  }
  static rtk_status packetSetReadDeadline(rtk_packetconn* p, rtk_deadline d, rtk_sink* error) noexcept {
    return guard(error, [&] { packet(p)->setReadDeadline(sdk::fromRtkDeadline(d)); });
  }
  static rtk_status packetSetWriteDeadline(rtk_packetconn* p, rtk_deadline d, rtk_sink* error) noexcept {
    return guard(error, [&] { packet(p)->setWriteDeadline(sdk::fromRtkDeadline(d)); });
  }
  static void packetLocal(rtk_packetconn* p, rtk_endpoint* out) noexcept {
    endpointOf<PacketHandle>(box(p), out, "packet localEndpoint", [](PacketHandle* h) { return h->object->localEndpoint(); });
  }
  static void packetFree(rtk_packetconn* p) noexcept { delete box(p); }
};

NodeServiceAdapter::NodeServiceAdapter(std::shared_ptr<NodeInterface> node, Log log, Options options)
    : node_(std::move(node)), log_(std::move(log)), options_(options) {
  if (!node_) throw Error(Errc::InvalidArgument, "node service: no node");
  using T = NodeServiceTrampolines;
  rtk_node_service& t = table_;
  t.struct_size = sizeof(rtk_node_service);
  t.node = reinterpret_cast<rtk_node*>(this);
  t.dial = &T::dial;
  t.listen = &T::listen;
  t.listen_packet = &T::listenPacket;
  t.address = &T::address;
  t.subnet = &T::subnet;
  t.public_key = &T::publicKey;
  t.mtu = &T::mtu;
  t.add_peer = &T::addPeer;
  t.remove_peer = &T::removePeer;
  t.get_peers = &T::getPeers;
  t.retry_peers = &T::retryPeers;
  t.enable_multicast = &T::enableMulticast;
  t.disable_multicast = &T::disableMulticast;
  t.multicast_interfaces = &T::multicastInterfaces;
  t.enable_admin = &T::enableAdmin;
  t.disable_admin = &T::disableAdmin;
  t.add_admin_handler = &T::addAdminHandler;
  t.get_self = &T::getSelf;
  t.get_tree = &T::getTree;
  t.get_paths = &T::getPaths;
  t.get_sessions = &T::getSessions;
  t.send_lookup = &T::sendLookup;
  t.get_node_info = &T::getNodeInfo;
  t.remote_get_self = &T::remoteGetSelf;
  t.remote_get_peers = &T::remoteGetPeers;
  t.remote_get_tree = &T::remoteGetTree;
  t.close = &T::close;
  t.cancel_new = &T::cancelNew;
  t.cancel_fire = &T::cancelFire;
  t.cancel_free = &T::cancelFree;
  t.conn_read = &T::connRead;
  t.conn_write = &T::connWrite;
  t.conn_close_write = &T::connCloseWrite;
  t.conn_close = &T::connClose;
  t.conn_set_read_deadline = &T::connSetReadDeadline;
  t.conn_set_write_deadline = &T::connSetWriteDeadline;
  t.conn_local_endpoint = &T::connLocal;
  t.conn_remote_endpoint = &T::connRemote;
  t.conn_free = &T::connFree;
  t.listener_accept = &T::listenerAccept;
  t.listener_close = &T::listenerClose;
  t.listener_local_endpoint = &T::listenerLocal;
  t.listener_free = &T::listenerFree;
  t.packet_read_from = &T::packetReadFrom;
  t.packet_write_to = &T::packetWriteTo;
  t.packet_close = &T::packetClose;
  t.packet_set_read_deadline = &T::packetSetReadDeadline;
  t.packet_set_write_deadline = &T::packetSetWriteDeadline;
  t.packet_local_endpoint = &T::packetLocal;
  t.packet_free = &T::packetFree;
}

}  // namespace rtk::host
