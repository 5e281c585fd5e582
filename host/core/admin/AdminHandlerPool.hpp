// AdminHandlerPool — the admin socket's handler workers: at most `size`
// threads "rtk-admin-w-<n>", started when a request first finds every
// running worker busy and kept until stop(). Each runs one request at a time
// through AdminDispatcher::handle, so a handler may block (getNodeInfo waits
// up to 6 s) without holding up the socket I/O on AdminServer's loop thread.
//
// The loop hands a request to an idle worker (submit) through that worker's
// one-slot BoundedQueue; a finished request comes back through a shared
// BoundedQueue, and the worker writes `wakeFd` (an eventfd the loop polls)
// when it was the first one queued. A worker only gets its next request
// after the loop has taken its last reply, so the reply queue never holds
// more than `size` items and never drops.
//
// Thread-safety: submit, takeFinished and busyWorkers belong to the loop
// thread; stop() to the owner once the loop has ended.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/admin/AdminDispatcher.hpp"
#include "core/util/BoundedQueue.hpp"
#include "core/util/Thread.hpp"
#include "ratatoskr/log.hpp"

namespace rtk::core::admin {

class AdminHandlerPool {
 public:
  struct Finished {
    std::uint64_t client = 0;
    std::size_t worker = 0;
    AdminDispatcher::Reply reply;
  };
  enum class Submit {
    Taken,    // a worker runs it
    AllBusy,  // `size` workers are all inside a handler: try again after takeFinished
    Failed,   // no worker runs and none could be started
  };

  AdminHandlerPool(const AdminDispatcher& dispatcher, std::size_t size, int wakeFd, Log log);
  ~AdminHandlerPool();  // stop()
  AdminHandlerPool(const AdminHandlerPool&) = delete;
  AdminHandlerPool& operator=(const AdminHandlerPool&) = delete;

  // Moves `request` out only when Taken.
  Submit submit(std::uint64_t client, std::string& request);
  // Replaces `out` with the requests finished since the last call; each
  // frees its worker for the next submit.
  void takeFinished(std::vector<Finished>& out);
  std::size_t busyWorkers() const { return busy_; }
  // Requests handed over but not yet started are dropped; handlers already
  // running finish (their replies are dropped too); joins every worker.
  void stop();

 private:
  struct Job {
    std::uint64_t client = 0;
    std::string request;
  };
  struct Worker {
    BoundedQueue<Job> inbox{1};
    Thread thread;
    bool busy = false;  // loop thread only
  };
  void work(Worker& worker, std::size_t index);

  const AdminDispatcher& dispatcher_;
  const std::size_t size_;
  const int wakeFd_;
  Log log_;
  std::vector<std::unique_ptr<Worker>> workers_;  // grows on the loop thread; each worker sees only its own
  std::size_t busy_ = 0;
  BoundedQueue<Finished> finished_;
  std::atomic<bool> stopping_{false};
};

}  // namespace rtk::core::admin
