// ProtoHandler — NodeInfo and the debug protocol, on their own thread.
//
// Owns a ProtoDispatcher and the "rtk-proto" EventLoop it runs on. The node
// core hands it every session message whose first byte is 0x02 (proto);
// NodeInterface::getNodeInfo and remoteGetSelf/Peers/Tree call the blocking
// functions below; the admin socket turns their results into yggdrasilctl's
// output with the *AdminResponse functions.
//
// Message framing: see ProtoDispatcher (the 0x02 session type byte is part of
// every message in and out).
//
// Lifetime: hooks must stay callable until stop() returns; the destructor
// stops. Hooks run on the proto thread and may block briefly (asking the
// router for its tree), but must not call back into this object's blocking
// functions.
//
// Thread-safety: every public function may be called from any thread, except
// that the blocking ones (getNodeInfo, remoteGet*) must not be called on the
// proto thread itself (Errc::InvalidArgument; it would deadlock).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/proto/ProtoDispatcher.hpp"
#include "core/util/BoundedQueue.hpp"
#include "core/util/EventLoop.hpp"
#include "ratatoskr/log.hpp"
#include "ratatoskr/node_interface.hpp"

namespace rtk::core::proto {

class ProtoHandler {
 public:
  using Clock = std::chrono::steady_clock;
  using Hooks = ProtoDispatcher::Hooks;

  struct Options {
    std::string nodeInfo = "{}";  // NodeConfig::nodeInfo
    bool nodeInfoPrivacy = false; // NodeConfig::nodeInfoPrivacy
    ProtoDispatcher::Limits limits;
    // How often expired requests are swept away (yggdrasil: 30 s). Replies
    // past the expiry are ignored whenever the sweep runs.
    std::chrono::milliseconds sweepInterval{30000};
    // Inbound messages queued for the proto thread beyond this are dropped.
    std::size_t maxQueuedMessages = 4096;
    // The clock request expiry is measured with (tests substitute their own).
    std::function<Clock::time_point()> now;
  };

  // Builds our NodeInfo (rtk::Error(Errc::Config) when it is not an object
  // or exceeds 16384 bytes) and starts the proto thread.
  // Errc::InvalidArgument when a hook is missing.
  ProtoHandler(Hooks hooks, Options options, Log log);
  ~ProtoHandler();
  ProtoHandler(const ProtoHandler&) = delete;
  ProtoHandler& operator=(const ProtoHandler&) = delete;

  // Stops the thread; blocked callers fail at once with Errc::Closed and
  // later calls throw Errc::Closed. Idempotent.
  void stop();

  // A session message from `from` (first byte 0x02). Non-blocking: queued for
  // the proto thread; dropped when the queue is full or after stop().
  void handleMessage(const PublicKey& from, Bytes message);

  // Our NodeInfo as sent to others (compact JSON).
  const std::string& nodeInfo() const { return nodeInfo_; }

  // Asynchronous forms: `callback` runs on the proto thread with the reply
  // body (see ProtoDispatcher::request), at most once, and never when the
  // request expires unanswered. Errc::Closed after stop().
  void request(RequestKind kind, const PublicKey& key, RequestTable::Callback callback);

  // Blocking forms. Each sends one request (re-sending to a key that already
  // has one pending, as yggdrasil does) and waits up to `timeout`:
  // Errc::Timeout when no reply came, Errc::Closed when stopped meanwhile.
  NodeInfoReply getNodeInfo(const PublicKey& key, std::chrono::milliseconds timeout);
  // The remote getSelf object, e.g. {"key":"…","routing_entries":"12"}.
  std::string remoteGetSelf(const PublicKey& key, std::chrono::milliseconds timeout);
  std::vector<PublicKey> remoteGetPeers(const PublicKey& key, std::chrono::milliseconds timeout);
  std::vector<PublicKey> remoteGetTree(const PublicKey& key, std::chrono::milliseconds timeout);

  // Sweeps expired requests now, on the proto thread, and returns once done.
  void expireNow();
  // Snapshot of the dispatcher's counters plus queue drops.
  struct Stats {
    ProtoDispatcher::Counters dispatcher;
    std::uint64_t queueDrops = 0;
    std::size_t pending[4] = {0, 0, 0, 0};  // indexed by RequestKind
  };
  Stats stats();

  // ---- what the admin socket answers (yggdrasil core/proto.go, nodeinfo.go)

  // getNodeInfo: {"<keyHex>": <nodeinfo>}. keyHex is the key as the request
  // gave it, re-encoded as lowercase hex. nullopt when nodeInfo is not JSON.
  static std::optional<std::string> nodeInfoAdminResponse(std::string_view keyHex, std::string_view nodeInfo);
  // debug_remoteGetSelf: {"<address of key>": <self object>}.
  static std::optional<std::string> selfAdminResponse(const PublicKey& key, std::string_view selfJson);
  // debug_remoteGetPeers / debug_remoteGetTree:
  // {"<address of key>": {"keys": ["<hex>", …]}}, or {"<address>": {}} when
  // the list is empty (yggdrasil builds the inner object from a map that
  // only gets "keys" when there is one).
  static std::string keysAdminResponse(const PublicKey& key, const std::vector<PublicKey>& keys);
  // The keys in a peers/tree reply body (whole 32-byte keys only).
  static std::vector<PublicKey> splitKeys(const Bytes& body);

 private:
  struct Waiter;
  struct Inbound {
    PublicKey from;
    Bytes message;
  };
  Bytes waitFor(RequestKind kind, const PublicKey& key, std::chrono::milliseconds timeout,
                std::chrono::nanoseconds* rtt);
  Clock::time_point now() const { return now_ ? now_() : Clock::now(); }
  void scheduleSweep();

  Log log_;
  std::string nodeInfo_;
  std::function<Clock::time_point()> now_;
  std::chrono::milliseconds sweepInterval_;
  BoundedQueue<Inbound> inbox_;  // handleMessage → the proto thread, one drain task per batch
  std::atomic<bool> closed_{false};
  std::mutex waitersMutex_;
  std::set<std::shared_ptr<Waiter>> waiters_;
  std::unique_ptr<ProtoDispatcher> dispatcher_;  // used on the loop thread only
  EventLoop loop_;                                // last: stops before the rest is destroyed
};

}  // namespace rtk::core::proto
