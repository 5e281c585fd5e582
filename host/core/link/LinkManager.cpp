#include "core/link/LinkManager.hpp"

#include <malloc.h>

#include <algorithm>
#include <optional>
#include <system_error>
#include <thread>

#include "core/link/LazyTlsProvider.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::link {
namespace {

std::string formatDelay(std::chrono::nanoseconds d) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

const char* kindName(LinkKind kind) {
  switch (kind) {
    case LinkKind::Persistent: return "persistent";
    case LinkKind::Ephemeral: return "ephemeral";
    case LinkKind::Incoming: return "incoming";
    case LinkKind::Probe: return "probe";
  }
  return "?";
}

// The address part of an accepted connection's "host:port" or "[v6]:port"
// (a unix listener's path stays whole): what InboundLimits counts per source.
std::string sourceAddress(const std::string& remote) {
  if (!remote.empty() && remote.front() == '[') return remote.substr(0, remote.find(']') + 1);
  const auto colon = remote.rfind(':');
  return colon == std::string::npos ? remote : remote.substr(0, colon);
}

// Lookups of peer host names at once; more wait in the resolver's queues.
constexpr std::size_t kResolverThreads = 2;

std::size_t linkIoThreads() {
  return std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, LinkManager::kLinkIoThreads);
}

}  // namespace

LinkManager::LinkManager(LinkManagerSettings settings, router::PeerRegistry& registry)
    : env_(std::make_shared<LinkEnvironment>()),
      log_(settings.log),
      inboundLimits_(settings.inbound),
      resolver_(std::make_unique<Resolver>(kResolverThreads)),
      reactor_(std::make_unique<LinkReactor>(linkIoThreads())),
      loop_("rtk-links") {
  env_->key = settings.key;
  env_->allowedPublicKeys = std::move(settings.allowedPublicKeys);
  env_->registry = &registry;
  env_->tls = std::make_shared<const LazyTlsProvider>(settings.key);
  env_->log = settings.log;
  env_->timing = settings.timing;
  env_->reactor = reactor_.get();
  env_->resolver = resolver_.get();
  acceptor_ = std::make_unique<Acceptor>(log_, [this](const std::shared_ptr<LinkListener>& l, LinkListener::Accepted a) {
    // Ownership of the socket moves to the loop; dropped tasks close it.
    auto shared = std::make_shared<LinkListener::Accepted>(std::move(a));
    loop_.post([this, l, shared] { onAccepted(l, std::move(*shared)); });
  });
  loop_.post([this] { updateRates(); });
}

LinkManager::~LinkManager() { stop(); }

void LinkManager::throwIfStopped() const {
  if (stopping_.load()) throw Error(Errc::Closed, "links: stopped");
}

Link::UpHandler LinkManager::upHandler() {
  return [this](const std::shared_ptr<Link>& link) {
    // Read here, on the link thread: by the time the loop runs, the link may be gone.
    PublicKey key = link->snapshot().key;
    loop_.post([this, link, key] { onLinkUp(link, key); });
  };
}

Link::ClosedHandler LinkManager::closedHandler() {
  return [this](const std::shared_ptr<Link>& link, const std::string& error, bool wasUp) {
    loop_.post([this, link, error, wasUp] { onLinkClosed(link, error, wasUp); });
  };
}

void LinkManager::addPeer(std::string_view uri, std::string_view sourceInterface) {
  addConfigured(uri, sourceInterface, LinkKind::Persistent);
}

void LinkManager::callPeer(std::string_view uri, std::string_view sourceInterface) {
  addConfigured(uri, sourceInterface, LinkKind::Ephemeral);
}

void LinkManager::addConfigured(std::string_view text, std::string_view sourceInterface, LinkKind kind) {
  throwIfStopped();
  PeerUri uri = PeerUri::parse(text, PeerUri::Purpose::Peer);
  EntryKey key{uri.identity(), std::string(sourceInterface)};
  loop_.call([&] {
    throwIfStopped();
    auto it = entries_.find(key);
    if (it != entries_.end()) {
      // As link.go: a second add kicks a peer that is backing off.
      Entry& existing = it->second;
      if (!existing.link && existing.retryTimer) {
        loop_.cancel(existing.retryTimer);
        existing.retryTimer = 0;
        startLink(it->first, existing);
      }
      throw Error(Errc::AlreadyExists, "links: " + uri.redacted() + ": peer is already configured");
    }
    Entry entry{uri, key.sourceInterface, kind, nullptr, Backoff(uri.options().maxBackoff, env_->timing.backoffUnit)};
    auto [pos, inserted] = entries_.emplace(key, std::move(entry));
    log_.debug(uri.redacted(), ": ", kindName(kind), " peer added");
    startLink(pos->first, pos->second);
    return inserted;
  });
}

void LinkManager::removePeer(std::string_view text, std::string_view sourceInterface) {
  throwIfStopped();
  PeerUri uri = PeerUri::parse(text, PeerUri::Purpose::Peer);
  EntryKey key{uri.identity(), std::string(sourceInterface)};
  loop_.call([&] {
    auto it = entries_.find(key);
    if (it == entries_.end()) throw Error(Errc::NotFound, "links: " + uri.redacted() + ": peer is not configured");
    Entry& entry = it->second;
    if (entry.retryTimer) loop_.cancel(entry.retryTimer);
    // The link keeps running until its thread reports the close; running_
    // still holds it, and onLinkClosed finds no entry to update.
    if (entry.link) entry.link->close("peer removed");
    entries_.erase(it);
    log_.info(uri.redacted(), ": peer removed");
    return true;
  });
}

void LinkManager::retryPeers() {
  throwIfStopped();
  loop_.call([&] {
    for (auto& [key, entry] : entries_) {
      if (entry.link || !entry.retryTimer) continue;
      loop_.cancel(entry.retryTimer);
      entry.retryTimer = 0;
      startLink(key, entry);
    }
    return true;
  });
}

void LinkManager::startLink(const EntryKey& key, Entry& entry) {
  if (stopping_.load()) return;
  ++entry.retryGeneration;  // any timer still pending for this entry is stale now
  auto link = Link::outbound(nextLinkId_++, entry.uri, key.sourceInterface, entry.kind, env_, upHandler(),
                             closedHandler());
  entry.link = link;
  entry.lastRx = entry.lastTx = entry.rxRate = entry.txRate = 0;
  running_[link->id()] = link;
  link->start();
}

bool LinkManager::admitInbound(const std::string& source, const std::string& redactedUri) {
  const char* cap = nullptr;
  std::size_t limit = 0;
  if (pendingInbound_.size() >= inboundLimits_.maxPendingHandshakes) {
    refusedPendingCap_.fetch_add(1, std::memory_order_relaxed);
    cap = "handshakes pending in all";
    limit = inboundLimits_.maxPendingHandshakes;
  } else if (auto it = pendingBySource_.find(source);
             it != pendingBySource_.end() && it->second >= inboundLimits_.maxPendingHandshakesPerSource) {
    refusedPerSourceCap_.fetch_add(1, std::memory_order_relaxed);
    cap = "handshakes pending from this address";
    limit = inboundLimits_.maxPendingHandshakesPerSource;
  }
  if (!cap) return true;
  const auto now = std::chrono::steady_clock::now();
  if (now - lastRefusalWarning_ >= std::chrono::seconds(1)) {
    lastRefusalWarning_ = now;
    log_.warn(redactedUri, ": inbound connection closed: ", limit, " ", cap, " already (",
              refusedPendingCap_.load() + refusedPerSourceCap_.load(), " refused since start)");
  }
  return false;
}

void LinkManager::endPendingInbound(std::uint64_t linkId) {
  auto it = pendingInbound_.find(linkId);
  if (it == pendingInbound_.end()) return;
  if (auto s = pendingBySource_.find(it->second); s != pendingBySource_.end() && --s->second == 0)
    pendingBySource_.erase(s);
  pendingInbound_.erase(it);
}

InboundRefusals LinkManager::inboundRefusals() const {
  return {refusedPendingCap_.load(std::memory_order_relaxed), refusedPerSourceCap_.load(std::memory_order_relaxed)};
}

std::size_t LinkManager::pendingInboundHandshakes() const {
  return loop_.call([this] { return pendingInbound_.size(); });
}

void LinkManager::scheduleRetry(const EntryKey& key, Entry& entry) {
  auto delay = entry.backoff.next();
  std::uint64_t generation = ++entry.retryGeneration;
  entry.retryTimer = loop_.postAfter(delay, [this, key, generation] {
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.retryGeneration != generation || it->second.link) return;
    it->second.retryTimer = 0;
    startLink(it->first, it->second);
  });
  log_.debug(entry.uri.redacted(), ": redialling in ", formatDelay(delay), " (attempt ", entry.backoff.failures() + 1,
             ")");
}

void LinkManager::onAccepted(const std::shared_ptr<LinkListener>& listener, LinkListener::Accepted accepted) {
  if (stopping_.load()) return;
  PeerUri uri = listener->uri().withRemote(accepted.remote);
  EntryKey key{uri.identity(), listener->sourceInterface()};
  if (entries_.count(key)) {
    // link.go: a connection with the identity of an existing link is dropped.
    log_.debug(uri.redacted(), ": already linked, dropping the duplicate inbound connection");
    return;
  }
  const std::string source = sourceAddress(accepted.remote);
  if (!admitInbound(source, uri.redacted())) return;  // the socket closes here
  Entry entry{uri, key.sourceInterface, LinkKind::Incoming, nullptr, Backoff(kDefaultMaxBackoff)};
  auto link = Link::inbound(nextLinkId_++, uri, key.sourceInterface, std::move(accepted.socket), listener->local(),
                            env_, upHandler(), closedHandler());
  entry.link = link;
  entries_.emplace(key, std::move(entry));
  running_[link->id()] = link;
  pendingInbound_[link->id()] = source;
  ++pendingBySource_[source];
  link->start();
}

void LinkManager::onLinkUp(const std::shared_ptr<Link>& link, const PublicKey& key) {
  endPendingInbound(link->id());
  if (!stopping_.load()) {
    PeerEvent up;
    up.kind = PeerEvent::Kind::Up;
    up.uri = link->uri().identity();
    up.sourceInterface = link->sourceInterface();
    up.inbound = link->kind() == LinkKind::Incoming;
    up.key = key;
    upLinks_[link->id()] = up;
    notify(up);
  }
  auto it = entries_.find(EntryKey{link->uri().identity(), link->sourceInterface()});
  if (it == entries_.end() || it->second.link != link) return;
  it->second.backoff.reset();
}

void LinkManager::onLinkClosed(const std::shared_ptr<Link>& link, const std::string& error, bool wasUp) {
  link->join();
  running_.erase(link->id());
  ++closedSinceTrim_;
  endPendingInbound(link->id());
  if (link->kind() == LinkKind::Probe) return onProbeClosed(link, error);
  auto it = entries_.find(EntryKey{link->uri().identity(), link->sourceInterface()});
  const bool current = it != entries_.end() && it->second.link == link;
  if (auto up = upLinks_.find(link->id()); up != upLinks_.end()) {
    PeerEvent down = std::move(up->second);
    upLinks_.erase(up);
    down.kind = PeerEvent::Kind::Down;
    // Closed on purpose (removePeer, stop): a clean close, no error.
    down.error = (!current || stopping_.load()) ? std::string() : error;
    notify(down);
  }
  if (!current) return;
  Entry& entry = it->second;
  entry.link.reset();
  entry.lastError = error.empty() ? "remote side closed the connection" : error;
  entry.lastErrorTime = std::chrono::system_clock::now();
  if (entry.kind != LinkKind::Persistent || stopping_.load()) {
    entries_.erase(it);
    return;
  }
  if (wasUp) entry.backoff.reset();
  scheduleRetry(it->first, entry);
}

void LinkManager::notify(const PeerEvent& event) {
  std::vector<std::shared_ptr<Subscriber>> subscribers;
  {
    std::lock_guard lock(subscribersMutex_);
    for (const auto& [id, s] : subscribers_) subscribers.push_back(s);
  }
  for (const auto& s : subscribers) {
    std::lock_guard calling(s->calling);
    if (!s->active.load()) continue;
    try {
      s->handler(event);
    } catch (const std::exception& e) {
      log_.warn("peer event handler for ", event.uri, " threw: ", e.what());
    }
  }
}

std::uint64_t LinkManager::subscribePeerEvents(PeerInterface::PeerEventHandler handler) {
  if (!handler) throw Error(Errc::InvalidArgument, "links: subscribePeerEvents: no handler");
  throwIfStopped();
  auto s = std::make_shared<Subscriber>();
  s->handler = std::move(handler);
  std::lock_guard lock(subscribersMutex_);
  std::uint64_t id = nextSubscriber_++;
  subscribers_.emplace(id, std::move(s));
  return id;
}

void LinkManager::unsubscribePeerEvents(std::uint64_t id) {
  std::shared_ptr<Subscriber> s;
  {
    std::lock_guard lock(subscribersMutex_);
    auto it = subscribers_.find(id);
    if (it == subscribers_.end()) return;
    s = std::move(it->second);
    subscribers_.erase(it);
  }
  if (loop_.inLoopThread()) {
    // From a handler: every call is on this thread, so none is running but
    // the caller's own, which may hold `calling`; it is simply never called again.
    s->active.store(false);
    return;
  }
  std::lock_guard calling(s->calling);  // waits for a call in progress
  s->active.store(false);
}

void LinkManager::probePeer(std::string_view text, std::chrono::milliseconds timeout,
                            PeerInterface::ProbeCallback done) {
  if (!done) throw Error(Errc::InvalidArgument, "links: probePeer: no callback");
  throwIfStopped();
  std::optional<PeerUri> uri;
  std::optional<Error> bad;
  try {
    uri = PeerUri::parse(text, PeerUri::Purpose::Peer);
  } catch (const Error& e) {
    bad = Error(e.code() == Errc::NotSupported ? Errc::NotSupported : Errc::InvalidArgument,
                std::string("links: probe: ") + e.what());
  }
  loop_.call([&] {
    throwIfStopped();
    if (bad) {
      Outcome<PeerProbe> out;
      out.error = *bad;
      try {
        done(std::move(out));
      } catch (const std::exception& e) {
        log_.warn("probe callback threw: ", e.what());
      }
      return true;
    }
    const std::uint64_t id = nextLinkId_++;
    auto link = Link::outbound(id, *uri, {}, LinkKind::Probe, env_, nullptr, closedHandler());
    Probe probe{std::move(done), "links: probe " + uri->redacted(), timeout};
    running_[id] = link;
    try {
      link->start();
    } catch (const std::system_error& e) {
      running_.erase(id);
      throw Error(Errc::Io, probe.what + ": cannot start a thread: " + e.what());
    }
    probe.timer = loop_.postAfter(timeout, [this, id] {
      auto it = probes_.find(id);
      if (it == probes_.end()) return;
      it->second.timer = 0;
      if (auto l = running_.find(id); l != running_.end()) l->second->close("probe timed out");
      Outcome<PeerProbe> out;
      out.error = Error(Errc::Timeout, it->second.what + ": timed out after " + std::to_string(it->second.timeout.count()) + " ms");
      finishProbe(id, std::move(out));
    });
    probes_.emplace(id, std::move(probe));
    log_.debug(uri->redacted(), ": probing");
    return true;
  });
}

void LinkManager::onProbeClosed(const std::shared_ptr<Link>& link, const std::string& error) {
  auto it = probes_.find(link->id());
  if (it == probes_.end()) return;  // timed out or stopped already
  Outcome<PeerProbe> out;
  if (auto result = link->probeResult()) {
    out.value.key = result->key;
    out.value.rtt = result->rtt;
  } else {
    out.error = Error(link->endCode(), it->second.what + ": " + (error.empty() ? "failed" : error));
  }
  finishProbe(link->id(), std::move(out));
}

void LinkManager::finishProbe(std::uint64_t linkId, Outcome<PeerProbe> outcome) {
  auto it = probes_.find(linkId);
  if (it == probes_.end()) return;
  Probe probe = std::move(it->second);
  probes_.erase(it);
  if (probe.timer) loop_.cancel(probe.timer);
  try {
    probe.done(std::move(outcome));
  } catch (const std::exception& e) {
    log_.warn(probe.what, ": callback threw: ", e.what());
  }
}

void LinkManager::updateRates() {
  for (auto& [key, entry] : entries_) {
    if (!entry.link) continue;
    std::uint64_t rx = entry.link->rxBytes(), tx = entry.link->txBytes();
    entry.rxRate = rx - entry.lastRx;
    entry.txRate = tx - entry.lastTx;
    entry.lastRx = rx;
    entry.lastTx = tx;
  }
  if (closedSinceTrim_ > 0) {
    // Links that ended freed their buffers (and the router its peer state)
    // on several threads' malloc arenas; give what is free back to the
    // system, so a crowd that came and went leaves no lasting footprint.
    ::malloc_trim(0);
    closedSinceTrim_ = 0;
  }
  if (!stopping_.load()) loop_.postAfter(std::chrono::seconds(1), [this] { updateRates(); });
}

std::vector<PeerInfo> LinkManager::getPeers() const {
  if (stopping_.load()) return {};
  std::vector<PeerInfo> out;
  try {
    out = loop_.call([&] {
      std::vector<PeerInfo> peers;
      auto now = Link::Clock::now();
      for (const auto& [key, entry] : entries_) {
        PeerInfo p;
        p.uri = entry.uri.identity();
        p.inbound = entry.kind == LinkKind::Incoming;
        p.lastError = entry.lastError;
        p.lastErrorTime = entry.lastErrorTime;
        if (entry.link) {
          auto snap = entry.link->snapshot();
          if (snap.up) {
            p.up = true;
            p.key = snap.key;
            p.priority = snap.priority;
            p.rxBytes = entry.link->rxBytes();
            p.txBytes = entry.link->txBytes();
            p.rxPackets = entry.link->rxPackets();
            p.txPackets = entry.link->txPackets();
            p.rxRate = entry.rxRate;
            p.txRate = entry.txRate;
            p.uptime = now - snap.upSince;
            if (snap.endpoint) {
              auto info = snap.endpoint->info();
              p.root = info.root;
              p.port = info.port;
              p.cost = info.cost;
              p.latency = info.latency;
            }
          }
        }
        peers.push_back(std::move(p));
      }
      return peers;
    });
  } catch (const Error& e) {
    if (e.code() != Errc::Closed) throw;
    return {};  // stopped meanwhile: no peers
  }
  std::sort(out.begin(), out.end(), [](const PeerInfo& a, const PeerInfo& b) { return a.uri < b.uri; });
  return out;
}

ListenerInfo LinkManager::listen(std::string_view text, std::string_view sourceInterface, bool local) {
  throwIfStopped();
  PeerUri uri = PeerUri::parse(text, PeerUri::Purpose::Listen);
  // A TLS listener without the TLS module fails here, not at its first peer.
  if (uri.scheme() == LinkScheme::Tls || uri.scheme() == LinkScheme::Wss) {
    try {
      env_->tls->get();
    } catch (const Error& e) {
      throw Error(e.code(), "listen " + std::string(text) + ": " + e.what());
    }
  }
  auto listener = LinkListener::open(nextListenerId_++, uri, std::string(sourceInterface), local);
  ListenerInfo info{listener->id(), listener->boundUri(), std::string(sourceInterface), local};
  acceptor_->add(listener);  // Closed when stopping: the listener closes as it goes out of scope
  {
    std::lock_guard lock(listenersMutex_);
    listeners_[info.id] = info;
  }
  std::string scheme = schemeName(uri.scheme());
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), ::toupper);
  log_.info(scheme, " listener started on ", listener->boundAddress().toString());
  return info;
}

void LinkManager::closeListener(std::uint64_t id) {
  ListenerInfo info;
  {
    std::lock_guard lock(listenersMutex_);
    auto it = listeners_.find(id);
    if (it == listeners_.end()) throw Error(Errc::NotFound, "links: no listener " + std::to_string(id));
    info = it->second;
    listeners_.erase(it);
  }
  acceptor_->remove(id);  // the socket closes as the last reference goes here
  log_.info("listener stopped on ", info.uri);
}

std::vector<ListenerInfo> LinkManager::listeners() const {
  std::lock_guard lock(listenersMutex_);
  std::vector<ListenerInfo> out;
  for (const auto& [id, info] : listeners_) out.push_back(info);
  return out;
}

void LinkManager::stop() {
  std::lock_guard stopLock(stopMutex_);
  if (stopped_.load()) return;
  stopping_.store(true);
  acceptor_->stop();
  {
    std::lock_guard lock(listenersMutex_);
    listeners_.clear();
  }
  std::vector<std::shared_ptr<Link>> links;
  try {
    links = loop_.call([&] {
      std::vector<std::shared_ptr<Link>> all;
      for (auto& [key, entry] : entries_)
        if (entry.retryTimer) loop_.cancel(entry.retryTimer);
      entries_.clear();
      for (auto& [id, link] : running_) all.push_back(link);
      std::vector<std::uint64_t> probes;
      for (auto& [id, probe] : probes_) probes.push_back(id);
      for (auto id : probes) {
        Outcome<PeerProbe> out;
        out.error = Error(Errc::Closed, probes_.at(id).what + ": node stopping");
        finishProbe(id, std::move(out));
      }
      return all;
    });
  } catch (const Error& e) {
    log_.warn("stopping: the link loop had already stopped: ", e.what());
  }
  for (auto& link : links) link->close("node stopping");
  for (auto& link : links) link->join();
  loop_.stop();
  resolver_->stop();  // answers queued lookups; their links are gone
  reactor_->stop();
  running_.clear();  // the loop thread is gone: safe to touch here
  stopped_.store(true);
  log_.debug("stopped");
}

}  // namespace rtk::core::link
