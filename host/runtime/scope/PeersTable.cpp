// The peers service table of one plugin scope (services/peers.h). Events
// and probe results come from node threads and are handed to the plugin's
// callback thread (CallbackQueue).
#include <algorithm>
#include <cstring>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/services/nodejson.hpp"
#include "runtime/scope/PluginScope.hpp"

namespace rtk::host {

using sdk::fromStr;
using sdk::guard;
using sdk::writeSink;

namespace {

PluginScope& scopeOf(rtk_peers* p) noexcept { return *reinterpret_cast<PluginScope*>(p); }

struct PeersCalls {
  static rtk_status addPeer(rtk_peers* p, rtk_str uri, rtk_str iface, rtk_sink* error) noexcept {
    return guard(error, [&] { scopeOf(p).node().addPeer(fromStr(uri), fromStr(iface)); });
  }
  static rtk_status removePeer(rtk_peers* p, rtk_str uri, rtk_str iface, rtk_sink* error) noexcept {
    return guard(error, [&] { scopeOf(p).node().removePeer(fromStr(uri), fromStr(iface)); });
  }
  static rtk_status retryPeers(rtk_peers* p, rtk_sink* error) noexcept {
    return guard(error, [&] { scopeOf(p).node().retryPeers(); });
  }
  static rtk_status getPeers(rtk_peers* p, rtk_sink* json, rtk_sink* error) noexcept {
    return guard(error, [&] { writeSink(json, sdk::nodejson::encodeList(scopeOf(p).node().getPeers())); });
  }

  static rtk_status subscribe(rtk_peers* p, rtk_peer_event_fn fn, void* ctx, std::uint64_t* id, rtk_sink* error) noexcept {
    return guard(error, [&] {
      if (!fn || !id) throw Error(Errc::InvalidArgument, "peers subscribe: no callback or id");
      PluginScope& scope = scopeOf(p);
      // The id is ours; the node's is mapped to it. Until we know ours the
      // handler drops events (none can be lost that happened before the call).
      auto ours = std::make_shared<std::atomic<std::uint64_t>>(0);
      std::weak_ptr<CallbackQueue> queue = scope.callbacks();
      PluginScope* scopePtr = &scope;
      auto handler = [queue, ours, scopePtr, fn, ctx](const PeerEvent& e) {
        auto q = queue.lock();
        std::uint64_t subscription = ours->load();
        if (!q || subscription == 0) return;
        q->post([scopePtr, subscription, fn, ctx, e] {
          if (!scopePtr->subscriptionActive(subscription)) return;
          rtk_peer_event ev{};
          ev.struct_size = sizeof ev;
          ev.kind = e.kind == PeerEvent::Kind::Down ? RTK_PEER_DOWN : RTK_PEER_UP;
          ev.uri = sdk::toStr(e.uri);
          ev.source_interface = sdk::toStr(e.sourceInterface);
          ev.inbound = e.inbound ? 1 : 0;
          std::memcpy(ev.key, e.key.bytes.data(), sizeof ev.key);
          ev.error = sdk::toStr(e.error);
          fn(ctx, &ev);
        });
      };
      std::uint64_t nodeId = scope.node().subscribePeerEvents(std::move(handler));
      *id = scope.addSubscription(nodeId);
      ours->store(*id);
    });
  }
  static void unsubscribe(rtk_peers* p, std::uint64_t id) noexcept {
    PluginScope& scope = scopeOf(p);
    try {
      auto nodeId = scope.takeSubscription(id);
      if (!nodeId) return;
      scope.node().unsubscribePeerEvents(*nodeId);
      scope.callbacks()->barrier();  // an event of this id may be running now
    } catch (const std::exception& e) {
      scope.log().warn("peers unsubscribe: ", e.what());
    }
  }

  static rtk_status probe(rtk_peers* p, rtk_str uri, std::uint64_t timeoutMs, rtk_reply_fn done, void* ctx,
                          rtk_sink* error) noexcept {
    PluginScope& scope = scopeOf(p);
    return scope.callbacks()->startReply(done, ctx, error, [&](CallbackQueue::Reply reply) {
      scope.node().probePeer(fromStr(uri), std::chrono::milliseconds(timeoutMs), [reply](Outcome<PeerProbe> r) {
        if (!r.ok()) return reply.fail(*r.error);
        auto v = json::Value::object();
        v.set("key", r.value.key.hex());
        reply.ok(v.dump(), static_cast<std::int64_t>(r.value.rtt.count()));
      });
    });
  }
};

}  // namespace

void fillPeersTable(rtk_peers_service& t, PluginScope* scope) {
  t.struct_size = sizeof(rtk_peers_service);
  t.peers = reinterpret_cast<rtk_peers*>(scope);
  t.add_peer = &PeersCalls::addPeer;
  t.remove_peer = &PeersCalls::removePeer;
  t.retry_peers = &PeersCalls::retryPeers;
  t.get_peers = &PeersCalls::getPeers;
  t.subscribe = &PeersCalls::subscribe;
  t.unsubscribe = &PeersCalls::unsubscribe;
  t.probe = &PeersCalls::probe;
}

}  // namespace rtk::host
