#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "core/util/EventLoop.hpp"
#include "ratatoskr/error.hpp"

using namespace std::chrono_literals;
using rtk::core::EventLoop;

class EventLoopTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(EventLoopTest);
  CPPUNIT_TEST(tasksRunInPostOrderOnTheLoopThread);
  CPPUNIT_TEST(timersFireInDeadlineOrder);
  CPPUNIT_TEST(cancelledTimerNeverRuns);
  CPPUNIT_TEST(callReturnsValuesAndPropagatesExceptions);
  CPPUNIT_TEST(callAfterStopThrowsClosed);
  CPPUNIT_TEST(concurrentPostersAllDelivered);
  CPPUNIT_TEST_SUITE_END();

 public:
  void tasksRunInPostOrderOnTheLoopThread() {
    EventLoop loop("rtk-test");
    std::vector<int> order;
    std::thread::id loopThread;
    for (int i = 0; i < 100; ++i) loop.post([&, i] { order.push_back(i); loopThread = std::this_thread::get_id(); });
    loop.call([] { return 0; });
    CPPUNIT_ASSERT_EQUAL(std::size_t(100), order.size());
    for (int i = 0; i < 100; ++i) CPPUNIT_ASSERT_EQUAL(i, order[i]);
    CPPUNIT_ASSERT(loopThread != std::this_thread::get_id());
  }

  void timersFireInDeadlineOrder() {
    EventLoop loop("rtk-test");
    std::vector<int> order;
    std::atomic<int> done{0};
    auto start = EventLoop::Clock::now();
    loop.postAfter(60ms, [&] { order.push_back(3); ++done; });
    loop.postAfter(20ms, [&] { order.push_back(1); ++done; });
    loop.postAfter(40ms, [&] { order.push_back(2); ++done; });
    while (done < 3) std::this_thread::sleep_for(5ms);
    CPPUNIT_ASSERT(EventLoop::Clock::now() - start >= 60ms);
    loop.call([] { return 0; });
    CPPUNIT_ASSERT((order == std::vector<int>{1, 2, 3}));
  }

  void cancelledTimerNeverRuns() {
    EventLoop loop("rtk-test");
    std::atomic<bool> ran{false};
    auto id = loop.postAfter(30ms, [&] { ran = true; });
    loop.cancel(id);
    std::this_thread::sleep_for(80ms);
    CPPUNIT_ASSERT(!ran);
  }

  void callReturnsValuesAndPropagatesExceptions() {
    EventLoop loop("rtk-test");
    CPPUNIT_ASSERT_EQUAL(42, loop.call([] { return 42; }));
    CPPUNIT_ASSERT_THROW(loop.call([]() -> int { throw std::runtime_error("boom"); }), std::runtime_error);
    // Inline when already on the loop thread (no deadlock).
    CPPUNIT_ASSERT_EQUAL(7, loop.call([&] { return loop.call([] { return 7; }); }));
  }

  void callAfterStopThrowsClosed() {
    EventLoop loop("rtk-test");
    loop.stop();
    try {
      loop.call([] { return 1; });
      CPPUNIT_FAIL("call after stop must throw");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::Closed);
    }
  }

  void concurrentPostersAllDelivered() {
    EventLoop loop("rtk-test");
    int counter = 0;  // only touched on the loop thread
    std::vector<std::thread> posters;
    for (int t = 0; t < 4; ++t)
      posters.emplace_back([&] {
        for (int i = 0; i < 1000; ++i) loop.post([&] { ++counter; });
      });
    for (auto& t : posters) t.join();
    CPPUNIT_ASSERT_EQUAL(4000, loop.call([&] { return counter; }));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(EventLoopTest);
