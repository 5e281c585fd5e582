#include "core/util/Thread.hpp"

#include <pthread.h>

#include <cstdio>
#include <exception>
#include <system_error>

#include "ratatoskr/error.hpp"

namespace rtk::core {

namespace {

void checkName(const std::string& name) {
  if (name.empty() || name.size() > Thread::kMaxNameChars || name.rfind("rtk-", 0) != 0)
    throw Error(Errc::InvalidArgument,
                "thread: name \"" + name + "\" must start with \"rtk-\" and have at most 15 characters");
}

}  // namespace

Thread::Thread(std::string name, Body body) { start(std::move(name), std::move(body)); }

Thread::~Thread() {
  if (isCurrent()) {
    std::fprintf(stderr, "thread %s: destroyed by its own thread, which nobody can then join (owner bug)\n",
                 name_.c_str());
    std::terminate();
  }
  join();
}

void Thread::start(std::string name, Body body) {
  checkName(name);
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

void Thread::join() {
  // Checked before taking the lock: the thread itself must not wait for a
  // concurrent joiner that is waiting for it.
  if (isCurrent()) throw Error(Errc::InvalidArgument, "thread " + name_ + ": join() from the thread itself");
  std::lock_guard lock(joinMutex_);
  if (!thread_.joinable()) return;
  thread_.join();
  // Thread ids are reused once a thread ends.
  id_.store(std::thread::id{}, std::memory_order_release);
}

bool Thread::joinable() const {
  std::lock_guard lock(joinMutex_);
  return thread_.joinable();
}

}  // namespace rtk::core
