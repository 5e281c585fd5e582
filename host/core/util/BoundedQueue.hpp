// The core's hand-off queue is rtk::BoundedQueue
// (sdk/include/ratatoskr/bounded_queue.hpp), the same class plugins use.
#pragma once

#include "ratatoskr/bounded_queue.hpp"

namespace rtk::core {
using rtk::BoundedQueue;
using rtk::QueuePush;
}  // namespace rtk::core
