// The network service table of one plugin scope (services/network.h).
// Handles are the node's own Conn / Listener / PacketConn objects, tracked
// by the scope so that what the plugin leaves open is taken back.
#include <cstring>
#include <new>
#include <optional>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/cancel.hpp"
#include "ratatoskr/services/network.hpp"
#include "runtime/scope/PluginScope.hpp"

namespace rtk::host {

using sdk::fromStr;
using sdk::guard;

namespace {

struct CancelBox {
  CancelSource source;
};

template <class T>
class Handle final : public ScopedHandle {
 public:
  Handle(std::unique_ptr<T> object, PluginScope& scope) : object_(std::move(object)), scope_(scope) { scope_.track(this); }
  ~Handle() override { scope_.untrack(this); }
  void abort() noexcept override {
    try {
      if constexpr (std::is_same_v<T, Conn>) {
        object_->abort();
      } else {
        object_->close();
      }
    } catch (const std::exception& e) {
      scope_.log().warn("taking back a handle: ", e.what());
    }
  }
  T& object() const noexcept { return *object_; }
  PluginScope& scope() const noexcept { return scope_; }

 private:
  std::unique_ptr<T> object_;
  PluginScope& scope_;
};

using ConnHandle = Handle<Conn>;
using ListenerHandle = Handle<Listener>;
using PacketHandle = Handle<PacketConn>;

ConnHandle* box(rtk_conn* c) noexcept { return reinterpret_cast<ConnHandle*>(c); }
ListenerHandle* box(rtk_listener* l) noexcept { return reinterpret_cast<ListenerHandle*>(l); }
PacketHandle* box(rtk_packetconn* p) noexcept { return reinterpret_cast<PacketHandle*>(p); }
PluginScope& scopeOf(rtk_network* n) noexcept { return *reinterpret_cast<PluginScope*>(n); }

template <class H, class Get>
void endpointOf(H* handle, rtk_endpoint* out, const char* what, Get get) noexcept {
  *out = rtk_endpoint{};
  try {
    *out = sdk::toRtkEndpoint(get(handle->object()));
  } catch (const std::exception& e) {
    handle->scope().log().warn("network service: ", what, ": ", e.what());
  }
}

// Getters cannot report errors through the table; a failure yields zeros and a log line.
template <class F>
void getter(rtk_network* n, const char* what, F&& fn) noexcept {
  try {
    fn(scopeOf(n).node());
  } catch (const std::exception& e) {
    scopeOf(n).log().warn("network service: ", what, ": ", e.what());
  }
}

struct NetworkCalls {
  static rtk_status dial(rtk_network* n, rtk_str network, rtk_str address, rtk_deadline deadline, rtk_cancel* cancel,
                         rtk_conn** out, rtk_sink* error) noexcept {
    return guard(error, [&] {
      DialOptions options;
      options.deadline = sdk::fromRtkDeadline(deadline);
      if (cancel) options.cancel = reinterpret_cast<CancelBox*>(cancel)->source.token();
      auto c = scopeOf(n).node().dial(fromStr(network), fromStr(address), options);
      *out = reinterpret_cast<rtk_conn*>(new ConnHandle(std::move(c), scopeOf(n)));
    });
  }
  static rtk_status listen(rtk_network* n, rtk_str network, rtk_str address, rtk_listener** out, rtk_sink* error) noexcept {
    return guard(error, [&] {
      auto l = scopeOf(n).node().listen(fromStr(network), fromStr(address));
      *out = reinterpret_cast<rtk_listener*>(new ListenerHandle(std::move(l), scopeOf(n)));
    });
  }
  static rtk_status listenPacket(rtk_network* n, rtk_str network, rtk_str address, rtk_packetconn** out,
                                 rtk_sink* error) noexcept {
    return guard(error, [&] {
      auto p = scopeOf(n).node().listenPacket(fromStr(network), fromStr(address));
      *out = reinterpret_cast<rtk_packetconn*>(new PacketHandle(std::move(p), scopeOf(n)));
    });
  }
  static void address(rtk_network* n, std::uint8_t out[16]) noexcept {
    std::memset(out, 0, 16);
    getter(n, "address", [&](NodeInterface& node) { std::memcpy(out, node.address().bytes.data(), 16); });
  }
  static void subnet(rtk_network* n, std::uint8_t out[16]) noexcept {
    std::memset(out, 0, 16);
    getter(n, "subnet", [&](NodeInterface& node) { std::memcpy(out, node.subnet().bytes.data(), 16); });
  }
  static void publicKey(rtk_network* n, std::uint8_t out[32]) noexcept {
    std::memset(out, 0, 32);
    getter(n, "publicKey", [&](NodeInterface& node) { std::memcpy(out, node.publicKey().bytes.data(), 32); });
  }
  static std::uint64_t mtu(rtk_network* n) noexcept {
    std::uint64_t v = 0;
    getter(n, "mtu", [&](NodeInterface& node) { v = node.mtu(); });
    return v;
  }

  static rtk_cancel* cancelNew(rtk_network*) noexcept { return reinterpret_cast<rtk_cancel*>(new (std::nothrow) CancelBox()); }
  static void cancelFire(rtk_cancel* c) noexcept { reinterpret_cast<CancelBox*>(c)->source.cancel(); }
  static void cancelFree(rtk_cancel* c) noexcept { delete reinterpret_cast<CancelBox*>(c); }

  static rtk_status connRead(rtk_conn* c, void* data, std::size_t size, std::size_t* n, rtk_sink* error) noexcept {
    return guard(error, [&] { *n = box(c)->object().read(data, size); });
  }
  static rtk_status connWrite(rtk_conn* c, const void* data, std::size_t size, std::size_t* n, rtk_sink* error) noexcept {
    return guard(error, [&] { *n = box(c)->object().write(data, size); });
  }
  static rtk_status connCloseWrite(rtk_conn* c, rtk_sink* error) noexcept {
    return guard(error, [&] { box(c)->object().closeWrite(); });
  }
  static rtk_status connClose(rtk_conn* c, rtk_sink* error) noexcept {
    return guard(error, [&] { box(c)->object().close(); });
  }
  static rtk_status connSetReadDeadline(rtk_conn* c, rtk_deadline d, rtk_sink* error) noexcept {
    return guard(error, [&] { box(c)->object().setReadDeadline(sdk::fromRtkDeadline(d)); });
  }
  static rtk_status connSetWriteDeadline(rtk_conn* c, rtk_deadline d, rtk_sink* error) noexcept {
    return guard(error, [&] { box(c)->object().setWriteDeadline(sdk::fromRtkDeadline(d)); });
  }
  static void connLocal(rtk_conn* c, rtk_endpoint* out) noexcept {
    endpointOf(box(c), out, "conn localEndpoint", [](Conn& o) { return o.localEndpoint(); });
  }
  static void connRemote(rtk_conn* c, rtk_endpoint* out) noexcept {
    endpointOf(box(c), out, "conn remoteEndpoint", [](Conn& o) { return o.remoteEndpoint(); });
  }
  static void connFree(rtk_conn* c) noexcept { delete box(c); }
  static rtk_status connReadinessFd(rtk_conn* c, int* fd, rtk_sink* error) noexcept {
    return guard(error, [&] { *fd = box(c)->object().readinessFd(); });
  }
  // Would-block is an outcome, not an error: no exception and no message.
  static rtk_status connTryRead(rtk_conn* c, void* data, std::size_t size, std::size_t* n, rtk_sink* error) noexcept {
    bool wouldBlock = false;
    rtk_status status = guard(error, [&] {
      std::optional<std::size_t> got = box(c)->object().tryRead(data, size);
      wouldBlock = !got;
      *n = got.value_or(0);
    });
    return status == RTK_OK && wouldBlock ? RTK_ERR_WOULD_BLOCK : status;
  }
  static rtk_status connTryWrite(rtk_conn* c, const void* data, std::size_t size, std::size_t* n,
                                 rtk_sink* error) noexcept {
    rtk_status status = guard(error, [&] { *n = box(c)->object().tryWrite(data, size); });
    return status == RTK_OK && *n == 0 && size > 0 ? RTK_ERR_WOULD_BLOCK : status;
  }

  static rtk_status listenerAccept(rtk_listener* l, rtk_deadline d, rtk_conn** out, rtk_sink* error) noexcept {
    return guard(error, [&] {
      auto c = box(l)->object().accept(sdk::fromRtkDeadline(d));
      *out = reinterpret_cast<rtk_conn*>(new ConnHandle(std::move(c), box(l)->scope()));
    });
  }
  static rtk_status listenerClose(rtk_listener* l, rtk_sink* error) noexcept {
    return guard(error, [&] { box(l)->object().close(); });
  }
  static void listenerLocal(rtk_listener* l, rtk_endpoint* out) noexcept {
    endpointOf(box(l), out, "listener localEndpoint", [](Listener& o) { return o.localEndpoint(); });
  }
  static void listenerFree(rtk_listener* l) noexcept { delete box(l); }

  static rtk_status packetReadFrom(rtk_packetconn* p, void* data, std::size_t size, std::size_t* n, rtk_endpoint* from,
                                   rtk_sink* error) noexcept {
    return guard(error, [&] {
      Endpoint e;
      *n = box(p)->object().readFrom(data, size, e);
      if (from) *from = sdk::toRtkEndpoint(e);
    });
  }
  static rtk_status packetWriteTo(rtk_packetconn* p, const void* data, std::size_t size, const rtk_endpoint* to,
                                  std::size_t* n, rtk_sink* error) noexcept {
    return guard(error, [&] {
      if (!to) throw Error(Errc::InvalidArgument, "packet writeTo: no destination");
      *n = box(p)->object().writeTo(data, size, sdk::fromRtkEndpoint(*to));
    });
  }
  static rtk_status packetClose(rtk_packetconn* p, rtk_sink* error) noexcept {
    return guard(error, [&] { box(p)->object().close(); });
  }
  static rtk_status packetSetReadDeadline(rtk_packetconn* p, rtk_deadline d, rtk_sink* error) noexcept {
    return guard(error, [&] { box(p)->object().setReadDeadline(sdk::fromRtkDeadline(d)); });
  }
  static rtk_status packetSetWriteDeadline(rtk_packetconn* p, rtk_deadline d, rtk_sink* error) noexcept {
    return guard(error, [&] { box(p)->object().setWriteDeadline(sdk::fromRtkDeadline(d)); });
  }
  static void packetLocal(rtk_packetconn* p, rtk_endpoint* out) noexcept {
    endpointOf(box(p), out, "packet localEndpoint", [](PacketConn& o) { return o.localEndpoint(); });
  }
  static void packetFree(rtk_packetconn* p) noexcept { delete box(p); }
};

}  // namespace

void fillNetworkTable(rtk_network_service& t, PluginScope* scope) {
  t.struct_size = sizeof(rtk_network_service);
  t.net = reinterpret_cast<rtk_network*>(scope);
  t.dial = &NetworkCalls::dial;
  t.listen = &NetworkCalls::listen;
  t.listen_packet = &NetworkCalls::listenPacket;
  t.address = &NetworkCalls::address;
  t.subnet = &NetworkCalls::subnet;
  t.public_key = &NetworkCalls::publicKey;
  t.mtu = &NetworkCalls::mtu;
  t.cancel_new = &NetworkCalls::cancelNew;
  t.cancel_fire = &NetworkCalls::cancelFire;
  t.cancel_free = &NetworkCalls::cancelFree;
  t.conn_read = &NetworkCalls::connRead;
  t.conn_write = &NetworkCalls::connWrite;
  t.conn_close_write = &NetworkCalls::connCloseWrite;
  t.conn_close = &NetworkCalls::connClose;
  t.conn_set_read_deadline = &NetworkCalls::connSetReadDeadline;
  t.conn_set_write_deadline = &NetworkCalls::connSetWriteDeadline;
  t.conn_local_endpoint = &NetworkCalls::connLocal;
  t.conn_remote_endpoint = &NetworkCalls::connRemote;
  t.conn_free = &NetworkCalls::connFree;
  t.conn_readiness_fd = &NetworkCalls::connReadinessFd;
  t.conn_try_read = &NetworkCalls::connTryRead;
  t.conn_try_write = &NetworkCalls::connTryWrite;
  t.listener_accept = &NetworkCalls::listenerAccept;
  t.listener_close = &NetworkCalls::listenerClose;
  t.listener_local_endpoint = &NetworkCalls::listenerLocal;
  t.listener_free = &NetworkCalls::listenerFree;
  t.packet_read_from = &NetworkCalls::packetReadFrom;
  t.packet_write_to = &NetworkCalls::packetWriteTo;
  t.packet_close = &NetworkCalls::packetClose;
  t.packet_set_read_deadline = &NetworkCalls::packetSetReadDeadline;
  t.packet_set_write_deadline = &NetworkCalls::packetSetWriteDeadline;
  t.packet_local_endpoint = &NetworkCalls::packetLocal;
  t.packet_free = &NetworkCalls::packetFree;
}

}  // namespace rtk::host
