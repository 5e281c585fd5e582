// SessionManager — Ironwood's encrypted session layer (ironwood encrypted/,
// the sessionManager of session.go and the PacketConn of packetconn.go) over
// the router's PacketNetwork: end-to-end encrypted, authenticated messages
// between node keys.
//
// What it does, as the real node does:
// - writeTo with no session buffers the newest message per destination and
//   sends an init (fresh current/next box keys, keySeq 0, seq = unix
//   seconds); the buffer is dropped bufferTimeout after the last write.
// - An init creates or refreshes the session and is answered with an ack; an
//   ack creates or refreshes it silently. Either one sends the buffered
//   message once the session exists.
// - Traffic is sealed per message with an increasing nonce; the four
//   current/next x recv/send cases, replay rejection and the key ratchet are
//   Session's (Session.hpp).
// - Traffic for a session we do not have is answered with an init under
//   throwaway keys (we keep no state for an unauthenticated sender); traffic
//   we cannot place or open is answered with an init from the session.
// - A session is forgotten sessionTimeout after its last activity.
// - mtu() is the network's MTU minus kTrafficOverhead (79 bytes).
// What it adds: the bounds of SessionOptions (README.md, "Bounds").
//
// Threads: all session state lives on the EventLoop thread "rtk-session",
// where every box and signature operation runs. The router's traffic handler
// and writeTo only copy the packet into a bounded queue for that thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "core/crypto/Box.hpp"
#include "core/crypto/Ed25519.hpp"
#include "core/router/PacketNetwork.hpp"
#include "core/session/Session.hpp"
#include "core/session/SessionInit.hpp"
#include "core/session/SessionOptions.hpp"
#include "core/session/SessionTransport.hpp"
#include "core/util/BoundedQueue.hpp"
#include "core/util/EventLoop.hpp"
#include "ratatoskr/log.hpp"
#include "ratatoskr/node_interface.hpp"

namespace rtk::core::session {

class SessionManager final : public SessionTransport {
 public:
  using Clock = SessionOptions::Clock;

  // Starts the "rtk-session" thread and installs itself as `network`'s
  // traffic handler (so it must be built before peers are added). `network`
  // must outlive this object. Throws rtk::Error(InvalidArgument) for zero
  // bounds in `options`.
  SessionManager(const crypto::SigningKey& key, router::PacketNetwork& network, Log log,
                 SessionOptions options = {});
  // close()
  ~SessionManager() override;
  SessionManager(const SessionManager&) = delete;
  SessionManager& operator=(const SessionManager&) = delete;

  // SessionTransport. writeTo: any thread, never blocks; drops messages
  // above mtu() and, when the outbound queue is full, any message.
  void writeTo(const PublicKey& dest, OffsetBytes message) override;
  // Any thread; takes effect before it returns. The handler runs on the
  // session thread and must not block; it may call writeTo and the getters,
  // not close().
  void setReceiveHandler(ReceiveHandler handler) override;
  // Any thread: the network's MTU minus kTrafficOverhead (0 if smaller).
  std::uint64_t mtu() const override;

  // Any thread; waits for the session thread. One entry per session: the
  // remote key, message bytes received and sent, time since creation. Empty
  // after close().
  std::vector<SessionEntry> getSessions() const;

  // Stops accepting packets, runs what is queued, joins the thread.
  // Idempotent; any thread but the session thread.
  void close();

  // Totals since construction; any thread.
  struct Counters {
    std::uint64_t inboundDropped = 0;      // inbound queue full
    std::uint64_t outboundDropped = 0;     // outbound queue full
    std::uint64_t oversizeDropped = 0;     // writeTo above mtu()
    std::uint64_t sessionsEvicted = 0;     // maxSessions reached
    std::uint64_t sessionsExpired = 0;     // sessionTimeout passed
    std::uint64_t buffersEvicted = 0;      // maxBuffers / maxBufferedBytes reached
    std::uint64_t reactiveInitsSuppressed = 0;  // rate limit of inits sent in reaction to traffic
  };
  Counters counters() const;

  // Diagnostics for tests and debugging; any thread, waits for the session
  // thread. nullopt when there is no session with `key` (or after close()).
  struct SessionState {
    std::uint64_t localKeySeq = 0, remoteKeySeq = 0, sendNonce = 0, recvNonce = 0, seq = 0;
    std::uint64_t rxBytes = 0, txBytes = 0;
    crypto::BoxPublicKey ourSendKey, remoteCurrent, remoteNext;
  };
  std::optional<SessionState> sessionState(const PublicKey& key) const;
  std::size_t sessionCount() const;
  std::size_t pendingBufferCount() const;
  // Returns once everything posted to the session thread before the call has run.
  void sync() const;
  // Tests only: sets a session's send nonce (to exercise its wrap-around).
  void setSendNonceForTesting(const PublicKey& key, std::uint64_t nonce);

 private:
  struct SessionSlot {
    std::unique_ptr<Session> session;
    crypto::BoxPublicKey remoteBox;  // X25519 form of the remote key, for inits and acks
    std::uint64_t id = 0;
    EventLoop::TimerId timer = 0;
    bool active = false;  // has carried traffic; decides which LRU list it is on
    std::list<PublicKey>::iterator lru;
  };
  struct PendingBuffer {
    SessionInit init;
    crypto::BoxKeyPair current, next;  // the pairs init announces
    OffsetBytes data;
    bool hasData = false;
    Clock::time_point lastWrite;
    std::uint64_t id = 0;
    EventLoop::TimerId timer = 0;
    std::list<PublicKey>::iterator lru;
  };
  struct Gate;

  // Entry points, posted to the session thread.
  void onPacket(const PublicKey& source, Bytes data);
  void onWrite(const PublicKey& dest, OffsetBytes message);

  void handleInit(const PublicKey& source, const SessionInit& init, bool isAck);
  void handleTraffic(const PublicKey& source, Bytes data);
  // The session for an init/ack from `source`, created if needed (adopting
  // and returning our pending buffer for `source`, if any).
  SessionSlot& sessionForInit(const PublicKey& source, const SessionInit& init, std::optional<PendingBuffer>& adopted);
  void sendSealed(SessionSlot& slot, OffsetBytes message);
  void sendSessionInit(SessionPacketType type, SessionSlot& slot);
  void sendInitPacket(SessionPacketType type, const PublicKey& dest, const crypto::BoxPublicKey& destBox,
                      const SessionInit& init);
  void bufferAndInit(const PublicKey& dest, OffsetBytes message);
  void deliver(const PublicKey& source, OffsetBytes message);
  bool takeReactiveInitToken();

  void touch(SessionSlot& slot);
  void eraseSession(std::map<PublicKey, SessionSlot>::iterator it);
  void evictOneSession();
  void armSessionTimer(const PublicKey& key, SessionSlot& slot, Clock::duration delay);
  void onSessionTimer(const PublicKey& key, std::uint64_t id);
  // Removes a buffer (timer, LRU entry, byte count) and returns it.
  PendingBuffer takeBuffer(std::map<PublicKey, PendingBuffer>::iterator it);
  void eraseBuffer(std::map<PublicKey, PendingBuffer>::iterator it);
  void armBufferTimer(const PublicKey& key, PendingBuffer& buf, Clock::duration delay);
  void onBufferTimer(const PublicKey& key, std::uint64_t id);

  // A packet for or from `key`, queued for the session thread.
  struct Queued {
    PublicKey key;
    OffsetBytes data;  // outbound: with headroom for the session header
  };
  void drainInbound();
  void drainOutbound();

  const crypto::SigningKey key_;
  const crypto::BoxSecretKey boxSecret_;
  router::PacketNetwork& network_;
  Log log_;
  SessionOptions options_;

  // Session-thread state.
  ReceiveHandler handler_;
  std::map<PublicKey, SessionSlot> sessions_;
  std::list<PublicKey> idleLru_, activeLru_;  // front = least recently used
  std::map<PublicKey, PendingBuffer> buffers_;
  std::list<PublicKey> bufferLru_;
  std::size_t bufferedBytes_ = 0;
  std::uint64_t nextId_ = 1;
  double initTokens_ = 0;
  Clock::time_point initTokensAt_{};

  std::vector<Queued> inboundBatch_, outboundBatch_;

  // Any-thread state. Each queued packet costs its size + kQueueEntryCost.
  BoundedQueue<Queued> inbound_, outbound_;
  struct AtomicCounters {
    std::atomic<std::uint64_t> oversizeDropped{0}, sessionsEvicted{0},
        sessionsExpired{0}, buffersEvicted{0}, reactiveInitsSuppressed{0};
  } counters_;
  std::shared_ptr<Gate> gate_;

  // Last: the thread starts once everything above exists.
  mutable EventLoop loop_;
};

}  // namespace rtk::core::session
