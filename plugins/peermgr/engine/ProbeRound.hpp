// ProbeRound — probes a list of URIs through PeerInterface::probePeer (a
// link handshake without adding a peer), never more than `maxInFlight` at
// once: the next one starts when one finishes. Each URI is probed up to
// `samples` times in a row and keeps its lowest round trip: one handshake
// on a loaded machine can be late by more than the differences it ranks.
//
// run() blocks its caller until every probe has answered or cancel() was
// called; the answers (round trip or error) come back in the order given.
// Callbacks hold the round's shared state, not the round, so an answer that
// arrives after run() returned (cancelled) touches nothing else.
// Thread-safety: run() on one thread; cancel() and the callbacks from any.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ratatoskr/node_interface.hpp"

namespace rtk::peermgr {

struct ProbeAnswer {
  bool answered = false;              // false: cancelled before it answered
  bool ok = false;
  std::chrono::nanoseconds rtt{0};    // ok: the handshake's round trip (at least 1 ns)
  std::string error;                  // !ok
};

class ProbeRound {
 public:
  // samples: probes per URI, one after the other (the best round trip
  // counts; a failure ends that URI's turn).
  ProbeRound(PeerInterface& peers, std::size_t maxInFlight, std::chrono::milliseconds timeout, std::size_t samples = 1);

  std::vector<ProbeAnswer> run(const std::vector<std::string>& uris);
  void cancel();
  // The most probes this round had in flight at once.
  std::size_t peakInFlight() const;

 public:
  struct Shared {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<ProbeAnswer> answers;
    std::size_t inFlight = 0;
    std::size_t answeredCount = 0;
    std::size_t peak = 0;
    bool cancelled = false;
  };

 private:
  PeerInterface& peers_;
  std::size_t maxInFlight_;
  std::chrono::milliseconds timeout_;
  std::size_t samples_;
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
};

}  // namespace rtk::peermgr
