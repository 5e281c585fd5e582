// spinWait — watches a flag for a moment before a thread goes to sleep.
//
// Why: a packet crosses several threads (lwIP, session, router, link), each
// asleep on a condition variable when it has nothing to do. Waking a
// sleeping thread costs a futex call for the waker and, on a VM, an
// interrupt to a halted vCPU: together more than the packet's own work, and
// a round trip pays it a dozen times. A thread that has just finished a
// batch watches for the next one a little while instead, so the next packet
// of a flow, or the answer of a round trip, finds it awake, and the waker's
// notify finds nobody to wake. It yields the CPU while it watches, so on a
// busy machine it costs the threads that have work nothing.
//
// Thread-safety: any thread; `flag` is set by producers with release order.
#pragma once

#include <atomic>
#include <chrono>
#include <thread>

namespace rtk::core {

// How long a consumer watches before it sleeps.
inline constexpr std::chrono::microseconds kSpinBeforeSleep{50};

// True as soon as `flag` is set; false once `budget` passed without it.
inline bool spinWait(const std::atomic<bool>& flag, std::chrono::microseconds budget = kSpinBeforeSleep) {
  const auto until = std::chrono::steady_clock::now() + budget;
  for (;;) {
    if (flag.load(std::memory_order_acquire)) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::yield();
  }
}

}  // namespace rtk::core
