// Relay — copies one direction of a tunnel: reads from one connection,
// writes to the other, until end of stream (then half-closes the other
// side, so the opposite direction can finish) or an error (then aborts
// both, so the opposite direction wakes up and ends too).
//
// Idle timeout: both directions share the time of the last byte moved;
// a read that waits longer than `idle` past it ends the tunnel.
// Thread-safety: one Relay per direction, each on its own thread; the two
// share an IdleClock.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "ratatoskr/net.hpp"

namespace rtk::plugins::socks {

class IdleClock {
 public:
  IdleClock() { touch(); }
  void touch() noexcept { last_.store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed); }
  TimePoint last() const noexcept { return TimePoint(Clock::duration(last_.load(std::memory_order_relaxed))); }

 private:
  std::atomic<Clock::rep> last_{0};
};

struct RelayResult {
  std::uint64_t bytes = 0;
  bool clean = false;     // ended by end of stream
  std::string why;        // otherwise: the error, or "idle for N s"
};

// Copies from `from` to `to`. idle 0: no idle limit.
RelayResult relayOneWay(Conn& from, Conn& to, IdleClock& clock, std::chrono::milliseconds idle,
                        std::atomic<std::uint64_t>& byteCounter);

}  // namespace rtk::plugins::socks
