// Pathfinder — finds and remembers the coordinates of the nodes we send to
// (ironwood network/pathfinder.go).
//
//   rumor:  we want a path to (a transformed) key; lookups are throttled per
//           rumor, and the newest packet for it waits here.
//   lookup: multicast along the tree; the node whose transformed key matches
//           answers with a signed notify (seq = Unix seconds, re-signed at
//           most once per second).
//   path:   a verified notify for a rumor we hold; traffic to the key is then
//           routed greedily to those coordinates. The newest packet sent is
//           kept and re-sent when the path changes. A path-broken from the
//           network marks it broken and triggers a new (throttled) lookup.
//
// Paths and rumors expire pathTimeout after their last use. Router thread
// only.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/wire/PathBroken.hpp"
#include "core/wire/PathLookup.hpp"
#include "core/wire/PathNotify.hpp"
#include "core/wire/Traffic.hpp"
#include "ratatoskr/node_interface.hpp"

namespace rtk::core::router {

class Router;

class Pathfinder {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Pathfinder(Router& router) : router_(router) {}
  // Signs our initial (empty) notify info, as ironwood's init does.
  void init();

  void handleLookup(const PublicKey& fromKey, const wire::PathLookup& lookup);
  // `verified`: the notify's signature is known good (Peer checked it, or we
  // made it).
  void handleNotify(const PublicKey& fromKey, wire::PathNotify& notify, bool verified);
  void handleBroken(wire::PathBroken& broken);
  // Traffic we originate.
  void handleTraffic(wire::Traffic&& tr);
  // A node on the way had no next hop for our packet.
  void doBroken(const wire::Traffic& tr);
  // Traffic from `key` arrived: its path is in use.
  void resetTimeout(const PublicKey& key);
  // PacketNetwork::sendLookup.
  void rumorSendLookup(const PublicKey& dest);
  // Maintenance (once a second): a rumor still holding a packet asks again.
  // ironwood only looks up again when new traffic is written, and the
  // session layer may write nothing more: an ack to a session init is sent
  // once, and the peer re-sends the very same init, which is not acked
  // again. If that one lookup found no tree peer whose bloom filter held the
  // destination yet (filters spread one maintenance round per hop, lookups
  // at once), both sides waited until the peer's init buffer expired
  // (sessionTimeout, a minute). Throttled like every lookup; ends when the
  // path arrives or the rumor expires. Nothing changes on the wire.
  void retryPendingLookups();

  std::vector<PathEntry> snapshot() const;
  std::size_t rumorCount() const { return rumors_.size(); }

 private:
  struct PathInfo {
    wire::PortPath path;
    std::uint64_t seq = 0;
    Clock::time_point reqTime;
    Clock::time_point deadline;
    std::uint64_t timerGen = 0;
    std::optional<wire::Traffic> traffic;  // newest packet sent, re-sent on a path update
    bool broken = false;
  };
  struct Rumor {
    std::optional<wire::Traffic> traffic;  // newest packet waiting for a path
    Clock::time_point sendTime;
    Clock::time_point deadline;
    std::uint64_t timerGen = 0;
  };

  void sendLookup(const PublicKey& dest);
  // False when no rumor could be kept (limit reached).
  bool rumorLookup(const PublicKey& dest);
  void armPathTimer(const PublicKey& key, PathInfo& info);
  void armRumorTimer(const PublicKey& xform, Rumor& rumor);
  void onPathTimer(const PublicKey& key, std::uint64_t gen);
  void onRumorTimer(const PublicKey& xform, std::uint64_t gen);

  Router& router_;
  wire::PathNotifyInfo info_;  // our last signed coordinates
  std::unordered_map<PublicKey, PathInfo> paths_;
  std::unordered_map<PublicKey, Rumor> rumors_;  // keyed by transformed key
  std::uint64_t nextGen_ = 1;
};

}  // namespace rtk::core::router
