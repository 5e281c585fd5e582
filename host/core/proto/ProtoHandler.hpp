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
//
// Asynchronous queries (query, queryRemote) hold no thread: each is an entry
// in a table on the proto thread plus a timer on its EventLoop; the blocking
// calls are a query and a wait.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
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
  std::string nodeInfo() const;
  // Replaces it: NodeInfo::buildAtRunTime's rules with this handler's
  // privacy setting (Errc::InvalidArgument, Errc::MessageTooLarge; the old
  // value stays). Requests the proto thread handles after this returns are
  // answered with the new value. Errc::Closed after stop().
  void setNodeInfo(std::string_view userJson);

  // Low-level asynchronous form: `callback` runs on the proto thread with the
  // reply body (see ProtoDispatcher::request), at most once, and never when
  // the request expires unanswered. Errc::Closed after stop().
  void request(RequestKind kind, const PublicKey& key, RequestTable::Callback callback);

  // A request with a deadline: `done` runs exactly once on the proto thread
  // with the reply body (see ProtoDispatcher::request) and the time from this
  // call to the reply; or with Errc::Timeout once `timeout` has passed
  // (measured from this call); or with Errc::Closed when stop() comes first.
  // Throws Errc::Closed (and never calls `done`) after stop().
  using BodyCallback = std::function<void(Outcome<Bytes> body, std::chrono::nanoseconds rtt)>;
  void query(RequestKind kind, const PublicKey& key, std::chrono::milliseconds timeout, BodyCallback done);
  // DiagnosticInterface::queryRemote: query() with the body as JSON — the
  // NodeInfo object, the remote self object, or ["<key hex>", …].
  void queryRemote(RemoteQuery what, const PublicKey& key, std::chrono::milliseconds timeout,
                   DiagnosticInterface::RemoteCallback done);

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
    std::size_t queries = 0;                // query() calls not finished yet
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
  // ["<hex>", …] for the keys of a peers/tree reply body.
  static std::string keysJson(const Bytes& body);

 private:
  struct Query {
    RequestKind kind;
    PublicKey key;
    BodyCallback done;
    Clock::time_point start;
    std::chrono::milliseconds timeout;
    std::uint64_t waiterId = 0;      // the dispatcher's, once asked
    EventLoop::TimerId timer = 0;    // the deadline, once set
  };
  struct Inbound {
    PublicKey from;
    Bytes message;
  };
  Bytes waitFor(RequestKind kind, const PublicKey& key, std::chrono::milliseconds timeout,
                std::chrono::nanoseconds* rtt);
  Clock::time_point now() const { return now_ ? now_() : Clock::now(); }
  void scheduleSweep();
  // Proto thread.
  void startQuery(std::uint64_t id, Query query);
  void answerQuery(std::uint64_t id, const Bytes& body);
  void expireQuery(std::uint64_t id);
  void failQueries();
  static std::string describe(const Query& q);

  Log log_;
  mutable std::mutex nodeInfoMutex_;  // nodeInfo_ (the dispatcher has its own copy)
  std::string nodeInfo_;
  bool privacy_;
  std::function<Clock::time_point()> now_;
  std::chrono::milliseconds sweepInterval_;
  BoundedQueue<Inbound> inbox_;  // handleMessage → the proto thread, one drain task per batch
  std::atomic<bool> closed_{false};
  // Held while closed_ is set and while a query is posted, so every query
  // posted is ahead of the task that fails the unfinished ones at stop().
  std::mutex queriesMutex_;
  std::uint64_t nextQuery_ = 1;                        // guarded by queriesMutex_
  std::unordered_map<std::uint64_t, Query> queries_;   // proto thread only
  std::unique_ptr<ProtoDispatcher> dispatcher_;  // used on the loop thread only
  EventLoop loop_;                                // last: stops before the rest is destroyed
};

}  // namespace rtk::core::proto
