// Core — one Yggdrasil 0.5 node assembled from its layers, wired the way
// yggdrasil-go's core package wires ironwood and ipv6rwc:
//
//   links (LinkManager) ──frames──▶ Router ◀──traffic── SessionManager
//                                      │ path notify          │ decrypted messages
//                                      ▼                      ▼ first byte
//                                   KeyStore ◀── 1: traffic ──┤
//                                   (IPv6)      2: proto ─────▶ ProtoHandler
//
// The packet interface (packets()) is where a TUN device would be; the
// netstack attaches there. Core does not own the admin socket or the
// netstack: the facade (rtk::Node) does, because both need the full
// rtk::NodeInterface.
//
// Lifetime: the constructor starts every layer, opens the conf's listeners
// and adds its peers (a bad URI or a busy port throws, with nothing left
// running). stop() (or the destructor) stops them in reverse order: links
// first, so nothing new arrives, then proto, sessions, router. Idempotent.
//
// Thread-safety: every public method may be called from any thread; the
// accessors hand out layers whose own contracts apply. After stop() the
// layers refuse work with Errc::Closed or return empty snapshots.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include "core/crypto/Ed25519.hpp"
#include "core/ipv6/KeyStore.hpp"
#include "core/link/LinkManager.hpp"
#include "core/proto/ProtoHandler.hpp"
#include "core/router/Router.hpp"
#include "core/session/SessionManager.hpp"
#include "ratatoskr/log.hpp"
#include "ratatoskr/node_config.hpp"

namespace rtk::core::node {

// yggdrasil's session message types: the first byte of every message the
// session layer carries between two nodes.
enum class SessionMessageType : std::uint8_t { Dummy = 0, Traffic = 1, Proto = 2 };

struct CoreSettings {
  crypto::SigningKey key;
  NodeConfig config;  // key fields are ignored here (see NodeKey.hpp)
  Log log;            // the node's log; layers log to children of it
};

class Core {
 public:
  explicit Core(CoreSettings settings);
  ~Core();
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  void stop();

  const PublicKey& publicKey() const { return key_.publicKey(); }
  const crypto::SigningKey& signingKey() const { return key_; }
  // yggdrasil's core MTU: the session MTU minus the type byte, at most 65535.
  std::uint64_t coreMtu() const;

  ipv6::PacketInterface& packets() { return *keystore_; }
  ipv6::KeyStore& keystore() { return *keystore_; }
  router::Router& router() { return *router_; }
  session::SessionManager& sessions() { return *sessions_; }
  link::LinkManager& links() { return *links_; }
  proto::ProtoHandler& proto() { return *proto_; }

 private:
  void onSessionMessage(const PublicKey& from, OffsetBytes message);
  void startLinks(const NodeConfig& config);

  crypto::SigningKey key_;
  Log log_;
  // The router's path-notify callback may fire before the keystore exists
  // and after it is gone; it reads this pointer instead of keystore_.
  std::atomic<ipv6::KeyStore*> pathNotifyTarget_{nullptr};

  std::unique_ptr<router::Router> router_;
  std::unique_ptr<session::SessionManager> sessions_;
  std::unique_ptr<ipv6::KeyStore> keystore_;
  std::unique_ptr<proto::ProtoHandler> proto_;
  std::unique_ptr<link::LinkManager> links_;

  std::mutex stopMutex_;
  bool stopped_ = false;
};

}  // namespace rtk::core::node
