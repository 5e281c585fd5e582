// ManagerOptions — peermgr's settings once checked (Settings.cpp builds them
// from Modules.peermgr; README.md lists the names, defaults and limits).
#pragma once

#include <chrono>
#include <cstddef>

namespace rtk::peermgr {

struct ManagerOptions {
  std::size_t maxPerProto = 1;                           // winners per scheme
  std::chrono::milliseconds probeTimeout{10000};         // one probe's limit; a round is at most this (+ queueing)
  std::chrono::milliseconds refreshInterval{0};          // 0: no scheduled refresh
  std::size_t batchSize = 64;                            // probes at once, and unmanaged candidates per cycle
  std::size_t probeSamples = 3;                          // handshakes per candidate per cycle; the fastest counts
  bool passive = false;                                  // add every candidate, remove none
  std::size_t minPeers = 0;                              // 0: off
  std::chrono::milliseconds healthInterval{10000};       // 0: no health checks
  std::size_t minPeersConfirmations = 3;                 // checks at or under MinPeers before a refill
  std::chrono::milliseconds reprobeInterval{1800000};    // hold-off for reachable losers; 0: none
  std::chrono::milliseconds maxFailureBackoff{600000};   // cap of ProbeTimeout × 2^failures
};

}  // namespace rtk::peermgr
