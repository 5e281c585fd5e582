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
// Peer events (subscribePeerEvents): every link that completes its
// handshake and is registered with the router gives one Up event, and later
// exactly one Down event, both on the "rtk-links" loop in the order the
// links reported them. Up: the key, the URI as getPeers shows it (the
// identity: no query; inbound links "<scheme>://<remote host:port>"), the
// inbound flag and the source interface. Down: the same fields plus the
// error that ended the link, or "" when we closed it on purpose (removePeer,
// stop). Handlers run on the loop thread, one event at a time; one that
// throws is logged and the others still get the event. Links that come up
// after stop() began give no event; links up at stop() get their Down
// before stop() returns.
// unsubscribePeerEvents(id): once it returns the handler is not running and
// is never called again — from another thread it waits for a call in
// progress; from inside a handler (the loop thread) it cannot wait for
// itself and does not need to: the handler's current call finishes and it
// is never called again (the same holds for unsubscribing another handler
// from inside one, since all calls are on that one thread).
//
// Probes (probePeer): dials the URI exactly as a persistent peer would be
// dialled (same transports, key= pins, password=, the dial and handshake
// deadlines of LinkTiming; no source interface), runs the version-metadata
// exchange and its checks, and closes; the router never sees it and getPeers never shows
// it. `done` runs exactly once on the "rtk-links" loop: with the remote key
// and the handshake round trip; with Errc::Timeout at the deadline (the link
// is closed then); with Errc::InvalidArgument / Errc::NotSupported for a URI
// that does not parse (never thrown); with the dial or handshake error
// (Refused for a pin or password mismatch, the dial's own code otherwise);
// or with Errc::Closed when stop() comes first (before stop() returns).
// Error texts read "links: probe <uri, password redacted>: <reason>". Each
// probe is a short-lived link of kind Probe on the link reactor, joined by
// the loop when it ends and by stop(). probePeer itself throws only Errc::Closed (already
// stopped; `done` is then never called) and Errc::InvalidArgument for an
// empty callback. Called on the loop thread (from a handler or a callback)
// `done` may run before probePeer returns.
//
// Threads: the manager's state lives on its EventLoop "rtk-links"; every
// link and probe runs on the LinkReactor's fixed threads ("rtk-linkio-N",
// as many as cores, at most kLinkIoThreads), host name lookups on the
// Resolver's ("rtk-resolve-N"); listeners are served by "rtk-accept". The
// thread count does not grow with the number of links.
// The public functions may be called from any thread, except from the
// PeerRegistry/PeerEndpoint callbacks of a link (they would wait on
// themselves). PeerRegistry and PeerEndpoint are called from reactor
// threads, never under a lock of ours.
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
#include "core/link/InboundLimits.hpp"
#include "core/link/Link.hpp"
#include "core/link/LinkTiming.hpp"
#include "core/link/LinkReactor.hpp"
#include "core/link/PeerUri.hpp"
#include "core/link/Resolver.hpp"
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
  InboundLimits inbound;                     // handshakes pending at once
};

struct ListenerInfo {
  std::uint64_t id = 0;
  std::string uri;  // as bound, the port resolved: "tcp://127.0.0.1:41234"
  std::string sourceInterface;
  bool local = false;
};

class LinkManager {
 public:
  // Reactor threads at most (one per core up to this).
  static constexpr std::size_t kLinkIoThreads = 4;

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
  // Inbound connections closed at once because too many handshakes were
  // pending (InboundLimits). Any thread.
  InboundRefusals inboundRefusals() const;
  // Accepted connections whose handshake has not ended yet.
  std::size_t pendingInboundHandshakes() const;

  // Configured peers (up or not) and inbound links, merged with the router's
  // view of each, sorted by URI.
  std::vector<PeerInfo> getPeers() const;

  // PeerInterface's peer events and probes; see above. subscribe throws
  // Errc::Closed after stop() and InvalidArgument for an empty handler;
  // unsubscribe ignores unknown ids.
  std::uint64_t subscribePeerEvents(PeerInterface::PeerEventHandler handler);
  void unsubscribePeerEvents(std::uint64_t id);
  void probePeer(std::string_view uri, std::chrono::milliseconds timeout, PeerInterface::ProbeCallback done);

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
  void onLinkUp(const std::shared_ptr<Link>& link, const PublicKey& key);
  void onLinkClosed(const std::shared_ptr<Link>& link, const std::string& error, bool wasUp);
  // InboundLimits; loop thread. admitInbound counts the refusal itself.
  bool admitInbound(const std::string& source, const std::string& redactedUri);
  void endPendingInbound(std::uint64_t linkId);
  // Peer events and probes; loop thread.
  struct Subscriber {
    PeerInterface::PeerEventHandler handler;
    std::mutex calling;             // held while the handler runs
    std::atomic<bool> active{true};
  };
  struct Probe {
    PeerInterface::ProbeCallback done;
    std::string what;  // "links: probe <redacted uri>"
    std::chrono::milliseconds timeout;
    EventLoop::TimerId timer = 0;
  };
  void notify(const PeerEvent& event);
  void onProbeClosed(const std::shared_ptr<Link>& link, const std::string& error);
  void finishProbe(std::uint64_t linkId, Outcome<PeerProbe> outcome);
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
  std::map<std::uint64_t, std::shared_ptr<Link>> running_;  // links not yet joined
  std::uint64_t nextLinkId_ = 1;
  std::size_t closedSinceTrim_ = 0;  // links ended since the last malloc_trim
  std::map<std::uint64_t, PeerEvent> upLinks_;  // the Up event of each link that gave one, by link id
  std::map<std::uint64_t, Probe> probes_;       // unfinished probes, by link id
  InboundLimits inboundLimits_;
  std::map<std::uint64_t, std::string> pendingInbound_;  // handshaking inbound link id -> source address
  std::map<std::string, std::size_t> pendingBySource_;
  std::chrono::steady_clock::time_point lastRefusalWarning_{};
  std::atomic<std::uint64_t> refusedPendingCap_{0}, refusedPerSourceCap_{0};

  mutable std::mutex subscribersMutex_;
  std::map<std::uint64_t, std::shared_ptr<Subscriber>> subscribers_;
  std::uint64_t nextSubscriber_ = 1;

  mutable std::mutex listenersMutex_;
  std::map<std::uint64_t, ListenerInfo> listeners_;
  std::atomic<std::uint64_t> nextListenerId_{1};

  // Declared last: destroyed first, so no thread outlives the state above.
  std::unique_ptr<Resolver> resolver_;
  std::unique_ptr<LinkReactor> reactor_;
  mutable EventLoop loop_;
  std::unique_ptr<Acceptor> acceptor_;
};

}  // namespace rtk::core::link
