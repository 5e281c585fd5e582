// Waiting on a condition variable until a predicate holds or a deadline
// passes — where the deadline may be changed by another thread meanwhile
// (setReadDeadline on a blocked read takes effect at once). Stack-private.
#pragma once

#include <condition_variable>
#include <mutex>

#include "ratatoskr/net.hpp"

namespace rtk::netstack::detail {

// Waits until ready() is true (returns true) or *deadline passes (false).
// `deadline` is re-read after every wake-up; whoever changes it must hold
// the lock and notify `cv`.
template <class Ready>
bool waitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, const Deadline& deadline, Ready ready) {
  while (!ready()) {
    if (deadline) {
      if (Clock::now() >= *deadline) return false;
      cv.wait_until(lock, *deadline);
    } else {
      cv.wait(lock);
    }
  }
  return true;
}

}  // namespace rtk::netstack::detail
