// rtk::sdk::PeersClient — the peers service table (services/peers.h) as an
// rtk::PeerInterface.
//
//   auto peers = rtk::sdk::PeersClient::fromHost(host);
//   peers->addPeer("tls://[2001:db8::1]:443");
//   auto id = peers->subscribePeerEvents([](const rtk::PeerEvent& e) { ... });
//
// Differences from the node's own PeerInterface: event handlers and probe
// callbacks run on this plugin's callback thread ("rtk-cb-<plugin>"), not on
// a node thread, so they may take their time (they delay only this plugin's
// other callbacks) and may call the node. Subscriptions end when the plugin
// stops, whether or not it unsubscribed.
// Errors: rtk::Error with the provider's Errc and message. Thread-safety:
// as PeerInterface. Header-only.
#pragma once

#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/node_interface.hpp"
#include "ratatoskr/plugin.hpp"
#include "ratatoskr/services/nodejson.hpp"
#include "ratatoskr/services/peers.h"
#include "ratatoskr/services/reply.hpp"

namespace rtk::sdk {

class PeersClient final : public PeerInterface {
 public:
  PeersClient(const rtk_peers_service& table, Log log) : t_(&table), log_(std::move(log)) {
    if (table.struct_size < RTK_PEERS_SERVICE_SIZE_1_0) {
      throw Error(Errc::Abi, "peers service: table is " + std::to_string(table.struct_size) +
                                 " bytes, need at least " + std::to_string(RTK_PEERS_SERVICE_SIZE_1_0));
    }
  }
  ~PeersClient() override {
    std::lock_guard lock(mutex_);
    for (auto& [id, handler] : handlers_) t_->unsubscribe(t_->peers, id);
  }
  PeersClient(const PeersClient&) = delete;
  PeersClient& operator=(const PeersClient&) = delete;

  static std::unique_ptr<PeersClient> fromHost(const Host& host) {
    return std::make_unique<PeersClient>(
        host.requireService<rtk_peers_service>(RTK_PEERS_SERVICE_ID, static_cast<std::uint32_t>(RTK_PEERS_SERVICE_SIZE_1_0)),
        host.log());
  }

  void addPeer(std::string_view uri, std::string_view sourceInterface = {}) override {
    StringSink err;
    check(t_->add_peer(t_->peers, toStr(uri), toStr(sourceInterface), err.get()), err, "addPeer");
  }
  void removePeer(std::string_view uri, std::string_view sourceInterface = {}) override {
    StringSink err;
    check(t_->remove_peer(t_->peers, toStr(uri), toStr(sourceInterface), err.get()), err, "removePeer");
  }
  std::vector<PeerInfo> getPeers() const override {
    StringSink json, err;
    check(t_->get_peers(t_->peers, json.get(), err.get()), err, "getPeers");
    return nodejson::decodeList<PeerInfo>(json.str(), nodejson::decodePeer);
  }
  void retryPeers() override {
    StringSink err;
    check(t_->retry_peers(t_->peers, err.get()), err, "retryPeers");
  }

  std::uint64_t subscribePeerEvents(PeerEventHandler handler) override {
    auto box = std::make_unique<PeerEventHandler>(std::move(handler));
    std::uint64_t id = 0;
    StringSink err;
    std::lock_guard lock(mutex_);
    check(t_->subscribe(t_->peers, &deliverEvent, box.get(), &id, err.get()), err, "subscribePeerEvents");
    handlers_.emplace_back(id, std::move(box));
    return id;
  }
  void unsubscribePeerEvents(std::uint64_t id) override {
    std::unique_ptr<PeerEventHandler> dead;  // destroyed after the host let go of it
    std::lock_guard lock(mutex_);
    for (auto it = handlers_.begin(); it != handlers_.end(); ++it) {
      if (it->first != id) continue;
      t_->unsubscribe(t_->peers, id);
      dead = std::move(it->second);
      handlers_.erase(it);
      return;
    }
  }

  void probePeer(std::string_view uri, std::chrono::milliseconds timeout, ProbeCallback done) override {
    auto callback = [done = std::move(done)](const RawReply& r) {
      Outcome<PeerProbe> out;
      if (r.status != RTK_OK) {
        out.error = r.toError("probePeer");
      } else {
        try {
          out.value.key = nodejson::key(json::Value::parse(r.json).get("key"), "key");
          out.value.rtt = r.rtt;
        } catch (const Error& e) {
          out.error = e;
        }
      }
      done(std::move(out));
    };
    ReplyBox::start(std::move(callback), log_, "probePeer", [&](void* ctx, rtk_reply_fn fn, rtk_sink* err) {
      return t_->probe(t_->peers, toStr(uri), timeout.count() < 0 ? 0 : static_cast<std::uint64_t>(timeout.count()), fn,
                       ctx, err);
    });
  }

 private:
  static void deliverEvent(void* ctx, const rtk_peer_event* e) noexcept {
    try {
      PeerEvent event;
      event.kind = e->kind == RTK_PEER_DOWN ? PeerEvent::Kind::Down : PeerEvent::Kind::Up;
      event.uri = fromStr(e->uri);
      event.sourceInterface = fromStr(e->source_interface);
      event.inbound = e->inbound != 0;
      std::memcpy(event.key.bytes.data(), e->key, event.key.bytes.size());
      event.error = fromStr(e->error);
      (*static_cast<PeerEventHandler*>(ctx))(event);
    } catch (...) {
      // Nothing may unwind into the host; the handler owns its own errors.
    }
  }

  const rtk_peers_service* t_;
  Log log_;
  std::mutex mutex_;
  std::vector<std::pair<std::uint64_t, std::unique_ptr<PeerEventHandler>>> handlers_;
};

}  // namespace rtk::sdk
