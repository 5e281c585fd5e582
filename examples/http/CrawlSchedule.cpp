#include "CrawlSchedule.hpp"

#include <algorithm>
#include <vector>

namespace rtk::example {

CrawlSchedule::CrawlSchedule(Node& node, CrawlLimits limits, std::chrono::seconds every)
    : node_(node), crawl_(node, limits), every_(every) {}

CrawlSchedule::~CrawlSchedule() { stop(); }

void CrawlSchedule::start() { thread_.start("rtk-http-crawl", [this] { loop(); }); }

void CrawlSchedule::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  crawl_.stop();
  thread_.join();
}

std::string CrawlSchedule::latestJson() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

std::string CrawlSchedule::upPeerKeys() const {
  std::vector<std::string> keys;
  for (const auto& p : node_.getPeers())
    if (p.up) keys.push_back(p.key.hex());
  std::sort(keys.begin(), keys.end());
  std::string joined;
  for (const auto& k : keys) joined += k + ",";
  return joined;
}

void CrawlSchedule::loop() {
  std::string crawledPeers = "never crawled";
  auto lastCrawl = std::chrono::steady_clock::now();
  for (;;) {
    const std::string peers = upPeerKeys();
    if (peers != crawledPeers || std::chrono::steady_clock::now() - lastCrawl >= every_) {
      crawledPeers = peers;
      lastCrawl = std::chrono::steady_clock::now();
      try {
        json::Value result = crawl_.run();
        result.set("finished_unix", static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(
                                                                std::chrono::system_clock::now().time_since_epoch())
                                                                .count()));
        std::lock_guard lock(mutex_);
        latest_ = result.dump();
      } catch (const Error& e) {
        json::Value failed = json::Value::object();
        failed.set("error", std::string("crawl failed: ") + e.what());
        std::lock_guard lock(mutex_);
        latest_ = failed.dump();
      }
    }
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) return;
  }
}

}  // namespace rtk::example
