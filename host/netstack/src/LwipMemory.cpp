// lwIP's heap (MEM_LIBC_MALLOC; lwipopts.h points mem_clib_* here): malloc,
// except that blocks of the data path's sizes — above all a TCP segment's
// PBUF_RAM, up to a 64 KiB MSS — are recycled instead of freed. They are
// allocated and freed by the stack thread at the rate of the traffic, and
// glibc would trim each acknowledged window's worth back to the kernel only
// to fault it in again for the next one (core/util/BufferPool.hpp explains
// the same for the core's buffers).
//
// Every block carries a 16-byte header with its size class, so free() knows
// whether it belongs to the pool. lwIP calls these on its one thread; the
// mutex only makes a wrong caller harmless.
#include <bit>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "LwipMemory.hpp"

namespace rtk::netstack::detail {
namespace {

constexpr std::size_t kHeader = 16;  // keeps the payload 16-byte aligned
constexpr std::size_t kMinShift = 12;  // 4 KiB
constexpr std::size_t kClasses = 6;    // 4 KiB ... 128 KiB blocks (header included)
constexpr unsigned kUnpooled = 0xFF;

struct FreeBlock {
  FreeBlock* next;
};

struct Pool {
  std::mutex mutex;
  FreeBlock* free[kClasses] = {};
  std::size_t cachedBytes = 0;
};

Pool& pool() {
  static Pool* p = new Pool;  // never destroyed: lwIP may free after static destruction
  return *p;
}

// The class of the smallest block that holds `total` bytes (as
// core::BufferPool picks its classes), or kUnpooled outside 4–128 KiB.
unsigned classFor(std::size_t total) {
  if (total < (std::size_t{1} << kMinShift) || total > (std::size_t{1} << (kMinShift + kClasses - 1)))
    return kUnpooled;
  return static_cast<unsigned>(std::bit_width(total - 1) - kMinShift);
}

}  // namespace

std::size_t lwipPooledBytes() {
  std::lock_guard lock(pool().mutex);
  return pool().cachedBytes;
}

}  // namespace rtk::netstack::detail

using namespace rtk::netstack::detail;

extern "C" void* rtk_lwip_mem_malloc(std::size_t size) {
  if (size > SIZE_MAX - kHeader) return nullptr;
  const unsigned c = classFor(size + kHeader);
  void* block = nullptr;
  if (c != kUnpooled) {
    Pool& p = pool();
    std::lock_guard lock(p.mutex);
    if (FreeBlock* b = p.free[c]) {
      p.free[c] = b->next;
      p.cachedBytes -= std::size_t{1} << (kMinShift + c);
      block = b;
    }
  }
  if (!block) block = std::malloc(c == kUnpooled ? size + kHeader : std::size_t{1} << (kMinShift + c));
  if (!block) return nullptr;
  static_cast<unsigned char*>(block)[0] = static_cast<unsigned char>(c);
  return static_cast<unsigned char*>(block) + kHeader;
}

extern "C" void rtk_lwip_mem_free(void* memory) {
  if (!memory) return;
  void* block = static_cast<unsigned char*>(memory) - kHeader;
  const unsigned c = static_cast<unsigned char*>(block)[0];
  if (c != kUnpooled) {
    const std::size_t bytes = std::size_t{1} << (kMinShift + c);
    Pool& p = pool();
    std::lock_guard lock(p.mutex);
    if (p.cachedBytes + bytes <= kLwipPoolBudget) {
      auto* b = static_cast<FreeBlock*>(block);
      b->next = p.free[c];
      p.free[c] = b;
      p.cachedBytes += bytes;
      return;
    }
  }
  std::free(block);
}

extern "C" void* rtk_lwip_mem_calloc(std::size_t count, std::size_t size) {
  if (size != 0 && count > SIZE_MAX / size) return nullptr;
  void* memory = rtk_lwip_mem_malloc(count * size);
  if (memory) std::memset(memory, 0, count * size);
  return memory;
}
