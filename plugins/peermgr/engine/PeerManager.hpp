// PeerManager — peermgr's engine: keeps the best MaxPerProto candidates per
// scheme as the node's peers, by measured round trip, and keeps them healthy.
//
// Active mode, one cycle (plugins.md §2.3, with probes instead of
// add-then-remove):
//   1. the list: every managed peer, plus up to BatchSize unmanaged
//      candidates taken round-robin from a cursor kept across cycles,
//      skipping those in failure back-off and (normal cycles) those in the
//      reprobe hold-off;
//   2. each is probed (a link handshake that adds no peer) ProbeSamples
//      times in a row, keeping the fastest, at most BatchSize candidates at
//      once, each handshake within ProbeTimeout; a managed peer whose
//      probe fails but whose link is up keeps its last round trip;
//   3. per scheme the fastest MaxPerProto win (refill cycles: managed peers
//      that are up stay, and only the vacant slots are filled);
//   4. winners not yet managed are added, managed losers removed;
//   5. reachable losers wait ReprobeInterval before they are probed again
//      in a normal cycle; failed ones back off ProbeTimeout × 2^failures,
//      at most 10 min.
// Cycles: one at start, one every RefreshInterval, one per Optimize().
// Health (every HealthInterval): no managed peer up → an outage cycle at once
// (hold-off ignored); at most MinPeers up for MinPeersConfirmations checks
// in a row → a refill cycle. A peer added less than one ProbeTimeout ago
// and neither seen up nor failed yet counts as up (its link is still
// coming up).
// Passive mode: every cycle adds each candidate the node does not have;
// nothing is probed or removed; no health checks.
// stop(): the thread ends (an unfinished probe round is abandoned), then
// every managed peer is removed.
//
// Threads: one, "rtk-peermgr", started by start(), joined by stop(); the
// node calls run on it; probe answers arrive on the plugin's callback thread.
// active(), snapshot() and optimize() from any thread; optimize() blocks
// until a cycle that began after the call has ended (Errc::Closed once
// stop() has begun).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "CandidateList.hpp"
#include "ManagerOptions.hpp"
#include "ProbeRound.hpp"
#include "ratatoskr/json.hpp"
#include "ratatoskr/log.hpp"
#include "ratatoskr/node_interface.hpp"
#include "ratatoskr/thread.hpp"

namespace rtk::peermgr {

class PeerManager {
 public:
  enum class CycleKind { Normal, Outage, Refill };

  PeerManager(PeerInterface& peers, std::vector<Candidate> candidates, ManagerOptions options, Log log);
  ~PeerManager();
  PeerManager(const PeerManager&) = delete;
  PeerManager& operator=(const PeerManager&) = delete;

  void start();
  void stop();

  // The managed peers' URIs as added (with their query).
  std::vector<std::string> active() const;
  void optimize();
  // State for getManagedPeers and the service (README.md shows the shape).
  json::Value snapshot() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct State {
    bool managed = false;
    Clock::time_point addedAt{};
    bool seenUp = false;  // a health check saw its link up since it was added
    std::size_t failures = 0;
    Clock::time_point backoffUntil{}, holdUntil{};
    std::optional<std::chrono::nanoseconds> rtt;  // last successful probe
    std::string lastError;
    std::uint64_t probes = 0;
  };
  struct LinkView {
    bool present = false, up = false;
    bool failed = false;  // present, down, with an error: not merely still coming up
  };

  void run();
  void runCycle(CycleKind kind);
  void activeCycle(CycleKind kind);
  void passiveCycle();
  // Health check; returns the cycle it calls for, if any.
  std::optional<CycleKind> checkHealth();
  std::vector<LinkView> linkViews() const;  // by candidate index; throws what getPeers throws
  std::vector<std::size_t> pickCandidates(CycleKind kind, Clock::time_point now);
  void applyWinners(const std::vector<std::size_t>& list, const std::vector<ProbeAnswer>& answers,
                    const std::vector<std::size_t>& winners, Clock::time_point now);
  bool tryAdd(std::size_t i);
  bool tryRemove(std::size_t i);
  void removeAllManaged();
  // Added less than a ProbeTimeout ago and not seen up yet: its link is still coming up.
  bool comingUp(const State& s, Clock::time_point now) const;
  static const char* kindName(CycleKind kind);

  PeerInterface& peers_;
  const std::vector<Candidate> candidates_;
  const ManagerOptions options_;
  Log log_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<State> states_;  // by candidate index
  std::size_t cursor_ = 0;
  bool stopping_ = false, started_ = false;
  std::uint64_t optimizeWanted_ = 0, optimizeDone_ = 0;
  std::condition_variable optimized_;
  std::shared_ptr<ProbeRound> round_;  // the round in progress, for stop()
  std::size_t confirmations_ = 0;
  // Figures for snapshot().
  std::uint64_t cycles_ = 0;
  std::size_t peakProbes_ = 0;
  json::Value lastCycle_;
  Thread thread_;
};

}  // namespace rtk::peermgr
