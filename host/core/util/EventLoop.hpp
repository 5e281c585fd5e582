// EventLoop — one named thread that owns a piece of state.
//
// Other threads never touch the owned state: they post() work to the loop.
// Timers run on the same thread. This is the actor model the core uses for
// the router, the session manager, the link manager and the proto handler
// (see docs/ARCHITECTURE.md, "Threads").
//
// Thread-safety: post, postAfter, cancel, call and stop may be called from any
// thread. Tasks run one at a time, in post order; a timer runs no earlier
// than its delay. Tasks posted after stop() are dropped. The loop takes all
// posted tasks at once and runs them outside its lock.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include "core/util/Thread.hpp"

namespace rtk::core {

class EventLoop {
 public:
  using Task = std::function<void()>;
  using Clock = std::chrono::steady_clock;
  using TimerId = std::uint64_t;

  // Starts the thread at once. threadName as for Thread: "rtk-router".
  explicit EventLoop(std::string threadName);
  ~EventLoop();  // stop() and join
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  void post(Task task);
  // Runs `task` after `delay`; returns an id for cancel(). Never 0.
  TimerId postAfter(Clock::duration delay, Task task);
  // Cancels a timer that has not run yet; a no-op otherwise.
  void cancel(TimerId id);

  // Runs f on the loop and returns its result (exceptions propagate). Called
  // on the loop thread itself it runs f inline. Throws rtk::Error(Closed) when
  // the loop is stopped.
  template <class F>
  auto call(F&& f) -> std::invoke_result_t<F&> {
    using R = std::invoke_result_t<F&>;
    if (inLoopThread()) return f();
    auto task = std::make_shared<std::packaged_task<R()>>(std::forward<F>(f));
    auto result = task->get_future();
    if (!postIfRunning([task] { (*task)(); })) throwClosed();
    return result.get();
  }

  bool inLoopThread() const { return thread_.isCurrent(); }
  // Stops the loop: runs the tasks already posted, drops pending timers and
  // joins the thread. Idempotent, also when called concurrently. From the
  // loop thread itself it only stops accepting tasks; the join is left to a
  // later stop() or the destructor on another thread.
  void stop();
  bool stopped() const;
  const std::string& name() const { return name_; }

 private:
  bool postIfRunning(Task task);
  [[noreturn]] void throwClosed() const;
  void run();

  void spinForTasks(std::unique_lock<std::mutex>& lock);

  std::string name_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Task> tasks_;
  std::atomic<bool> hasTasks_{false};  // tasks_ is not empty; read without the lock while spinning
  std::multimap<Clock::time_point, std::pair<TimerId, Task>> timers_;
  std::map<TimerId, Clock::time_point> timerIndex_;
  TimerId nextTimer_ = 1;
  bool stopping_ = false;
  Thread thread_;  // last: started once everything above exists
};

}  // namespace rtk::core
