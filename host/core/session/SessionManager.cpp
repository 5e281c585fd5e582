#include "core/session/SessionManager.hpp"

#include <algorithm>
#include <exception>
#include <mutex>

#include "core/crypto/KeyConversion.hpp"
#include "core/session/SessionWire.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::session {

// Lets the router's traffic handler outlive us: after close() it drops
// packets instead of reaching into a destroyed manager.
struct SessionManager::Gate {
  std::mutex mutex;
  SessionManager* target = nullptr;
};

namespace {

// Runs one unit of session-thread work. An exception escaping a loop task
// would end the process; nothing on these paths is expected to throw, but a
// bug or an injected test hook must cost one packet, not the node.
template <class F>
void guarded(const Log& log, const char* what, F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    log.error(what, ": ", e.what(), " (dropped)");
  } catch (...) {
    log.error(what, ": unknown exception (dropped)");
  }
}

SessionOptions withDefaults(SessionOptions o) {
  if (!o.now) o.now = [] { return SessionOptions::Clock::now(); };
  if (!o.unixSeconds)
    o.unixSeconds = [] {
      return static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
              .count());
    };
  if (!o.newBoxKeys) o.newBoxKeys = [] { return crypto::BoxKeyPair::generate(); };
  if (o.maxSessions == 0 || o.maxBuffers == 0 || o.maxBufferedBytes == 0 || o.maxQueuedInboundBytes == 0 ||
      o.maxQueuedOutboundBytes == 0)
    throw Error(Errc::InvalidArgument, "sessions: table and queue bounds must be positive");
  if (o.reactiveInitsPerSecond < 0 || o.reactiveInitBurst < 0)
    throw Error(Errc::InvalidArgument, "sessions: the reactive init rate must not be negative");
  return o;
}

}  // namespace

SessionManager::SessionManager(const crypto::SigningKey& key, router::PacketNetwork& network, Log log,
                               SessionOptions options)
    : key_(key),
      boxSecret_(crypto::boxSecretFromEd(key)),
      network_(network),
      log_(std::move(log)),
      options_(withDefaults(std::move(options))),
      inbound_(options_.maxQueuedInboundBytes),
      outbound_(options_.maxQueuedOutboundBytes),
      gate_(std::make_shared<Gate>()),
      loop_("rtk-session") {
  initTokens_ = options_.reactiveInitBurst;
  initTokensAt_ = options_.now();
  gate_->target = this;
  network_.setTrafficHandler([gate = gate_](const PublicKey& source, Bytes payload) {
    std::lock_guard lock(gate->mutex);
    if (!gate->target) return;
    SessionManager& self = *gate->target;
    const std::size_t cost = payload.size() + kQueueEntryCost;
    if (self.inbound_.push(Queued{source, std::move(payload)}, cost) == QueuePush::QueuedFirst)
      self.loop_.post([&self] { self.drainInbound(); });
  });
}

SessionManager::~SessionManager() { close(); }

void SessionManager::close() {
  {
    std::lock_guard lock(gate_->mutex);
    gate_->target = nullptr;
  }
  loop_.stop();
}

void SessionManager::drainInbound() {
  inbound_.drainInto(inboundBatch_);
  for (auto& in : inboundBatch_)
    guarded(log_, "inbound packet", [&] { onPacket(in.key, std::move(in.data).take()); });
  inboundBatch_.clear();
}

void SessionManager::drainOutbound() {
  outbound_.drainInto(outboundBatch_);
  for (auto& out : outboundBatch_) guarded(log_, "writeTo", [&] { onWrite(out.key, std::move(out.data)); });
  outboundBatch_.clear();
}

std::uint64_t SessionManager::mtu() const {
  std::uint64_t net = network_.mtu();
  return net > kTrafficOverhead ? net - kTrafficOverhead : 0;
}

void SessionManager::writeTo(const PublicKey& dest, OffsetBytes message) {
  if (message.size() > mtu()) {
    counters_.oversizeDropped.fetch_add(1, std::memory_order_relaxed);
    log_.debug("writeTo ", dest.hex(), ": ", message.size(), " bytes is above the MTU ", mtu(), ", dropped");
    return;
  }
  const std::size_t cost = message.size() + kQueueEntryCost;
  if (outbound_.push(Queued{dest, std::move(message)}, cost) == QueuePush::QueuedFirst)
    loop_.post([this] { drainOutbound(); });
}

void SessionManager::setReceiveHandler(ReceiveHandler handler) {
  loop_.call([this, &handler] { handler_ = std::move(handler); });
}

// ---- session thread ----------------------------------------------------------

void SessionManager::onPacket(const PublicKey& source, Bytes data) {
  if (data.empty()) return;
  switch (static_cast<SessionPacketType>(data[0])) {
    case SessionPacketType::Init:
    case SessionPacketType::Ack: {
      auto init = SessionInit::decode(ByteView(data), boxSecret_, source);
      if (init) handleInit(source, *init, data[0] == static_cast<std::uint8_t>(SessionPacketType::Ack));
      break;
    }
    case SessionPacketType::Traffic:
      handleTraffic(source, std::move(data));
      break;
    case SessionPacketType::Dummy:
    default:
      break;
  }
}

void SessionManager::handleInit(const PublicKey& source, const SessionInit& init, bool isAck) {
  const bool existed = sessions_.count(source) != 0;
  std::optional<PendingBuffer> adopted;
  SessionSlot& slot = sessionForInit(source, init, adopted);
  const bool applied = slot.session->update(init, options_.now());
  // An init always gets an ack; so does an ack that created the session, so
  // that the remote learns the keys we just made (ironwood _handleAck).
  if (applied && (!isAck || !existed)) sendSessionInit(SessionPacketType::Ack, slot);
  if (applied) touch(slot);
  if (adopted && adopted->hasData) sendSealed(slot, std::move(adopted->data));
}

SessionManager::SessionSlot& SessionManager::sessionForInit(const PublicKey& source, const SessionInit& init,
                                                            std::optional<PendingBuffer>& adopted) {
  auto it = sessions_.find(source);
  if (it != sessions_.end()) return it->second;
  if (sessions_.size() >= options_.maxSessions) evictOneSession();

  auto now = options_.now();
  SessionSlot slot;
  slot.session = std::make_unique<Session>(source, init.current, init.next, init.seq, options_.newBoxKeys,
                                           options_.rotationGuard, now);
  slot.remoteBox = crypto::boxPublicFromEd(source);
  slot.id = nextId_++;
  auto bufIt = buffers_.find(source);
  if (bufIt != buffers_.end()) {
    adopted = takeBuffer(bufIt);
    slot.session->adoptPendingKeys(adopted->current, adopted->next);
  }
  idleLru_.push_back(source);
  slot.lru = std::prev(idleLru_.end());
  auto [pos, inserted] = sessions_.emplace(source, std::move(slot));
  armSessionTimer(source, pos->second, options_.sessionTimeout);
  log_.debug("session with ", source.hex(), " opened (", sessions_.size(), " sessions)");
  return pos->second;
}

void SessionManager::handleTraffic(const PublicKey& source, Bytes data) {
  auto it = sessions_.find(source);
  if (it == sessions_.end()) {
    // The sender is unauthenticated (it could be spoofed or replayed), so
    // keep nothing: offer an init under keys we forget at once. If the node
    // is real it acks, which creates the session (ironwood _handleTraffic).
    if (!takeReactiveInitToken()) return;
    auto current = options_.newBoxKeys();
    auto next = options_.newBoxKeys();
    SessionInit init{current.publicKey, next.publicKey, 0, options_.unixSeconds()};
    sendInitPacket(SessionPacketType::Init, source, crypto::boxPublicFromEd(source), init);
    return;
  }
  SessionSlot& slot = it->second;
  auto received = slot.session->open(std::move(data), options_.now());
  switch (received.outcome) {
    case Session::Outcome::Delivered:
      touch(slot);
      deliver(source, std::move(received.message));
      break;
    case Session::Outcome::Resync:
      if (takeReactiveInitToken()) sendSessionInit(SessionPacketType::Init, slot);
      break;
    case Session::Outcome::Ignored:
      break;
  }
}

void SessionManager::onWrite(const PublicKey& dest, OffsetBytes message) {
  auto it = sessions_.find(dest);
  if (it != sessions_.end()) {
    sendSealed(it->second, std::move(message));
    return;
  }
  bufferAndInit(dest, std::move(message));
}

void SessionManager::sendSealed(SessionSlot& slot, OffsetBytes message) {
  OffsetBytes packet = slot.session->seal(std::move(message), options_.now());
  touch(slot);
  network_.sendTraffic(slot.session->remote(), std::move(packet));
}

void SessionManager::sendSessionInit(SessionPacketType type, SessionSlot& slot) {
  sendInitPacket(type, slot.session->remote(), slot.remoteBox, slot.session->makeInit(options_.unixSeconds()));
}

void SessionManager::sendInitPacket(SessionPacketType type, const PublicKey& dest,
                                    const crypto::BoxPublicKey& destBox, const SessionInit& init) {
  auto ephemeral = options_.newBoxKeys();
  network_.sendTraffic(dest, init.encode(type, key_, destBox, ephemeral));
}

void SessionManager::bufferAndInit(const PublicKey& dest, OffsetBytes message) {
  auto it = buffers_.find(dest);
  if (it == buffers_.end()) {
    if (buffers_.size() >= options_.maxBuffers) {
      counters_.buffersEvicted.fetch_add(1, std::memory_order_relaxed);
      eraseBuffer(buffers_.find(bufferLru_.front()));
    }
    PendingBuffer buf;
    buf.current = options_.newBoxKeys();
    buf.next = options_.newBoxKeys();
    buf.init = SessionInit{buf.current.publicKey, buf.next.publicKey, 0, options_.unixSeconds()};
    buf.id = nextId_++;
    bufferLru_.push_back(dest);
    buf.lru = std::prev(bufferLru_.end());
    it = buffers_.emplace(dest, std::move(buf)).first;
    armBufferTimer(dest, it->second, options_.bufferTimeout);
  } else {
    bufferLru_.splice(bufferLru_.end(), bufferLru_, it->second.lru);
  }
  PendingBuffer& buf = it->second;
  // Only the newest message waits (ironwood keeps one per destination).
  bufferedBytes_ -= buf.data.size();
  buf.data = std::move(message);
  buf.hasData = true;
  bufferedBytes_ += buf.data.size();
  buf.lastWrite = options_.now();
  while (bufferedBytes_ > options_.maxBufferedBytes && bufferLru_.front() != dest) {
    counters_.buffersEvicted.fetch_add(1, std::memory_order_relaxed);
    eraseBuffer(buffers_.find(bufferLru_.front()));
  }
  if (bufferedBytes_ > options_.maxBufferedBytes) {
    // This message alone is over the budget: the init still goes out.
    bufferedBytes_ -= buf.data.size();
    buf.data = OffsetBytes();
    buf.hasData = false;
  }
  sendInitPacket(SessionPacketType::Init, dest, crypto::boxPublicFromEd(dest), buf.init);
}

void SessionManager::deliver(const PublicKey& source, OffsetBytes message) {
  if (!handler_) return;
  try {
    handler_(source, std::move(message));
  } catch (const std::exception& e) {
    log_.error("receive handler threw for a message from ", source.hex(), ": ", e.what());
  } catch (...) {
    log_.error("receive handler threw a non-standard exception for a message from ", source.hex());
  }
}

bool SessionManager::takeReactiveInitToken() {
  if (options_.reactiveInitsPerSecond == 0) return true;
  auto now = options_.now();
  double elapsed = std::chrono::duration<double>(now - initTokensAt_).count();
  if (elapsed > 0) {
    initTokens_ = std::min(options_.reactiveInitBurst, initTokens_ + elapsed * options_.reactiveInitsPerSecond);
    initTokensAt_ = now;
  }
  if (initTokens_ >= 1) {
    initTokens_ -= 1;
    return true;
  }
  counters_.reactiveInitsSuppressed.fetch_add(1, std::memory_order_relaxed);
  return false;
}

// ---- tables and timers ---------------------------------------------------------

void SessionManager::touch(SessionSlot& slot) {
  const Session& s = *slot.session;
  if (!slot.active && (s.rxBytes() > 0 || s.txBytes() > 0)) {
    slot.active = true;
    activeLru_.splice(activeLru_.end(), idleLru_, slot.lru);
  } else {
    auto& list = slot.active ? activeLru_ : idleLru_;
    list.splice(list.end(), list, slot.lru);
  }
}

void SessionManager::eraseSession(std::map<PublicKey, SessionSlot>::iterator it) {
  loop_.cancel(it->second.timer);
  (it->second.active ? activeLru_ : idleLru_).erase(it->second.lru);
  sessions_.erase(it);
}

void SessionManager::evictOneSession() {
  // Sessions that never carried traffic go first: a flood of inits from
  // fresh keys then displaces its own sessions, not the ones in use.
  const PublicKey victim = !idleLru_.empty() ? idleLru_.front() : activeLru_.front();
  counters_.sessionsEvicted.fetch_add(1, std::memory_order_relaxed);
  log_.debug("session table full (", options_.maxSessions, "): evicting ", victim.hex());
  eraseSession(sessions_.find(victim));
}

void SessionManager::armSessionTimer(const PublicKey& key, SessionSlot& slot, Clock::duration delay) {
  slot.timer = loop_.postAfter(delay, [this, key, id = slot.id] {
    guarded(log_, "session timer", [&] { onSessionTimer(key, id); });
  });
}

void SessionManager::onSessionTimer(const PublicKey& key, std::uint64_t id) {
  auto it = sessions_.find(key);
  if (it == sessions_.end() || it->second.id != id) return;
  auto idle = options_.now() - it->second.session->lastActivity();
  if (idle >= options_.sessionTimeout) {
    counters_.sessionsExpired.fetch_add(1, std::memory_order_relaxed);
    log_.debug("session with ", key.hex(), " timed out");
    eraseSession(it);
    return;
  }
  // Activity since the timer was set: wait for the rest of the timeout.
  armSessionTimer(key, it->second, options_.sessionTimeout - idle);
}

SessionManager::PendingBuffer SessionManager::takeBuffer(std::map<PublicKey, PendingBuffer>::iterator it) {
  loop_.cancel(it->second.timer);
  bufferedBytes_ -= it->second.data.size();
  bufferLru_.erase(it->second.lru);
  PendingBuffer buf = std::move(it->second);
  buffers_.erase(it);
  return buf;
}

void SessionManager::eraseBuffer(std::map<PublicKey, PendingBuffer>::iterator it) { takeBuffer(it); }

void SessionManager::armBufferTimer(const PublicKey& key, PendingBuffer& buf, Clock::duration delay) {
  buf.timer = loop_.postAfter(delay, [this, key, id = buf.id] {
    guarded(log_, "buffer timer", [&] { onBufferTimer(key, id); });
  });
}

void SessionManager::onBufferTimer(const PublicKey& key, std::uint64_t id) {
  auto it = buffers_.find(key);
  if (it == buffers_.end() || it->second.id != id) return;
  auto idle = options_.now() - it->second.lastWrite;
  if (idle >= options_.bufferTimeout) {
    log_.debug("no session with ", key.hex(), " after ", std::chrono::duration_cast<std::chrono::seconds>(idle).count(),
               " s: buffered message dropped");
    eraseBuffer(it);
    return;
  }
  armBufferTimer(key, it->second, options_.bufferTimeout - idle);
}

// ---- any thread: snapshots -----------------------------------------------------

std::vector<SessionEntry> SessionManager::getSessions() const {
  try {
    return loop_.call([this] {
      std::vector<SessionEntry> out;
      out.reserve(sessions_.size());
      auto now = options_.now();
      for (const auto& [key, slot] : sessions_) {
        SessionEntry e;
        e.key = key;
        e.rxBytes = slot.session->rxBytes();
        e.txBytes = slot.session->txBytes();
        e.uptime = std::chrono::duration_cast<std::chrono::nanoseconds>(now - slot.session->since());
        out.push_back(e);
      }
      return out;
    });
  } catch (const Error& e) {
    if (e.code() != Errc::Closed) throw;
    return {};
  }
}

std::optional<SessionManager::SessionState> SessionManager::sessionState(const PublicKey& key) const {
  try {
    return loop_.call([this, &key]() -> std::optional<SessionState> {
      auto it = sessions_.find(key);
      if (it == sessions_.end()) return std::nullopt;
      const Session& s = *it->second.session;
      SessionState st;
      st.localKeySeq = s.localKeySeq();
      st.remoteKeySeq = s.remoteKeySeq();
      st.sendNonce = s.sendNonce();
      st.recvNonce = s.recvNonce();
      st.seq = s.seq();
      st.rxBytes = s.rxBytes();
      st.txBytes = s.txBytes();
      st.ourSendKey = s.ourSendKey();
      st.remoteCurrent = s.remoteCurrent();
      st.remoteNext = s.remoteNext();
      return st;
    });
  } catch (const Error& e) {
    if (e.code() != Errc::Closed) throw;
    return std::nullopt;
  }
}

std::size_t SessionManager::sessionCount() const {
  try {
    return loop_.call([this] { return sessions_.size(); });
  } catch (const Error& e) {
    if (e.code() != Errc::Closed) throw;
    return 0;
  }
}

std::size_t SessionManager::pendingBufferCount() const {
  try {
    return loop_.call([this] { return buffers_.size(); });
  } catch (const Error& e) {
    if (e.code() != Errc::Closed) throw;
    return 0;
  }
}

void SessionManager::sync() const {
  try {
    loop_.call([] { return 0; });
  } catch (const Error& e) {
    if (e.code() != Errc::Closed) throw;
  }
}

void SessionManager::setSendNonceForTesting(const PublicKey& key, std::uint64_t nonce) {
  loop_.call([this, &key, nonce] {
    auto it = sessions_.find(key);
    if (it == sessions_.end()) throw Error(Errc::NotFound, "sessions: no session with " + key.hex());
    it->second.session->setSendNonceForTesting(nonce);
  });
}

SessionManager::Counters SessionManager::counters() const {
  Counters c;
  c.inboundDropped = inbound_.dropped();
  c.outboundDropped = outbound_.dropped();
  c.oversizeDropped = counters_.oversizeDropped.load(std::memory_order_relaxed);
  c.sessionsEvicted = counters_.sessionsEvicted.load(std::memory_order_relaxed);
  c.sessionsExpired = counters_.sessionsExpired.load(std::memory_order_relaxed);
  c.buffersEvicted = counters_.buffersEvicted.load(std::memory_order_relaxed);
  c.reactiveInitsSuppressed = counters_.reactiveInitsSuppressed.load(std::memory_order_relaxed);
  return c;
}

}  // namespace rtk::core::session
