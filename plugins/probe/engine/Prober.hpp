// Prober — the probe engine: crawls, tree paths and route traces over one
// ProbeUpstream, sharing one RemoteFlights (single flight per key, at most
// 256 distinct remote calls, no thread per call).
//
// crawl() is asynchronous (Crawler); tree(), path() and trace() block the
// calling thread (an admin client's, a service caller's) and return at the
// latest at maxDuration, or at once when close() is called.
//
// trace(key): the target's tree path from the local tree and its
// coordinates from getPaths. When neither is known a lookup is sent and the
// paths polled every pollInterval (the lookup repeated every
// lookupRetryEvery) until both are, or coordinates without a tree path (the
// local tree holds only our and our peers' ancestries), or maxDuration
// ("lookup timed out", partial result). A tree path without coordinates
// waits at most hopWait for them. Then round trips: our direct peers by link
// latency, every other node of the path and the target by a remote call,
// all at once.
// Thread-safety: every function from any thread, concurrently.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>

#include "Crawler.hpp"
#include "ProbeTypes.hpp"
#include "ProbeUpstream.hpp"
#include "RemoteFlights.hpp"
#include "ratatoskr/log.hpp"

namespace rtk::probe {

struct ProbeOptions {
  std::size_t maxTotalNodes = 4096;
  std::chrono::milliseconds pollInterval{200};
  std::chrono::milliseconds lookupRetryEvery{1000};
  std::chrono::milliseconds maxDuration{300000};  // negative: no limit
  std::chrono::milliseconds remoteTimeout{6000};  // each remote call (yggdrasil's own gives up at 6 s)
  std::chrono::milliseconds hopWait{2000};
  int remoteAttempts = 2;  // a crawl's calls per node when they time out
};

class Prober {
 public:
  Prober(ProbeUpstream& upstream, ProbeOptions options, Log log);
  ~Prober();
  Prober(const Prober&) = delete;
  Prober& operator=(const Prober&) = delete;

  // options.maxNodes 0: the configured MaxTotalNodes. Errc::InvalidArgument
  // (maxDepth), Errc::Closed after close().
  void crawl(CrawlOptions options, Crawler::Progress progress, Crawler::Done done);
  CrawlResult tree(CrawlOptions options, Crawler::Progress progress = {});
  std::vector<PublicKey> path(const PublicKey& key) const;
  TraceResult trace(const PublicKey& key);

  // Refuses new work and ends what waits (partial results, "closed"). Idempotent.
  void close();
  RemoteFlights::Counters counters() const { return flights_->counters(); }
  const ProbeOptions& options() const { return options_; }

 private:
  Crawler::Clock::time_point deadline() const;
  bool pause(std::chrono::milliseconds d);  // false when closed
  void measure(TraceResult& r, const std::vector<LocalPeer>& peers);

  ProbeUpstream& upstream_;
  ProbeOptions options_;
  Log log_;
  std::shared_ptr<RemoteFlights> flights_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool closed_ = false;
};

}  // namespace rtk::probe
