// CancelCloser — closes the node on a thread of its own ("rtk-node-close")
// when NodeOptions::cancel fires. The cancel callback runs on the canceller's
// thread, which may hold locks close() needs, so it only starts the thread.
//
// The thread gets a plain Node pointer, not a reference: the node's
// destructor calls disarmAndJoin() first, so the pointer outlives the thread,
// and the thread can never be the one that destroys the node (which would
// leave nobody to join it). A cancel that arrives after disarmAndJoin (the
// token's callbacks may still be running while the node unregisters) does
// nothing.
//
// Thread-safety: fire and disarmAndJoin from any thread but the closer's.
#pragma once

#include <functional>
#include <mutex>

#include "core/util/Thread.hpp"

namespace rtk {

class CancelCloser {
 public:
  // Starts the thread running `close` unless disarmed or already fired.
  void fire(std::function<void()> close) {
    std::lock_guard lock(mutex_);
    if (disarmed_ || fired_) return;
    fired_ = true;
    thread_.start("rtk-node-close", std::move(close));
  }
  // Once this returns no thread starts, and one that started has ended.
  void disarmAndJoin() {
    {
      std::lock_guard lock(mutex_);
      disarmed_ = true;
    }
    thread_.join();
  }

 private:
  std::mutex mutex_;
  bool disarmed_ = false;
  bool fired_ = false;
  core::Thread thread_;
};

}  // namespace rtk
