// CrawlSchedule — keeps one recent crawl of the network for the web UI.
//
// A named thread (rtk-http-crawl) crawls at start, every `every`, and at
// once when the set of our up peers changes (checked each second), so a
// page that refreshes every few seconds never starts a crawl itself: any
// number of readers share the last result, and at most one crawl runs.
// Thread-safety: latestJson() from any thread; start/stop from the owner.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

#include "NetworkCrawl.hpp"
#include "ratatoskr/thread.hpp"

namespace rtk::example {

class CrawlSchedule {
 public:
  CrawlSchedule(Node& node, CrawlLimits limits, std::chrono::seconds every);
  ~CrawlSchedule();  // stop()
  CrawlSchedule(const CrawlSchedule&) = delete;
  CrawlSchedule& operator=(const CrawlSchedule&) = delete;

  void start();
  // Ends a crawl in progress and joins the thread. Idempotent.
  void stop();
  // The last crawl (NetworkCrawl::run's object plus "finished_unix"), or
  // {"pending":true} before the first one ends.
  std::string latestJson() const;

 private:
  void loop();
  std::string upPeerKeys() const;

  Node& node_;
  NetworkCrawl crawl_;
  std::chrono::seconds every_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::string latest_ = "{\"pending\":true}";
  Thread thread_;
};

}  // namespace rtk::example
