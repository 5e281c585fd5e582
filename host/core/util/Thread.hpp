// Thread — the one way the core, the netstack, the admin socket, the links
// and the facade own a thread (docs/ARCHITECTURE.md, "Threads").
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

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace rtk::core {

class Thread {
 public:
  using Body = std::function<void()>;
  static constexpr std::size_t kMaxNameChars = 15;  // the kernel's comm limit

  Thread() = default;  // not started: join() is a no-op
  // Starts at once; see start().
  Thread(std::string name, Body body);
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

}  // namespace rtk::core
