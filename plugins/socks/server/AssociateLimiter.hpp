// AssociateLimiter — the UDP ASSOCIATE target caps shared by every
// association of one server: MaxAssociateTargets in total and
// MaxAssociateTargetsPerPrincipal per user ("user:<name>") or client
// address ("ip:<address>", "unix"). The per-association cap is the
// association's own.
// Thread-safety: any thread.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

namespace rtk::plugins::socks {

class AssociateLimiter {
 public:
  // perPrincipal 0: no cap per principal.
  AssociateLimiter(std::size_t total, std::size_t perPrincipal) : total_(total), perPrincipal_(perPrincipal) {}

  // Takes one slot for `principal`; false (nothing taken) when a cap is reached.
  bool tryAcquire(const std::string& principal) {
    std::lock_guard lock(mutex_);
    if (used_ >= total_) return false;
    std::size_t& mine = byPrincipal_[principal];
    if (perPrincipal_ > 0 && mine >= perPrincipal_) return false;
    ++mine;
    ++used_;
    return true;
  }
  void release(const std::string& principal) {
    std::lock_guard lock(mutex_);
    auto it = byPrincipal_.find(principal);
    if (it == byPrincipal_.end() || it->second == 0) return;
    if (--it->second == 0) byPrincipal_.erase(it);
    --used_;
  }
  std::size_t used() const {
    std::lock_guard lock(mutex_);
    return used_;
  }

 private:
  const std::size_t total_, perPrincipal_;
  mutable std::mutex mutex_;
  std::size_t used_ = 0;
  std::map<std::string, std::size_t> byPrincipal_;
};

}  // namespace rtk::plugins::socks
