// ProtoDispatcher — the state machine of yggdrasil's in-band protocol
// (core/proto.go, core/nodeinfo.go): answers NodeInfo and debug requests
// from remote nodes and matches their replies to our pending requests.
//
// Messages in both directions are whole session messages: the first byte is
// yggdrasil's session type 0x02 (proto), as SessionTransport::writeTo sends
// and delivers them (see ProtoTypes.hpp). The node core demultiplexes on that
// byte and hands proto messages over unchanged; the dispatcher puts it in
// front of everything it sends.
//
// Malformed input is dropped and counted: an empty message, a wrong session
// type, an unknown proto or debug type, a reply nobody asked for (or asked
// for over a minute ago), a NodeInfo or getSelf reply that is not valid JSON.
// Trailing bytes after a request are ignored and a trailing partial key in a
// peers/tree reply is cut off, as yggdrasil does.
//
// Thread-safety: none. ProtoHandler owns one and uses it on the proto
// thread only; tests and the fuzzer drive it directly. Hooks are called on
// the calling thread; exceptions they throw are logged and the message
// dropped.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/proto/ProtoTypes.hpp"
#include "core/proto/RequestTable.hpp"
#include "core/util/Bytes.hpp"
#include "ratatoskr/log.hpp"
#include "ratatoskr/node_interface.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::core::proto {

class ProtoDispatcher {
 public:
  using Clock = std::chrono::steady_clock;

  struct Hooks {
    // Sends one session message (first byte 0x02) to `dest`: the session
    // layer's writeTo. Must not block.
    std::function<void(const PublicKey& dest, Bytes message)> send;
    // This node's key and routing table size (getSelf).
    std::function<SelfInfo()> getSelf;
    // Keys of the connected peers, in the router's order (getPeers).
    std::function<std::vector<PublicKey>()> getPeerKeys;
    // Keys of the spanning-tree entries this node knows, itself included (getTree).
    std::function<std::vector<PublicKey>()> getTreeKeys;
    // yggdrasil's core MTU: the session MTU minus the session type byte,
    // capped at 65535. Debug key lists are trimmed to fit it.
    std::function<std::uint64_t()> mtu;
  };

  struct Limits {
    std::size_t maxPendingKeys = 1024;   // per request kind
    std::size_t maxWaitersPerKey = 32;
    Clock::duration expiry = std::chrono::minutes(1);
  };

  struct Counters {
    std::uint64_t received = 0;          // messages handed to handleMessage
    std::uint64_t dropped = 0;           // malformed, unknown or unsolicited
    std::uint64_t requestsAnswered = 0;  // NodeInfo and debug requests we replied to
    std::uint64_t repliesMatched = 0;    // replies that answered a pending request
  };

  // Throws rtk::Error(Errc::InvalidArgument) when a hook is missing.
  ProtoDispatcher(Hooks hooks, std::string nodeInfo, Limits limits, Log log);

  void handleMessage(const PublicKey& from, ByteView message, Clock::time_point now);

  // Sends a request of `kind` to `key` and registers `callback` for its
  // reply; returns the waiter id for removeWaiter(). The callback receives
  // the reply body: the NodeInfo JSON, the getSelf JSON, or the raw key
  // bytes of a peers/tree reply (a multiple of 32 bytes).
  std::uint64_t request(RequestKind kind, const PublicKey& key, RequestTable::Callback callback,
                        Clock::time_point now);
  void removeWaiter(RequestKind kind, const PublicKey& key, std::uint64_t id);
  void expire(Clock::time_point now);
  void clear();

  const std::string& nodeInfo() const { return nodeInfo_; }
  // Requests handled from now on are answered with `nodeInfo` (built JSON).
  void setNodeInfo(std::string nodeInfo) { nodeInfo_ = std::move(nodeInfo); }
  const Counters& counters() const { return counters_; }
  const RequestTable& table(RequestKind kind) const;

  // The getSelf reply body: {"key":"<hex>","routing_entries":"<decimal>"},
  // the members as strings, exactly as yggdrasil writes it.
  static std::string selfReplyBody(const SelfInfo& self);
  // Keys back to back, as many as fit: 2 + 32·n <= mtu (core/proto.go).
  static Bytes keysReplyBody(const std::vector<PublicKey>& keys, std::uint64_t mtu);

 private:
  RequestTable& tableFor(RequestKind kind);
  void send(const PublicKey& dest, std::initializer_list<std::uint8_t> header, ByteView body);
  void answer(RequestKind kind, const PublicKey& from, ByteView body, Clock::time_point now);
  void drop(const PublicKey& from, const char* why);

  Hooks hooks_;
  std::string nodeInfo_;
  Log log_;
  RequestTable nodeInfoRequests_, selfRequests_, peersRequests_, treeRequests_;
  Counters counters_;
};

}  // namespace rtk::core::proto
