// DialPool — the threads that resolve and dial for CONNECT tunnels: at most
// `maxThreads` ("rtk-sockd-<n>", started on demand and kept), whatever the
// number of clients. Jobs wait in a queue (as many as tunnels are pending,
// so bounded by MaxConnections); a slow dial holds one worker until its
// DialTimeout, the others go on.
// Thread-safety: submit from any thread; stop once, from the owner.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "ratatoskr/thread.hpp"

namespace rtk::plugins::socks {

class DialPool {
 public:
  explicit DialPool(std::size_t maxThreads) : maxThreads_(maxThreads < 1 ? 1 : maxThreads) {}
  ~DialPool() { stop(); }
  DialPool(const DialPool&) = delete;
  DialPool& operator=(const DialPool&) = delete;

  // Queues `job`. Errc::Closed after stop(); Errc::Io when no worker exists
  // and none can be started.
  void submit(std::function<void()> job);
  // Runs what is still queued, then joins every worker. Idempotent; the
  // pool may be used again afterwards.
  void stop();
  std::size_t threads() const;

 private:
  void work();

  const std::size_t maxThreads_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;  // guarded
  std::size_t idle_ = 0;                    // guarded: workers waiting for a job
  bool stopping_ = false;                   // guarded
  std::deque<std::unique_ptr<rtk::Thread>> workers_;  // guarded; joined by stop()
};

}  // namespace rtk::plugins::socks
