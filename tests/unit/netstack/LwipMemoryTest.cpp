#include <cppunit/extensions/HelperMacros.h>

#include <cstdint>
#include <cstring>

#include "netstack/src/LwipMemory.hpp"

using rtk::netstack::detail::kLwipPoolBudget;
using rtk::netstack::detail::lwipPooledBytes;

// lwIP's heap functions (host/netstack/src/LwipMemory.cpp). The pool is
// process-wide, so each test measures differences, not absolute figures.
class LwipMemoryTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(LwipMemoryTest);
  CPPUNIT_TEST(segmentSizedBlockIsReused);
  CPPUNIT_TEST(smallAndHugeBlocksAreNotKept);
  CPPUNIT_TEST(callocZeroesRecycledMemory);
  CPPUNIT_TEST(budgetBoundsWhatIsKept);
  CPPUNIT_TEST(overflowingRequestsFail);
  CPPUNIT_TEST_SUITE_END();

 public:
  void segmentSizedBlockIsReused() {
    void* a = rtk_lwip_mem_malloc(65000);
    CPPUNIT_ASSERT(a != nullptr);
    CPPUNIT_ASSERT_EQUAL(std::uintptr_t{0}, reinterpret_cast<std::uintptr_t>(a) % 16);
    std::memset(a, 0xAB, 65000);  // the whole requested size is usable
    const std::size_t before = lwipPooledBytes();
    rtk_lwip_mem_free(a);
    CPPUNIT_ASSERT(lwipPooledBytes() > before);
    void* b = rtk_lwip_mem_malloc(40000);  // same class (64 KiB blocks)
    CPPUNIT_ASSERT(b == a);
    CPPUNIT_ASSERT_EQUAL(before, lwipPooledBytes());
    rtk_lwip_mem_free(b);
  }

  void smallAndHugeBlocksAreNotKept() {
    const std::size_t before = lwipPooledBytes();
    rtk_lwip_mem_free(rtk_lwip_mem_malloc(64));
    rtk_lwip_mem_free(rtk_lwip_mem_malloc(std::size_t{1} << 20));
    rtk_lwip_mem_free(nullptr);
    CPPUNIT_ASSERT_EQUAL(before, lwipPooledBytes());
  }

  void callocZeroesRecycledMemory() {
    auto* dirty = static_cast<unsigned char*>(rtk_lwip_mem_malloc(20000));
    std::memset(dirty, 0xFF, 20000);
    rtk_lwip_mem_free(dirty);
    auto* clean = static_cast<unsigned char*>(rtk_lwip_mem_calloc(100, 200));
    CPPUNIT_ASSERT(clean == dirty);  // recycled...
    for (std::size_t i = 0; i < 20000; ++i) CPPUNIT_ASSERT_EQUAL(0, int{clean[i]});  // ...and zeroed
    rtk_lwip_mem_free(clean);
  }

  void budgetBoundsWhatIsKept() {
    constexpr std::size_t kBlock = 100000;  // 128 KiB class
    constexpr std::size_t kCount = kLwipPoolBudget / (128 << 10) + 8;
    void* blocks[kCount];
    for (auto& b : blocks) b = rtk_lwip_mem_malloc(kBlock);
    for (auto& b : blocks) rtk_lwip_mem_free(b);
    CPPUNIT_ASSERT(lwipPooledBytes() <= kLwipPoolBudget);
    CPPUNIT_ASSERT(lwipPooledBytes() >= kLwipPoolBudget - (128 << 10));
  }

  void overflowingRequestsFail() {
    CPPUNIT_ASSERT(rtk_lwip_mem_malloc(SIZE_MAX - 4) == nullptr);
    CPPUNIT_ASSERT(rtk_lwip_mem_calloc(SIZE_MAX / 2, 4) == nullptr);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LwipMemoryTest);
