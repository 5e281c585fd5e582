#include "core/link/Backoff.hpp"

#include <algorithm>
#include <limits>

namespace rtk::core::link {

std::chrono::nanoseconds Backoff::next() {
  if (failures_ < 32) ++failures_;
  // unit << failures, saturating instead of overflowing int64 nanoseconds.
  using Rep = std::chrono::nanoseconds::rep;
  Rep unit = unit_.count() > 0 ? unit_.count() : 1;
  Rep delay = unit;
  for (unsigned i = 0; i < failures_; ++i) {
    if (delay > std::numeric_limits<Rep>::max() / 2) {
      delay = std::numeric_limits<Rep>::max();
      break;
    }
    delay *= 2;
  }
  return std::min(std::chrono::nanoseconds(delay), max_);
}

}  // namespace rtk::core::link
