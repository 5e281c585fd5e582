#include "server/DialPool.hpp"

namespace rtk::plugins::socks {

void DialPool::submit(std::function<void()> job) {
  std::unique_lock lock(mutex_);
  if (stopping_) throw Error(Errc::Closed, "socks: dial pool stopped");
  jobs_.push_back(std::move(job));
  if (idle_ >= jobs_.size() || workers_.size() >= maxThreads_) {
    ready_.notify_one();
    return;
  }
  auto worker = std::make_unique<rtk::Thread>();
  try {
    worker->start("rtk-sockd-" + std::to_string(workers_.size()), [this] { work(); });
  } catch (const Error&) {
    if (!workers_.empty()) return;  // the running workers take it
    jobs_.pop_back();
    throw;
  }
  workers_.push_back(std::move(worker));
}

void DialPool::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    ++idle_;
    ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    --idle_;
    if (jobs_.empty()) return;  // stopping, nothing left
    std::function<void()> job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    lock.lock();
  }
}

void DialPool::stop() {
  std::deque<std::unique_ptr<rtk::Thread>> workers;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    workers.swap(workers_);
  }
  ready_.notify_all();
  for (auto& w : workers) w->join();
  std::lock_guard lock(mutex_);
  stopping_ = false;  // usable again: a new submit starts a worker
}

std::size_t DialPool::threads() const {
  std::lock_guard lock(mutex_);
  return workers_.size();
}

}  // namespace rtk::plugins::socks
