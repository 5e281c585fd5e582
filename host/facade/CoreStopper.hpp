// CoreStopper — stops the core on a thread of its own ("rtk-core-stop"), so
// that Node::close() can stop waiting at NodeOptions::coreStopTimeout.
//
// Why it is joined, not detached: the thread runs this library's code, logs
// through the node's Logger and holds the core. A detached thread could
// outlive all three (the application drops the node, unloads the library or
// exits). The node owns its stopper, so close() returns at the deadline with
// an error while the node's destruction waits for the core to finish.
//
// Thread-safety: waitFor from any thread but the stopper's; the destructor
// joins (never on the stopper thread: the stopper holds no reference to
// whoever owns it).
#pragma once

#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>

#include "core/util/Thread.hpp"

namespace rtk::core::node {
class Core;
}

namespace rtk {

class CoreStopper {
 public:
  // Starts stopping `core` at once.
  explicit CoreStopper(std::shared_ptr<core::node::Core> core);
  ~CoreStopper() = default;  // thread_ joins
  CoreStopper(const CoreStopper&) = delete;
  CoreStopper& operator=(const CoreStopper&) = delete;

  // True when the core stopped within `timeout`; then rethrows the stop's
  // exception, if any. False when it is still stopping.
  bool waitFor(std::chrono::milliseconds timeout);

 private:
  std::shared_ptr<core::node::Core> core_;
  std::mutex mutex_;
  std::condition_variable done_;
  bool finished_ = false;
  std::exception_ptr error_;
  core::Thread thread_;  // last: started once everything above exists
};

}  // namespace rtk
