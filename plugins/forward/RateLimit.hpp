// RateLimit — at most one log line per interval for a condition that may
// repeat fast (a limit reached, a refused caller, a failing dial), so a
// flood cannot flood the log. Thread-safety: allow() from any thread.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>

namespace rtk::plugins::forward {

class RateLimit {
 public:
  explicit RateLimit(std::chrono::milliseconds interval = std::chrono::seconds(1)) : interval_(interval) {}
  bool allow() {
    std::lock_guard lock(mutex_);
    auto now = std::chrono::steady_clock::now();
    if (last_ && now - *last_ < interval_) return false;
    last_ = now;
    return true;
  }

 private:
  std::mutex mutex_;
  std::chrono::milliseconds interval_;
  std::optional<std::chrono::steady_clock::time_point> last_;
};

}  // namespace rtk::plugins::forward
