// Fifo — a vector-backed first-in first-out queue that keeps its capacity
// when it empties, so a queue that fills and drains all day stops
// allocating. (std::deque allocates a block per few large elements.)
// Not thread-safe: owned by whoever holds the surrounding lock.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace rtk::core::router {

template <class T>
class Fifo {
 public:
  bool empty() const { return head_ == items_.size(); }
  std::size_t size() const { return items_.size() - head_; }
  T& front() { return items_[head_]; }
  const T& front() const { return items_[head_]; }
  T& operator[](std::size_t i) { return items_[head_ + i]; }

  void push(T item) { items_.push_back(std::move(item)); }
  T pop() {
    T item = std::move(items_[head_++]);
    if (head_ == items_.size()) {
      items_.clear();
      head_ = 0;
    } else if (head_ >= 64 && head_ * 2 >= items_.size()) {
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
    return item;
  }
  void clear() {
    items_.clear();
    head_ = 0;
  }
  // Keeps the elements for which keep(element) is true, in order.
  template <class Pred>
  void retain(Pred keep) {
    std::size_t out = 0;
    for (std::size_t i = head_; i < items_.size(); ++i)
      if (keep(items_[i])) items_[out++] = std::move(items_[i]);
    items_.resize(out);
    head_ = 0;
  }

 private:
  std::vector<T> items_;
  std::size_t head_ = 0;
};

}  // namespace rtk::core::router
