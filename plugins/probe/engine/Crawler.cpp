#include "Crawler.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "PeerKeysReply.hpp"

namespace rtk::probe {

namespace {

class CrawlRun : public std::enable_shared_from_this<CrawlRun> {
 public:
  CrawlRun(std::shared_ptr<RemoteFlights> flights, CrawlOptions options, Crawler::Clock::time_point deadline,
           Crawler::Progress progress, Crawler::Done done, Log log)
      : flights_(std::move(flights)), deadline_(deadline), progress_(std::move(progress)), done_(std::move(done)),
        log_(std::move(log)), started_(Crawler::Clock::now()) {
    result_.options = options;
  }

  void begin(const PublicKey& root, std::vector<LocalPeer> peers) {
    std::sort(peers.begin(), peers.end(), [](const LocalPeer& a, const LocalPeer& b) { return a.key < b.key; });
    {
      std::lock_guard lock(mutex_);
      result_.root = root;
      std::vector<CrawlNode> first;
      for (const auto& p : peers) {
        if (p.key == root || (!first.empty() && first.back().key == p.key)) continue;
        first.push_back(CrawlNode{p.key, root, 1, p.latency});
      }
      addLevelLocked(1, std::move(first));
    }
    pump();
  }

 private:
  int concurrency() const {
    int c = result_.options.concurrency;
    return c <= 0 ? kDefaultConcurrency : std::min(c, kMaxConcurrency);
  }

  // Adds a level's nodes (sorted by key), cut at maxNodes; decides whether it gets queried.
  void addLevelLocked(int depth, std::vector<CrawlNode> found) {
    const std::size_t room = result_.options.maxNodes - std::min(result_.options.maxNodes, result_.nodes.size());
    bool cut = false;
    if (found.size() > room) {
      found.resize(room);
      cut = true;
    }
    level_.clear();
    next_ = 0;
    for (auto& n : found) {
      visited_[n.key] = result_.nodes.size();
      level_.push_back(result_.nodes.size());
      result_.nodes.push_back(std::move(n));
    }
    if (!found.empty() || cut) {
      events_.push_back(CrawlLevel{depth, found.size(), result_.nodes.size(), cut});
    }
    result_.truncated = result_.truncated || cut;
    replies_.assign(level_.size(), {});
    attempts_.assign(level_.size(), 0);
    retry_.clear();
    if (found.empty() || cut || depth >= result_.options.maxDepth) level_.clear();
  }

  void endLevelLocked() {
    if (level_.empty()) {
      finished_ = true;
      return;
    }
    const int depth = result_.nodes[level_.front()].depth;
    std::map<PublicKey, PublicKey> seen;  // new key → parent
    for (std::size_t i = 0; i < level_.size(); ++i) {
      const PublicKey& parent = result_.nodes[level_[i]].key;
      for (const auto& k : replies_[i]) {
        if (k == result_.root || visited_.count(k) || seen.count(k)) continue;
        seen.emplace(k, parent);
      }
    }
    std::vector<CrawlNode> next;
    for (const auto& [key, parent] : seen) next.push_back(CrawlNode{key, parent, depth + 1});
    addLevelLocked(depth + 1, std::move(next));
    if (level_.empty()) finished_ = true;
  }

  void onReply(std::size_t slot, const Outcome<RemoteReply>& reply) {
    {
      std::lock_guard lock(mutex_);
      --outstanding_;
      ++result_.remoteCalls;
      const std::size_t node = level_.at(slot);
      CrawlNode& n = result_.nodes[node];
      n.queried = true;
      if (!reply.ok() && reply.error->code() == Errc::Timeout && attempts_[slot] < result_.options.attempts) {
        retry_.push_back(slot);  // asked again: a new message makes a real node look its path up again
      } else if (!reply.ok()) {
        n.rtt = std::chrono::nanoseconds(0);
        n.unreachable = true;
        const Errc code = reply.error->code();
        if ((code == Errc::Refused || code == Errc::Closed) && error_.empty()) error_ = reply.error->what();
      } else {
        n.rtt = reply.value.rtt;
        try {
          PeerKeys keys = parsePeerKeys(reply.value.json);
          if (keys.dropped) log_.warn("probe: ", n.key.hex(), " listed more than ", kMaxKeysPerReply, " peers; ", keys.dropped, " dropped");
          n.peers = keys.keys.size();
          replies_[slot] = std::move(keys.keys);
        } catch (const Error& e) {
          log_.warn("probe: peers of ", n.key.hex(), ": ", e.what());
          n.unreachable = true;
        }
      }
    }
    pump();
  }

  // One thread at a time runs the loop; others leave a note (again_) for it.
  void pump() {
    std::unique_lock lock(mutex_);
    if (pumping_) {
      again_ = true;
      return;
    }
    pumping_ = true;
    auto self = shared_from_this();
    for (;;) {
      again_ = false;
      if (!events_.empty() && progress_) {
        auto events = std::move(events_);
        events_.clear();
        lock.unlock();
        for (const auto& e : events) progress_(e);
        lock.lock();
        continue;
      }
      events_.clear();
      if (finished_) break;
      const bool stopping = !error_.empty() || Crawler::Clock::now() >= deadline_;
      if (stopping) {
        if (error_.empty()) error_ = "probe: the crawl's time limit passed";
        if (outstanding_ == 0) finished_ = true;
        if (finished_) continue;
      } else if ((next_ < level_.size() || !retry_.empty()) && outstanding_ < concurrency()) {
        std::size_t slot;
        if (!retry_.empty()) {
          slot = retry_.front();
          retry_.erase(retry_.begin());
        } else {
          slot = next_++;
        }
        ++attempts_[slot];
        ++outstanding_;
        const PublicKey key = result_.nodes[level_[slot]].key;
        lock.unlock();
        flights_->call(RemoteQuery::Peers, key, [self, slot](const Outcome<RemoteReply>& r) { self->onReply(slot, r); });
        lock.lock();
        continue;
      } else if (outstanding_ == 0 && next_ >= level_.size() && retry_.empty()) {
        endLevelLocked();
        continue;
      }
      if (!again_) break;
    }
    if (finished_ && !reported_) {
      reported_ = true;
      result_.error = error_;
      result_.levels.clear();
      for (const auto& n : result_.nodes) {
        if (result_.levels.empty() || result_.levels.back().depth != n.depth)
          result_.levels.push_back(CrawlLevel{n.depth, 0, 0, false});
        ++result_.levels.back().found;
      }
      std::size_t total = 0;
      for (auto& l : result_.levels) l.total = (total += l.found);
      if (result_.truncated && !result_.levels.empty()) result_.levels.back().truncated = true;
      result_.elapsed = Crawler::Clock::now() - started_;
      CrawlResult out = result_;
      lock.unlock();
      if (done_) done_(std::move(out));
      lock.lock();
    }
    pumping_ = false;
  }

  std::shared_ptr<RemoteFlights> flights_;
  const Crawler::Clock::time_point deadline_;
  Crawler::Progress progress_;
  Crawler::Done done_;
  Log log_;
  const Crawler::Clock::time_point started_;

  std::mutex mutex_;
  CrawlResult result_;
  std::map<PublicKey, std::size_t> visited_;         // key → index in result_.nodes
  std::vector<std::size_t> level_;                   // the level being queried (indices into nodes)
  std::vector<std::vector<PublicKey>> replies_;      // per slot of level_
  std::vector<int> attempts_;                        // calls made per slot of level_
  std::vector<std::size_t> retry_;                   // slots to ask again
  std::vector<CrawlLevel> events_;                   // progress not yet reported
  std::size_t next_ = 0;
  int outstanding_ = 0;
  std::string error_;
  bool pumping_ = false, again_ = false, finished_ = false, reported_ = false;
};

}  // namespace

void Crawler::start(ProbeUpstream& upstream, std::shared_ptr<RemoteFlights> flights, CrawlOptions options,
                    Clock::time_point deadline, Progress progress, Done done, Log log) {
  if (options.maxDepth < 1) {
    throw Error(Errc::InvalidArgument, "probe: maxDepth is required (1 = our peers, 2 = their peers, ...)");
  }
  const PublicKey root = upstream.selfKey();
  auto peers = upstream.upPeers();
  auto run = std::make_shared<CrawlRun>(std::move(flights), options, deadline, std::move(progress), std::move(done),
                                        std::move(log));
  run->begin(root, std::move(peers));
}

}  // namespace rtk::probe
