#include "Wait.hpp"

#include <ratatoskr/error.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <stdexcept>

using rtk::interop::waitUntil;

class WaitTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(WaitTest);
  CPPUNIT_TEST(returnsOnceReady);
  CPPUNIT_TEST(timesOutWithWhatAndTheLastError);
  CPPUNIT_TEST_SUITE_END();

 public:
  void returnsOnceReady() {
    int calls = 0;
    const long ms = waitUntil("third call", 5000, [&] { return ++calls == 3; }, 10);
    CPPUNIT_ASSERT_EQUAL(3, calls);
    CPPUNIT_ASSERT(ms < 5000);
  }

  void timesOutWithWhatAndTheLastError() {
    int calls = 0;
    try {
      waitUntil("the impossible", 300, [&]() -> bool {
        ++calls;
        throw std::runtime_error("still broken");
      }, 50);
      CPPUNIT_FAIL("expected rtk::Error");
    } catch (const rtk::Error& e) {
      const std::string what = e.what();
      CPPUNIT_ASSERT(e.code() == rtk::Errc::Timeout);
      CPPUNIT_ASSERT(what.find("the impossible") != std::string::npos);
      CPPUNIT_ASSERT(what.find("300 ms") != std::string::npos);
      CPPUNIT_ASSERT(what.find("still broken") != std::string::npos);
    }
    CPPUNIT_ASSERT(calls >= 3);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(WaitTest);
