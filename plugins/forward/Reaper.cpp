#include "Reaper.hpp"

namespace rtk::plugins::forward {

void Reaper::start() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_.start("rtk-fwd-reap", [this] { run(); });
}

void Reaper::retire(std::shared_ptr<Retiring> finished) {
  std::lock_guard lock(mutex_);
  finished_.push_back(std::move(finished));
  wake_.notify_one();
}

void Reaper::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !finished_.empty(); });
    std::vector<std::shared_ptr<Retiring>> batch;
    batch.swap(finished_);
    bool last = stopping_;
    lock.unlock();
    for (auto& f : batch) f->joinThreads();
    batch.clear();  // frees them, outside the lock
    lock.lock();
    if (last && finished_.empty()) return;
  }
}

void Reaper::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_one();
  }
  thread_.join();
  // Anything retired after the thread ended (nothing should be) is joined here.
  std::vector<std::shared_ptr<Retiring>> rest;
  {
    std::lock_guard lock(mutex_);
    rest.swap(finished_);
  }
  for (auto& f : rest) f->joinThreads();
}

}  // namespace rtk::plugins::forward
