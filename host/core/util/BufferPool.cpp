#include "core/util/BufferPool.hpp"

#include <bit>

namespace rtk::core {
namespace {

constexpr unsigned kMinShift = std::countr_zero(BufferPool::kMinPooled);

// The class whose every buffer can hold `bytes`: the smallest power of two
// at or above it.
std::size_t classFor(std::size_t bytes) { return std::bit_width(bytes - 1) - kMinShift; }
// The class a buffer of this capacity can serve: the largest power of two at
// or below it.
std::size_t classOf(std::size_t capacity) { return std::bit_width(capacity) - 1 - kMinShift; }

}  // namespace

BufferPool::BufferPool(std::size_t budgetBytes) : budget_(budgetBytes) {}

BufferPool& BufferPool::shared() {
  static BufferPool* pool = new BufferPool();
  return *pool;
}

Bytes BufferPool::take(std::size_t capacity) {
  Bytes buffer;
  if (capacity < kMinPooled || capacity > kMaxPooled) {
    buffer.reserve(capacity);
    return buffer;
  }
  const std::size_t c = classFor(capacity);
  {
    Class& cls = classes_[c];
    std::lock_guard lock(cls.mutex);
    if (!cls.free.empty()) {
      buffer = std::move(cls.free.back());
      cls.free.pop_back();
    }
  }
  if (buffer.capacity() != 0) {
    cached_.fetch_sub(buffer.capacity(), std::memory_order_relaxed);
    return buffer;
  }
  buffer.reserve(kMinPooled << c);
  return buffer;
}

void BufferPool::give(Bytes&& buffer) noexcept {
  Bytes owned = std::move(buffer);
  const std::size_t capacity = owned.capacity();
  if (capacity < kMinPooled || capacity > kMaxPooled * 2 - 1) return;
  if (cached_.fetch_add(capacity, std::memory_order_relaxed) + capacity > budget_) {
    cached_.fetch_sub(capacity, std::memory_order_relaxed);
    return;  // over budget: freed on return
  }
  owned.clear();
  Class& cls = classes_[std::min(classOf(capacity), kClasses - 1)];
  try {
    std::lock_guard lock(cls.mutex);
    cls.free.push_back(std::move(owned));
  } catch (...) {
    // push_back could not grow the free list: let the buffer go.
    cached_.fetch_sub(capacity, std::memory_order_relaxed);
  }
}

}  // namespace rtk::core
