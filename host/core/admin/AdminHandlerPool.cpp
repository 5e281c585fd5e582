#include "core/admin/AdminHandlerPool.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>

#include "ratatoskr/error.hpp"

namespace rtk::core::admin {

AdminHandlerPool::AdminHandlerPool(const AdminDispatcher& dispatcher, std::size_t size, int wakeFd, Log log)
    : dispatcher_(dispatcher), size_(size == 0 ? 1 : size), wakeFd_(wakeFd), log_(std::move(log)), finished_(size_) {}

AdminHandlerPool::~AdminHandlerPool() { stop(); }

AdminHandlerPool::Submit AdminHandlerPool::submit(std::uint64_t client, std::string& request) {
  std::size_t index = 0;
  while (index < workers_.size() && workers_[index]->busy) ++index;
  if (index == workers_.size()) {
    if (workers_.size() == size_) return Submit::AllBusy;
    auto worker = std::make_unique<Worker>();
    Worker& w = *worker;
    try {
      w.thread.start("rtk-admin-w-" + std::to_string(index + 1), [this, &w, index] { work(w, index); });
    } catch (const Error& e) {
      log_.warn("cannot start a handler thread: ", e.what());
      return workers_.empty() ? Submit::Failed : Submit::AllBusy;
    }
    workers_.push_back(std::move(worker));
  }
  Worker& w = *workers_[index];
  // The inbox is empty: the worker's last reply was taken before it was marked idle.
  if (w.inbox.push(Job{client, std::move(request)}) == QueuePush::Dropped) {
    log_.error("handler worker ", index + 1, " refused a request");
    return Submit::Failed;
  }
  w.busy = true;
  ++busy_;
  return Submit::Taken;
}

void AdminHandlerPool::takeFinished(std::vector<Finished>& out) {
  finished_.drainInto(out);
  for (const auto& f : out) {
    if (f.worker < workers_.size() && workers_[f.worker]->busy) {
      workers_[f.worker]->busy = false;
      --busy_;
    }
  }
}

void AdminHandlerPool::work(Worker& worker, std::size_t index) {
  std::vector<Job> batch;
  while (worker.inbox.waitDrainInto(batch)) {
    for (auto& job : batch) {
      if (stopping_.load()) continue;
      Finished done{job.client, index, {}};
      try {
        done.reply = dispatcher_.handle(job.request);
      } catch (const std::exception& e) {  // handle() answers handler errors itself; this is a bad_alloc or alike
        log_.warn("request failed: ", e.what());
        done.reply = AdminDispatcher::refuse(job.request, std::string("internal error: ") + e.what());
      }
      if (finished_.push(std::move(done)) == QueuePush::QueuedFirst) {
        std::uint64_t one = 1;
        if (::write(wakeFd_, &one, sizeof one) < 0 && errno != EAGAIN)
          log_.warn("handler worker: eventfd write: ", std::strerror(errno));
      }
    }
  }
}

void AdminHandlerPool::stop() {
  stopping_.store(true);
  for (auto& w : workers_) w->inbox.close();
  for (auto& w : workers_) w->thread.join();
  workers_.clear();
  busy_ = 0;
}

}  // namespace rtk::core::admin
