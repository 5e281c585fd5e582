// lwIP's heap functions (see LwipMemory.cpp); lwipopts.h maps lwIP's
// mem_clib_malloc/free/calloc to them. Private to host/netstack.
#pragma once

#include <cstddef>

namespace rtk::netstack::detail {

// Most bytes of freed lwIP blocks kept for reuse (process-wide).
constexpr std::size_t kLwipPoolBudget = std::size_t{16} << 20;
// Bytes currently kept (for tests and diagnostics).
std::size_t lwipPooledBytes();

}  // namespace rtk::netstack::detail

extern "C" {
void* rtk_lwip_mem_malloc(std::size_t size);
void rtk_lwip_mem_free(void* memory);
void* rtk_lwip_mem_calloc(std::size_t count, std::size_t size);
}
