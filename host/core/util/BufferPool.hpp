// BufferPool — recycles the storage of the data path's large byte buffers.
//
// Why: a 64 KiB packet is allocated on one thread (the netstack, a session
// worker, a link reader) and freed on another. glibc hands the freed top of
// a thread's arena back to the kernel once it exceeds 128 KiB, and the next
// buffer of the same size faults its pages in again: on the single-stream
// benchmark that cost more CPU than the cipher (docs/benchmark.md).
// Keeping the storage in a pool, as yggdrasil-go keeps its packet buffers in
// a sync.Pool, removes both the faults and the allocator's trimming. A
// library must not retune its host's malloc, so the fix lives here.
//
// Buffers are pooled by capacity class (powers of two from kMinPooled to
// kMaxPooled); smaller or larger ones are left to malloc. The pool keeps at
// most budget bytes; beyond that give() frees.
//
// Thread-safety: every member may be called from any thread (a mutex per
// class; take and give are a few pointer moves under it).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <vector>

#include "core/util/Bytes.hpp"

namespace rtk::core {

class BufferPool {
 public:
  static constexpr std::size_t kMinPooled = std::size_t{4} << 10;
  static constexpr std::size_t kMaxPooled = std::size_t{256} << 10;
  static constexpr std::size_t kDefaultBudget = std::size_t{32} << 20;

  explicit BufferPool(std::size_t budgetBytes = kDefaultBudget);
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  // The process's pool, shared by every node (never destroyed: buffers may
  // be given back by threads that outlive static destruction).
  static BufferPool& shared();

  // An empty buffer whose capacity() is at least `capacity`: recycled when
  // the pool has one of that class, else newly reserved at the class size.
  Bytes take(std::size_t capacity);
  // Takes the buffer's storage back (the argument is left empty). Kept when
  // its capacity is in the pooled range and the budget allows, else freed.
  void give(Bytes&& buffer) noexcept;

  std::size_t cachedBytes() const noexcept { return cached_.load(std::memory_order_relaxed); }

 private:
  static constexpr std::size_t kClasses = 7;  // 4, 8, ..., 256 KiB
  struct Class {
    std::mutex mutex;
    std::vector<Bytes> free;
  };
  std::array<Class, kClasses> classes_;
  std::atomic<std::size_t> cached_{0};
  const std::size_t budget_;
};

}  // namespace rtk::core
