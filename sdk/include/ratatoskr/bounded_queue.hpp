// rtk::BoundedQueue — the one hand-off queue between threads, in the host
// and in plugins (header-only): many
// producers push, one consumer takes everything queued at once.
//
// Bounded by a budget of "cost" units (1 per item for a count limit, the
// payload size for a byte limit): a push that would exceed it is dropped and
// counted, never blocks. pushWaiting() is the exception, for the one
// producer that must slow down rather than lose data (a link's inbound
// frames: the wait is TCP backpressure). The consumer swaps the whole batch out under the
// lock and processes it outside, so producers and consumer meet once per
// batch, not once per item (docs/ARCHITECTURE.md, "Threads").
//
// Two ways to consume. On an EventLoop: push() says when the queue was
// empty, which is exactly when a drain task must be posted; pushes onto a
// non-empty queue ride on the drain already posted. On a thread of its own:
// waitDrainInto() sleeps until there is a batch or the queue is closed.
// A taken batch no longer counts against the budget.
//
// Thread-safety: every member may be called from any thread; drainInto is
// meant for one consumer at a time.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace rtk {

// What a push did; one type for every BoundedQueue<T>.
enum class QueuePush {
  Dropped,     // over the budget or closed: not queued, counted in dropped()
  Queued,      // a drain is already due
  QueuedFirst  // the queue was empty: schedule a drain
};

template <class T>
class BoundedQueue {
 public:
  using Push = QueuePush;

  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity) {}
  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  // Dropped (and counted) too once the queue is closed.
  Push push(T item, std::size_t cost = 1) {
    std::unique_lock lock(mutex_);
    return enqueue(lock, std::move(item), cost);
  }

  // Waits for room instead of dropping; Dropped once closed, or when the
  // item alone is costlier than the whole budget (it could never fit).
  Push pushWaiting(T item, std::size_t cost = 1) {
    std::unique_lock lock(mutex_);
    space_.wait(lock, [&] { return closed_ || queuedCost_ + cost <= capacity_ || items_.empty(); });
    return enqueue(lock, std::move(item), cost);
  }

  // Later pushes are dropped; a consumer in waitDrainInto and producers in
  // pushWaiting wake up. What is queued stays to be drained.
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
    space_.notify_all();
  }

  // Replaces `batch` with every queued item, in push order. Keep one vector
  // per consumer: the two swap storage, so neither side reallocates.
  void drainInto(std::vector<T>& batch) {
    batch.clear();
    {
      std::lock_guard lock(mutex_);
      batch.swap(items_);
      queuedCost_ = 0;
    }
    space_.notify_all();
  }

  // As drainInto, after waiting for at least one item. False, with `batch`
  // empty, once the queue is closed and everything was drained.
  bool waitDrainInto(std::vector<T>& batch) {
    batch.clear();
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [this] { return closed_ || !items_.empty(); });
    if (items_.empty()) return false;
    batch.swap(items_);
    queuedCost_ = 0;
    lock.unlock();
    space_.notify_all();
    return true;
  }

  bool empty() const {
    std::lock_guard lock(mutex_);
    return items_.empty();
  }
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  std::size_t capacity() const { return capacity_; }
  // The cost currently queued.
  std::size_t queuedCost() const {
    std::lock_guard lock(mutex_);
    return queuedCost_;
  }

 private:
  // Releases `lock` before waking a waiting consumer.
  Push enqueue(std::unique_lock<std::mutex>& lock, T item, std::size_t cost) {
    if (closed_ || queuedCost_ + cost > capacity_) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return Push::Dropped;
    }
    queuedCost_ += cost;
    items_.push_back(std::move(item));
    if (items_.size() > 1) return Push::Queued;
    lock.unlock();
    ready_.notify_one();
    return Push::QueuedFirst;
  }

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;  // waitDrainInto
  std::condition_variable space_;  // pushWaiting
  std::vector<T> items_;
  std::size_t queuedCost_ = 0;
  bool closed_ = false;
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace rtk
