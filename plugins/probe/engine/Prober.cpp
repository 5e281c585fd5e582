#include "Prober.hpp"

#include <future>
#include <map>
#include <set>

#include "TreePath.hpp"

namespace rtk::probe {

Prober::Prober(ProbeUpstream& upstream, ProbeOptions options, Log log)
    : upstream_(upstream),
      options_(options),
      log_(std::move(log)),
      flights_(std::make_shared<RemoteFlights>(upstream, options.remoteTimeout)) {}

Prober::~Prober() { close(); }

void Prober::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  wake_.notify_all();
  flights_->close();
}

Crawler::Clock::time_point Prober::deadline() const {
  if (options_.maxDuration.count() < 0) return Crawler::Clock::time_point::max();
  return Crawler::Clock::now() + options_.maxDuration;
}

bool Prober::pause(std::chrono::milliseconds d) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, d, [this] { return closed_; });
}

void Prober::crawl(CrawlOptions options, Crawler::Progress progress, Crawler::Done done) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) throw Error(Errc::Closed, "probe: closed");
  }
  if (options.maxNodes == 0) options.maxNodes = options_.maxTotalNodes;
  options.attempts = options_.remoteAttempts;
  Crawler::start(upstream_, flights_, options, deadline(), std::move(progress), std::move(done), log_);
}

CrawlResult Prober::tree(CrawlOptions options, Crawler::Progress progress) {
  auto promise = std::make_shared<std::promise<CrawlResult>>();
  auto future = promise->get_future();
  crawl(options, std::move(progress), [promise](CrawlResult r) { promise->set_value(std::move(r)); });
  return future.get();
}

std::vector<PublicKey> Prober::path(const PublicKey& key) const { return treePath(upstream_.tree(), key); }

namespace {
std::optional<std::vector<PublicKey>> knownPath(ProbeUpstream& upstream, const PublicKey& key) {
  try {
    return treePath(upstream.tree(), key);
  } catch (const Error&) {
    return std::nullopt;
  }
}
}  // namespace

TraceResult Prober::trace(const PublicKey& key) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) throw Error(Errc::Closed, "probe: closed");
  }
  const auto started = Crawler::Clock::now();
  const auto until = deadline();
  TraceResult r;
  r.self = upstream_.selfKey();
  r.target = key;
  auto path = knownPath(upstream_, key);
  auto coords = coordinatesOf(upstream_.paths(), key);
  if (key != r.self && !coords) {
    upstream_.lookup(key);
    r.lookupSent = true;
    auto lastLookup = Crawler::Clock::now();
    std::optional<Crawler::Clock::time_point> hopDeadline;
    for (;;) {
      if (!pause(options_.pollInterval)) {
        r.error = "probe: closed";
        break;
      }
      path = knownPath(upstream_, key);
      coords = coordinatesOf(upstream_.paths(), key);
      const auto now = Crawler::Clock::now();
      if (coords) break;  // with or without a tree path: the local tree may never hold it
      if (path) {
        if (!hopDeadline) hopDeadline = now + options_.hopWait;
        if (now >= *hopDeadline) break;
      }
      if (now >= until) {
        r.error = "probe: lookup timed out: no path to " + key.hex() + " within " +
                  std::to_string(options_.maxDuration.count()) + " ms";
        break;
      }
      if (now - lastLookup >= options_.lookupRetryEvery) {
        upstream_.lookup(key);
        lastLookup = now;
      }
    }
  }
  if (path) {
    for (const auto& k : *path) r.path.push_back(TracePathNode{k});
  }
  if (coords) {
    const bool aligned = path && path->size() == coords->size() + 1;
    for (std::size_t i = 0; i < coords->size(); ++i) {
      TraceHop h;
      h.index = i;
      h.port = (*coords)[i];
      if (aligned) {
        h.from = (*path)[i];
        h.to = (*path)[i + 1];
      }
      r.hops.push_back(h);
    }
    // Without the whole tree path, the ends are still known: the root (ours) and the target.
    if (!aligned && !r.hops.empty()) {
      if (auto ours = knownPath(upstream_, r.self)) r.hops.front().from = ours->front();
      r.hops.back().to = key;
    }
  }
  const auto peers = upstream_.upPeers();
  for (std::size_t i = 0; i < r.hops.size(); ++i) {
    TraceHop& h = r.hops[i];
    if (!h.from && i > 0 && r.hops[i - 1].to) h.from = r.hops[i - 1].to;
    if (!h.from || *h.from != r.self) continue;  // another node's port number means nothing here
    for (const auto& p : peers)
      if (p.port == h.port) h.localPeer = p.key;
    if (h.localPeer && !h.to) h.to = h.localPeer;  // leaving from us by that port reaches that peer
  }
  if (r.error.empty() || !r.path.empty() || !r.hops.empty()) measure(r, peers);
  r.elapsed = Crawler::Clock::now() - started;
  return r;
}

// Round trips of the path's nodes (not the root, not us) and of the target: link latency for our
// peers, a remote call for the rest, all at once.
void Prober::measure(TraceResult& r, const std::vector<LocalPeer>& peers) {
  std::map<PublicKey, std::chrono::nanoseconds> latency;
  for (const auto& p : peers)
    if (p.latency.count() > 0) latency[p.key] = p.latency;
  std::set<PublicKey> wanted;
  for (std::size_t i = 1; i < r.path.size(); ++i) wanted.insert(r.path[i].key);
  for (const auto& h : r.hops)
    if (h.to) wanted.insert(*h.to);
  if (r.target != r.self) wanted.insert(r.target);
  wanted.erase(r.self);

  struct Pending {
    std::mutex m;
    std::condition_variable cv;
    std::size_t left = 0;
    std::map<PublicKey, Outcome<RemoteReply>> replies;
  };
  auto pending = std::make_shared<Pending>();
  std::map<PublicKey, std::optional<std::chrono::nanoseconds>> rtt;
  std::set<PublicKey> failed;
  std::vector<PublicKey> remote;
  for (const auto& k : wanted) {
    if (auto it = latency.find(k); it != latency.end()) {
      rtt[k] = it->second;
    } else {
      remote.push_back(k);
    }
  }
  pending->left = remote.size();
  for (const auto& k : remote) {
    flights_->call(RemoteQuery::Self, k, [pending, k](const Outcome<RemoteReply>& reply) {
      std::lock_guard lock(pending->m);
      pending->replies[k] = reply;
      if (--pending->left == 0) pending->cv.notify_all();
    });
  }
  {
    std::unique_lock lock(pending->m);
    pending->cv.wait(lock, [&] { return pending->left == 0; });  // every call replies (timeout, close)
    for (const auto& [k, reply] : pending->replies) {
      if (reply.ok()) {
        rtt[k] = reply.value.rtt;
      } else {
        failed.insert(k);
        if (reply.error->code() == Errc::Refused && r.error.empty()) r.error = reply.error->what();
      }
    }
  }
  for (auto& n : r.path) {
    if (auto it = rtt.find(n.key); it != rtt.end()) n.rtt = it->second;
    n.unreachable = failed.count(n.key) > 0;
  }
  for (auto& h : r.hops)
    if (h.to)
      if (auto it = rtt.find(*h.to); it != rtt.end()) h.rtt = it->second;
  if (auto it = rtt.find(r.target); it != rtt.end()) r.rtt = it->second;
}

}  // namespace rtk::probe
