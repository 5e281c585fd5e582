#include "CoreStopper.hpp"

#include "core/node/Core.hpp"

namespace rtk {

CoreStopper::CoreStopper(std::shared_ptr<core::node::Core> core) : core_(std::move(core)) {
  thread_.start("rtk-core-stop", [this] {
    std::exception_ptr error;
    try {
      core_->stop();
    } catch (...) {
      error = std::current_exception();  // rethrown to the waiter in waitFor
    }
    std::lock_guard lock(mutex_);
    error_ = error;
    finished_ = true;
    done_.notify_all();
  });
}

bool CoreStopper::waitFor(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!done_.wait_for(lock, timeout, [this] { return finished_; })) return false;
  if (error_) std::rethrow_exception(error_);
  return true;
}

}  // namespace rtk
