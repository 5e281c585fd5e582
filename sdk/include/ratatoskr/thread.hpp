// rtk::Thread — the one way the host (core, netstack, admin socket, links,
// facade, runtime) and plugins own a thread (docs/ARCHITECTURE.md,
// "Threads"). Header-only, so a plugin gets the same class.
//
// A Thread is named (`rtk-<role>[-n]`, at most 15 characters, visible in
// /proc/self/task/*/comm and in debuggers) before its body runs, and joined
// exactly once: by the first join() or by the destructor. Nothing is ever
// detached, so a stopped owner leaves no thread behind.
//
// Thread-safety: start, join, joinable and isCurrent may be called from any
// thread; concurrent join() calls all return once the thread has ended.
// join() from the thread itself throws rtk::Error(InvalidArgument) instead of
// deadlocking. Destroying a started Thread on its own thread is a bug in the
// owner (nobody could join it): the destructor then prints the thread's name
// to stderr and terminates, as std::thread would, but saying which.
//
// An exception escaping the body is likewise reported with the thread's name
// before the process terminates; bodies catch and log what they expect.
#pragma once

#include <pthread.h>

#include <atomic>
#include <cstdio>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>

#include "ratatoskr/error.hpp"

namespace rtk {

class Thread {
 public:
  using Body = std::function<void()>;
  static constexpr std::size_t kMaxNameChars = 15;  // the kernel's comm limit

  Thread() = default;  // not started: join() is a no-op
  // Starts at once; see start().
  Thread(std::string name, Body body) { start(std::move(name), std::move(body)); }
  ~Thread();  // join()
  Thread(const Thread&) = delete;
  Thread& operator=(const Thread&) = delete;

  // Starts the thread. Errc::InvalidArgument for a name that is empty, longer
  // than 15 characters or not starting with "rtk-"; Errc::AlreadyExists when
  // started before; Errc::Io when the system refuses a thread.
  void start(std::string name, Body body);
  // Waits for the body to return. Idempotent; a no-op when never started.
  void join();
  // Started and not yet joined.
  bool joinable() const;
  // True on the thread this object started.
  bool isCurrent() const { return id_.load(std::memory_order_acquire) == std::this_thread::get_id(); }
  const std::string& name() const { return name_; }

 private:
  std::string name_;  // written once by start(), before the thread exists
  std::atomic<std::thread::id> id_{};
  mutable std::mutex joinMutex_;  // held while joining: a second joiner waits for the first
  bool started_ = false;          // guarded by joinMutex_
  std::thread thread_;
};

namespace detail {
inline void checkThreadName(const std::string& name) {
  if (name.empty() || name.size() > Thread::kMaxNameChars || name.rfind("rtk-", 0) != 0)
    throw Error(Errc::InvalidArgument,
                "thread: name \"" + name + "\" must start with \"rtk-\" and have at most 15 characters");
}
}  // namespace detail

inline Thread::~Thread() {
  if (isCurrent()) {
    std::fprintf(stderr, "thread %s: destroyed by its own thread, which nobody can then join (owner bug)\n",
                 name_.c_str());
    std::terminate();
  }
  join();
}

inline void Thread::start(std::string name, Body body) {
  detail::checkThreadName(name);
  std::lock_guard lock(joinMutex_);
  if (started_) throw Error(Errc::AlreadyExists, "thread " + name_ + ": started twice");
  name_ = std::move(name);
  started_ = true;
  try {
    thread_ = std::thread([this, body = std::move(body)] {
      // Also stored here: the body may ask isCurrent() before start() returns.
      id_.store(std::this_thread::get_id(), std::memory_order_release);
      pthread_setname_np(pthread_self(), name_.c_str());
      try {
        body();
      } catch (const std::exception& e) {
        std::fprintf(stderr, "thread %s: uncaught exception: %s\n", name_.c_str(), e.what());
        std::terminate();
      }
    });
  } catch (const std::system_error& e) {
    started_ = false;
    throw Error(Errc::Io, "thread " + name_ + ": cannot start: " + e.what());
  }
  id_.store(thread_.get_id(), std::memory_order_release);
}

inline void Thread::join() {
  // Checked before taking the lock: the thread itself must not wait for a
  // concurrent joiner that is waiting for it.
  if (isCurrent()) throw Error(Errc::InvalidArgument, "thread " + name_ + ": join() from the thread itself");
  std::lock_guard lock(joinMutex_);
  if (!thread_.joinable()) return;
  thread_.join();
  // Thread ids are reused once a thread ends.
  id_.store(std::thread::id{}, std::memory_order_release);
}

inline bool Thread::joinable() const {
  std::lock_guard lock(joinMutex_);
  return thread_.joinable();
}

}  // namespace rtk
