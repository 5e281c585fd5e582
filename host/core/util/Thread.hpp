// The core's threads are rtk::Thread (sdk/include/ratatoskr/thread.hpp),
// the same class plugins use.
#pragma once

#include "ratatoskr/thread.hpp"

namespace rtk::core {
using Thread = rtk::Thread;
}  // namespace rtk::core
