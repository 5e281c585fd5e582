// steadyNowNs — the steady clock as one integer, for activity stamps kept
// in a std::atomic (connections and sessions note their last byte there).
#pragma once

#include <chrono>
#include <cstdint>

namespace rtk::plugins::forward {

inline std::int64_t steadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace rtk::plugins::forward
