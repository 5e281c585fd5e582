// Backoff — the redial delays of a persistent peer (link.go's backoffNow).
//
// After the n-th consecutive failure the link waits unit << n (n counted
// from 1, at most 32), capped at maxBackoff: 2 s, 4 s, 8 s, ... with the
// default 1 s unit. A successful handshake resets the count, so the first
// redial after a working link went down comes 2 s later.
//
// Thread-safety: none; the link manager's loop owns each instance.
#pragma once

#include <chrono>

namespace rtk::core::link {

class Backoff {
 public:
  explicit Backoff(std::chrono::nanoseconds maxBackoff,
                   std::chrono::nanoseconds unit = std::chrono::seconds(1))
      : max_(maxBackoff), unit_(unit) {}

  // Counts a failure and returns how long to wait before the next attempt.
  std::chrono::nanoseconds next();
  void reset() { failures_ = 0; }
  unsigned failures() const { return failures_; }

 private:
  std::chrono::nanoseconds max_, unit_;
  unsigned failures_ = 0;
};

}  // namespace rtk::core::link
