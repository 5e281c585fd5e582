// NamedThread — how the forward plugin owns a thread: named before its body
// runs ("rtk-fwd-…", at most 15 characters, shown by top -H), joined exactly
// once (join() or the destructor), never detached.
//
// The SDK has no thread class of its own yet (the host's rtk::core::Thread
// is not visible to plugins), so this is the plugin-side equivalent.
// Thread-safety: start() and join() from the owning thread; joinable() from
// any thread after start() returned.
#pragma once

#include <pthread.h>

#include <functional>
#include <string>
#include <thread>
#include <utility>

namespace rtk::plugins::forward {

class NamedThread {
 public:
  NamedThread() = default;
  NamedThread(std::string name, std::function<void()> body) { start(std::move(name), std::move(body)); }
  ~NamedThread() { join(); }
  NamedThread(const NamedThread&) = delete;
  NamedThread& operator=(const NamedThread&) = delete;

  void start(std::string name, std::function<void()> body) {
    if (name.size() > 15) name.resize(15);
    thread_ = std::thread([name, body = std::move(body)] {
      ::pthread_setname_np(::pthread_self(), name.c_str());
      body();
    });
  }
  void join() {
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
  }
  bool joinable() const { return thread_.joinable(); }

 private:
  std::thread thread_;
};

}  // namespace rtk::plugins::forward
