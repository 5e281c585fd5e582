// Crawler — a breadth-first crawl of the network from this node over remote
// peers queries (debug_remoteGetPeers), driven by replies: no thread of its
// own, at most `concurrency` calls out at once.
//
// Depth 1 is our up peers (sorted by key, RTT = link latency). Each further
// level asks every node of the level before for its peers; a node seen
// for the first time joins the next level with, as parent, the first node in
// key order of the level before whose reply listed it (so the result does not
// depend on reply timing). A call that times out is made again, up to
// `attempts` calls per node (a real node answers a first contact only once
// its own lookup succeeds, and looks up again only for a new message). A
// queried node's RTT becomes its last call's round trip (0 and `unreachable`
// when every call failed). The crawl stops at maxDepth
// (the last level is not queried), at an empty level, or at maxNodes (the
// next level cut in key order, `truncated`); busy, close and the deadline end
// it early with a partial result and `error`.
//
// `progress` runs once per non-empty level, `done` once at the end; both on
// the thread of the reply that completed them (or the caller's), never two at
// once, never under a lock.
// Thread-safety: start() from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "ProbeTypes.hpp"
#include "ProbeUpstream.hpp"
#include "RemoteFlights.hpp"
#include "ratatoskr/log.hpp"

namespace rtk::probe {

class Crawler {
 public:
  using Clock = std::chrono::steady_clock;
  using Progress = std::function<void(const CrawlLevel&)>;
  using Done = std::function<void(CrawlResult)>;

  // Errc::InvalidArgument (thrown, nothing started) when maxDepth < 1.
  static void start(ProbeUpstream& upstream, std::shared_ptr<RemoteFlights> flights, CrawlOptions options,
                    Clock::time_point deadline, Progress progress, Done done, Log log);
};

}  // namespace rtk::probe
