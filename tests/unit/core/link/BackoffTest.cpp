#include <cppunit/extensions/HelperMacros.h>

#include "core/link/Backoff.hpp"
#include "core/link/PeerUri.hpp"

using namespace std::chrono_literals;
using rtk::core::link::Backoff;

class BackoffTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(BackoffTest);
  CPPUNIT_TEST(doublesFromTwoSeconds);
  CPPUNIT_TEST(cappedByMaxBackoff);
  CPPUNIT_TEST(resetStartsOver);
  CPPUNIT_TEST(exponentStopsAt32WithoutOverflow);
  CPPUNIT_TEST_SUITE_END();

 public:
  void doublesFromTwoSeconds() {
    Backoff b(rtk::core::link::kDefaultMaxBackoff);
    CPPUNIT_ASSERT(b.next() == 2s);
    CPPUNIT_ASSERT(b.next() == 4s);
    CPPUNIT_ASSERT(b.next() == 8s);
    CPPUNIT_ASSERT_EQUAL(3u, b.failures());
  }

  void cappedByMaxBackoff() {
    Backoff b(30s);
    for (int i = 0; i < 4; ++i) b.next();  // 2, 4, 8, 16
    CPPUNIT_ASSERT(b.next() == 30s);
    CPPUNIT_ASSERT(b.next() == 30s);
    Backoff d(rtk::core::link::kDefaultMaxBackoff);
    std::chrono::nanoseconds last{};
    for (int i = 0; i < 20; ++i) last = d.next();
    CPPUNIT_ASSERT(last == 4096s);  // link.go's defaultBackoffLimit, 1h8m16s
  }

  void resetStartsOver() {
    Backoff b(1h, 10ms);
    b.next();
    b.next();
    b.reset();
    CPPUNIT_ASSERT_EQUAL(0u, b.failures());
    CPPUNIT_ASSERT(b.next() == 20ms);
  }

  void exponentStopsAt32WithoutOverflow() {
    Backoff b(std::chrono::nanoseconds::max(), 1h);
    std::chrono::nanoseconds d{};
    for (int i = 0; i < 100; ++i) d = b.next();
    CPPUNIT_ASSERT_EQUAL(32u, b.failures());
    CPPUNIT_ASSERT(d == std::chrono::nanoseconds::max());  // saturated, not wrapped
    CPPUNIT_ASSERT(d > 0ns);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BackoffTest);
