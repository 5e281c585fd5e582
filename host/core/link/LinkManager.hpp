// LinkManager — the node's peer links: configured peers with redial
// backoff, listeners, inbound links, and the link table getPeers reports.
//
// Mirrors yggdrasil-go 0.5.12's src/core/link.go:
//   - Links are keyed by identity: the URI without its query (inbound links:
//     "<scheme>://<remote host:port>", as the real node shows them) plus the
//     source interface. A second link with the same identity is refused.
//   - Persistent peers (addPeer) redial after every failure or disconnect,
//     waiting 2 s, 4 s, 8 s ... up to the URI's maxbackoff (default 1h8m16s);
//     a successful handshake resets the count. retryPeers() cuts every wait
//     short; addPeer of a configured peer does so for that peer.
//   - Ephemeral peers (callPeer, for multicast) and inbound links are
//     forgotten when they close.
//   - Inbound links from local listeners (multicast) skip AllowedPublicKeys.
//
// Threads: the manager's state lives on its EventLoop "rtk-links"; each link
// runs on its own "rtk-link-N" thread; listeners are served by "rtk-accept".
// The public functions may be called from any thread, except from the
// PeerRegistry/PeerEndpoint callbacks of a link (they would wait on
// themselves). PeerRegistry and PeerEndpoint are called from link threads,
// never under a lock of ours.
//
// Errors: rtk::Error with "links: <uri>: <reason>" messages —
// InvalidArgument / NotSupported from URI parsing, AlreadyExists ("peer is
// already configured"), NotFound ("peer is not configured"),
// AddressInUse / Io for listeners, Closed after stop().
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/crypto/Ed25519.hpp"
#include "core/link/Acceptor.hpp"
#include "core/link/Backoff.hpp"
#include "core/link/Link.hpp"
#include "core/link/LinkTiming.hpp"
#include "core/link/PeerUri.hpp"
#include "core/router/PeerPorts.hpp"
#include "core/util/EventLoop.hpp"
#include "ratatoskr/log.hpp"
#include "ratatoskr/node_interface.hpp"

namespace rtk::core::link {

struct LinkManagerSettings {
  crypto::SigningKey key;                    // the node's identity
  std::vector<PublicKey> allowedPublicKeys;  // empty: every inbound key allowed
  rtk::Log log;                              // subsystem "links"
  LinkTiming timing;                         // yggdrasil's defaults
};

struct ListenerInfo {
  std::uint64_t id = 0;
  std::string uri;  // as bound, the port resolved: "tcp://127.0.0.1:41234"
  std::string sourceInterface;
  bool local = false;
};

class LinkManager {
 public:
  // Starts the "rtk-links" loop and the acceptor. The registry must outlive
  // stop(). Throws Errc::Io when the TLS identity cannot be built.
  LinkManager(LinkManagerSettings settings, router::PeerRegistry& registry);
  ~LinkManager();  // stop()
  LinkManager(const LinkManager&) = delete;
  LinkManager& operator=(const LinkManager&) = delete;

  // A persistent peer, dialled at once and redialled until removed.
  void addPeer(std::string_view uri, std::string_view sourceInterface = {});
  // Forgets the peer and closes its link.
  void removePeer(std::string_view uri, std::string_view sourceInterface = {});
  // A one-shot peer (multicast discoveries): dialled once, forgotten when
  // the attempt or the link ends. AlreadyExists when linked already.
  void callPeer(std::string_view uri, std::string_view sourceInterface = {});
  // Every peer waiting out a backoff is dialled now.
  void retryPeers();

  // Starts a listener (tcp, tls, unix, ws, wss; socks and quic are
  // NotSupported). `local`: its links skip AllowedPublicKeys (multicast).
  ListenerInfo listen(std::string_view uri, std::string_view sourceInterface = {}, bool local = false);
  // Closes a listener; its port is free on return. NotFound when unknown.
  void closeListener(std::uint64_t id);
  std::vector<ListenerInfo> listeners() const;

  // Configured peers (up or not) and inbound links, merged with the router's
  // view of each, sorted by URI.
  std::vector<PeerInfo> getPeers() const;

  // Closes listeners and links and joins every thread. Idempotent; not from
  // a link callback.
  void stop();

 private:
  struct EntryKey {
    std::string identity, sourceInterface;
    auto operator<=>(const EntryKey&) const = default;
  };
  struct Entry {
    PeerUri uri;
    std::string sourceInterface;
    LinkKind kind;
    std::shared_ptr<Link> link;  // dialling, handshaking or up; null while backing off
    Backoff backoff;
    std::uint64_t retryGeneration = 0;
    EventLoop::TimerId retryTimer = 0;
    std::string lastError;
    std::chrono::system_clock::time_point lastErrorTime{};
    std::uint64_t lastRx = 0, lastTx = 0, rxRate = 0, txRate = 0;
  };

  void addConfigured(std::string_view uri, std::string_view sourceInterface, LinkKind kind);
  // Loop thread.
  void startLink(const EntryKey& key, Entry& entry);
  void scheduleRetry(const EntryKey& key, Entry& entry);
  void onAccepted(const std::shared_ptr<LinkListener>& listener, LinkListener::Accepted accepted);
  void onLinkUp(const std::shared_ptr<Link>& link);
  void onLinkClosed(const std::shared_ptr<Link>& link, const std::string& error, bool wasUp);
  void updateRates();
  Link::UpHandler upHandler();
  Link::ClosedHandler closedHandler();
  void throwIfStopped() const;

  std::shared_ptr<LinkEnvironment> env_;
  rtk::Log log_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stopped_{false};
  std::mutex stopMutex_;

  // Loop thread only.
  std::map<EntryKey, Entry> entries_;
  std::map<std::uint64_t, std::shared_ptr<Link>> running_;  // threads not yet joined
  std::uint64_t nextLinkId_ = 1;

  mutable std::mutex listenersMutex_;
  std::map<std::uint64_t, ListenerInfo> listeners_;
  std::atomic<std::uint64_t> nextListenerId_{1};

  // Declared last: destroyed first, so no thread outlives the state above.
  mutable EventLoop loop_;
  std::unique_ptr<Acceptor> acceptor_;
};

}  // namespace rtk::core::link
