#include <cppunit/extensions/HelperMacros.h>

#include "peermgr/Selection.hpp"

using namespace std::chrono_literals;
using rtk::peermgr::Measured;
using rtk::peermgr::selectFastest;

class SelectionTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SelectionTest);
  CPPUNIT_TEST(fastestPerSchemeUpToTheSlots);
  CPPUNIT_TEST(tiesGoByIdentity);
  CPPUNIT_TEST_SUITE_END();

 public:
  void fastestPerSchemeUpToTheSlots() {
    std::vector<Measured> m{{0, "tcp", "tcp://a:1", 50ms}, {1, "tcp", "tcp://b:1", 5ms}, {2, "tcp", "tcp://c:1", 20ms},
                            {3, "tls", "tls://a:2", 1ms},  {4, "tls", "tls://b:2", 70ms}, {5, "ws", "ws://a:3", 1ms}};
    auto won = selectFastest(m, {{"tcp", 2}, {"tls", 1}});
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, won.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, won[0]);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, won[1]);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, won[2]);
  }

  void tiesGoByIdentity() {
    std::vector<Measured> m{{0, "tcp", "tcp://z:1", 5ms}, {1, "tcp", "tcp://a:1", 5ms}};
    auto won = selectFastest(m, {{"tcp", 1}});
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, won.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, won[0]);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SelectionTest);
