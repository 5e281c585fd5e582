#include "EventLoop.hpp"

#include "core/util/SpinWait.hpp"

#include "ratatoskr/error.hpp"

namespace rtk::core {

EventLoop::EventLoop(std::string threadName) : name_(std::move(threadName)) {
  thread_.start(name_, [this] { run(); });
}

EventLoop::~EventLoop() { stop(); }

void EventLoop::post(Task task) { postIfRunning(std::move(task)); }

bool EventLoop::postIfRunning(Task task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    tasks_.push_back(std::move(task));
    hasTasks_.store(true, std::memory_order_release);
  }
  wake_.notify_one();
  return true;
}

EventLoop::TimerId EventLoop::postAfter(Clock::duration delay, Task task) {
  auto when = Clock::now() + delay;
  TimerId id;
  {
    std::lock_guard lock(mutex_);
    id = nextTimer_++;
    if (stopping_) return id;
    timers_.emplace(when, std::make_pair(id, std::move(task)));
    timerIndex_.emplace(id, when);
  }
  wake_.notify_one();
  return id;
}

void EventLoop::cancel(TimerId id) {
  std::lock_guard lock(mutex_);
  auto it = timerIndex_.find(id);
  if (it == timerIndex_.end()) return;
  auto range = timers_.equal_range(it->second);
  for (auto t = range.first; t != range.second; ++t) {
    if (t->second.first == id) {
      timers_.erase(t);
      break;
    }
  }
  timerIndex_.erase(it);
}

void EventLoop::throwClosed() const { throw Error(Errc::Closed, name_ + ": event loop stopped"); }

bool EventLoop::stopped() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

void EventLoop::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (!inLoopThread()) thread_.join();
}

// Before sleeping, watch for a task a little while (core/util/SpinWait.hpp
// says why). Timers are not watched: they are rarely due within the spin.
void EventLoop::spinForTasks(std::unique_lock<std::mutex>& lock) {
  lock.unlock();
  spinWait(hasTasks_);
  lock.lock();
}

void EventLoop::run() {
  std::vector<Task> batch;
  bool spun = false;
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!tasks_.empty()) {
      spun = false;
      batch.swap(tasks_);
      hasTasks_.store(false, std::memory_order_relaxed);
      lock.unlock();
      for (auto& task : batch) task();
      batch.clear();
      lock.lock();
      continue;
    }
    if (stopping_) break;
    auto now = Clock::now();
    if (!timers_.empty() && timers_.begin()->first <= now) {
      auto node = timers_.extract(timers_.begin());
      timerIndex_.erase(node.mapped().first);
      lock.unlock();
      node.mapped().second();
      lock.lock();
      continue;
    }
    // Watch for work a moment before sleeping, once per idle spell; then
    // look at everything again under the lock, as a post, timer or stop
    // that came meanwhile notified nobody.
    if (!spun) {
      spinForTasks(lock);
      spun = true;
      continue;
    }
    spun = false;
    if (timers_.empty())
      wake_.wait(lock);
    else
      wake_.wait_until(lock, timers_.begin()->first);
  }
  timers_.clear();
  timerIndex_.clear();
}

}  // namespace rtk::core
