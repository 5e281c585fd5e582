#include <cppunit/extensions/HelperMacros.h>

#include "LoopErrors.hpp"

namespace rtk::plugins::forward {

class LoopErrorsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(LoopErrorsTest);
  CPPUNIT_TEST(transientErrorsBackOffAndNeverGiveUp);
  CPPUNIT_TEST(theSameErrorEightTimesGivesUp);
  CPPUNIT_TEST(successResets);
  CPPUNIT_TEST_SUITE_END();

 public:
  void transientErrorsBackOffAndNeverGiveUp() {
    LoopErrors e;
    const long expected[] = {10, 20, 40, 80, 160, 320, 640, 1000, 1000, 1000, 1000, 1000};
    for (long ms : expected) {
      auto pause = e.onError("Too many open files", true);
      CPPUNIT_ASSERT(pause.has_value());
      CPPUNIT_ASSERT_EQUAL(ms, static_cast<long>(pause->count()));
    }
  }

  void theSameErrorEightTimesGivesUp() {
    LoopErrors e;
    for (int i = 1; i < LoopErrors::kGiveUpAfter; ++i) CPPUNIT_ASSERT(e.onError("Invalid argument", false).has_value());
    CPPUNIT_ASSERT(!e.onError("Invalid argument", false).has_value());
    // Alternating messages never add up to eight of one.
    LoopErrors f;
    for (int i = 0; i < 40; ++i) CPPUNIT_ASSERT(f.onError(i % 2 ? "a" : "b", false).has_value());
  }

  void successResets() {
    LoopErrors e;
    for (int i = 1; i < LoopErrors::kGiveUpAfter; ++i) e.onError("x", false);
    e.onSuccess();
    auto pause = e.onError("x", false);
    CPPUNIT_ASSERT(pause.has_value());
    CPPUNIT_ASSERT_EQUAL(10L, static_cast<long>(pause->count()));
    for (int i = 2; i < LoopErrors::kGiveUpAfter; ++i) CPPUNIT_ASSERT(e.onError("x", false).has_value());
    CPPUNIT_ASSERT(!e.onError("x", false).has_value());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LoopErrorsTest);

}  // namespace rtk::plugins::forward
