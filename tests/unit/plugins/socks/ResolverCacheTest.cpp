#include <cppunit/extensions/HelperMacros.h>

#include "SocksTestSupport.hpp"
#include "resolver/ResolverCache.hpp"

using namespace rtk::plugins::socks;
using namespace rtk::plugins::socks::test;

namespace {

CachedAnswer found(const char* address, rtk::TimePoint expires) {
  CachedAnswer a;
  a.found = true;
  a.address = ip6(address);
  a.expires = expires;
  return a;
}

}  // namespace

class ResolverCacheTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ResolverCacheTest);
  CPPUNIT_TEST(entriesExpire);
  CPPUNIT_TEST(boundedByEvictingExpiredThenSoonest);
  CPPUNIT_TEST(zeroEntriesCachesNothing);
  CPPUNIT_TEST_SUITE_END();

 public:
  void entriesExpire() {
    ResolverCache cache(4);
    const auto now = rtk::Clock::now();
    cache.put("a", found("200::1", now + std::chrono::seconds(5)), now);
    CPPUNIT_ASSERT(cache.get("a", now + std::chrono::seconds(4)).has_value());
    CPPUNIT_ASSERT(!cache.get("a", now + std::chrono::seconds(5)).has_value());
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), cache.size());
    cache.put("late", found("200::1", now), now);  // already expired: not kept
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), cache.size());
  }

  void boundedByEvictingExpiredThenSoonest() {
    ResolverCache cache(3);
    const auto now = rtk::Clock::now();
    cache.put("a", found("200::1", now + std::chrono::seconds(30)), now);
    cache.put("b", found("200::2", now + std::chrono::seconds(10)), now);
    cache.put("c", found("200::3", now + std::chrono::seconds(20)), now);
    cache.put("d", found("200::4", now + std::chrono::seconds(40)), now);
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), cache.size());
    CPPUNIT_ASSERT(!cache.get("b", now).has_value());  // closest to expiry went
    CPPUNIT_ASSERT(cache.get("a", now) && cache.get("c", now) && cache.get("d", now));
    // Expired entries go before live ones.
    const auto later = now + std::chrono::seconds(25);
    cache.put("e", found("200::5", later + std::chrono::seconds(1)), later);
    CPPUNIT_ASSERT(cache.get("a", later) && cache.get("d", later) && cache.get("e", later));
    // Replacing an entry never evicts another.
    cache.put("a", found("200::9", later + std::chrono::seconds(60)), later);
    CPPUNIT_ASSERT(ip6("200::9") == cache.get("a", later)->address);
    CPPUNIT_ASSERT(cache.get("d", later) && cache.get("e", later));
  }

  void zeroEntriesCachesNothing() {
    ResolverCache cache(0);
    const auto now = rtk::Clock::now();
    cache.put("a", found("200::1", now + std::chrono::seconds(5)), now);
    CPPUNIT_ASSERT(!cache.get("a", now).has_value());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ResolverCacheTest);
