#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "core/util/BoundedQueue.hpp"

using rtk::core::BoundedQueue;
using Push = rtk::core::QueuePush;

class BoundedQueueTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(BoundedQueueTest);
  CPPUNIT_TEST(firstPushAsksForADrain);
  CPPUNIT_TEST(fullQueueDropsAndCounts);
  CPPUNIT_TEST(costIsABudgetNotACount);
  CPPUNIT_TEST(drainTakesEverythingInPushOrder);
  CPPUNIT_TEST(drainFreesTheBudget);
  CPPUNIT_TEST(manyProducersLoseNothingUnderTheBudget);
  CPPUNIT_TEST(waitingConsumerGetsEverythingThenTheClose);
  CPPUNIT_TEST(pushAfterCloseIsDropped);
  CPPUNIT_TEST(pushWaitingWaitsForADrain);
  CPPUNIT_TEST(closeReleasesAWaitingProducer);
  CPPUNIT_TEST_SUITE_END();

 public:
  void firstPushAsksForADrain() {
    BoundedQueue<int> q(10);
    CPPUNIT_ASSERT(Push::QueuedFirst == q.push(1));
    CPPUNIT_ASSERT(Push::Queued == q.push(2));
    std::vector<int> batch;
    q.drainInto(batch);
    CPPUNIT_ASSERT(Push::QueuedFirst == q.push(3));
  }

  void fullQueueDropsAndCounts() {
    BoundedQueue<int> q(3);
    for (int i = 0; i < 3; ++i) CPPUNIT_ASSERT(Push::Dropped != q.push(i));
    CPPUNIT_ASSERT(Push::Dropped == q.push(3));
    CPPUNIT_ASSERT(Push::Dropped == q.push(4));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), q.dropped());
    std::vector<int> batch;
    q.drainInto(batch);
    CPPUNIT_ASSERT((batch == std::vector<int>{0, 1, 2}));
  }

  void costIsABudgetNotACount() {
    BoundedQueue<std::string> q(100);
    CPPUNIT_ASSERT(Push::QueuedFirst == q.push("a", 60));
    CPPUNIT_ASSERT(Push::Dropped == q.push("b", 41));
    CPPUNIT_ASSERT(Push::Queued == q.push("c", 40));  // exactly the budget
    CPPUNIT_ASSERT_EQUAL(std::size_t(100), q.queuedCost());
    CPPUNIT_ASSERT(Push::Dropped == q.push("d", 1));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), q.dropped());
  }

  void drainTakesEverythingInPushOrder() {
    BoundedQueue<int> q(1000);
    for (int i = 0; i < 500; ++i) q.push(i);
    std::vector<int> batch{-1, -2};  // stale contents are replaced, not kept
    q.drainInto(batch);
    CPPUNIT_ASSERT_EQUAL(std::size_t(500), batch.size());
    for (int i = 0; i < 500; ++i) CPPUNIT_ASSERT_EQUAL(i, batch[i]);
    std::vector<int> again;
    q.drainInto(again);
    CPPUNIT_ASSERT(again.empty());
  }

  void drainFreesTheBudget() {
    BoundedQueue<int> q(2);
    q.push(1);
    q.push(2);
    CPPUNIT_ASSERT(Push::Dropped == q.push(3));
    std::vector<int> batch;
    q.drainInto(batch);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), q.queuedCost());
    CPPUNIT_ASSERT(Push::QueuedFirst == q.push(4));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), q.dropped());
  }

  void manyProducersLoseNothingUnderTheBudget() {
    constexpr int kProducers = 8, kEach = 5000;
    BoundedQueue<int> q(kProducers * kEach);
    std::vector<std::thread> producers;
    for (int p = 0; p < kProducers; ++p)
      producers.emplace_back([&, p] {
        for (int i = 0; i < kEach; ++i) q.push(p * kEach + i);
      });
    // The consumer drains while the producers push.
    std::vector<int> all, batch;
    auto drainSome = [&] {
      q.drainInto(batch);
      all.insert(all.end(), batch.begin(), batch.end());
    };
    while (all.size() < std::size_t(kProducers) * kEach / 2) drainSome();
    for (auto& t : producers) t.join();
    drainSome();
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), q.dropped());
    CPPUNIT_ASSERT_EQUAL(std::size_t(kProducers) * kEach, all.size());
    // Each producer's items keep their order; none is lost or doubled.
    std::vector<int> last(kProducers, -1);
    for (int v : all) {
      int p = v / kEach;
      CPPUNIT_ASSERT(v > last[p]);
      last[p] = v;
    }
    std::sort(all.begin(), all.end());
    for (int i = 0; i < kProducers * kEach; ++i) CPPUNIT_ASSERT_EQUAL(i, all[i]);
  }

  void waitingConsumerGetsEverythingThenTheClose() {
    BoundedQueue<int> q(100000);
    std::vector<int> received;
    int emptyBatches = 0;
    std::thread consumer([&] {
      std::vector<int> batch;
      while (q.waitDrainInto(batch)) {
        if (batch.empty()) ++emptyBatches;
        received.insert(received.end(), batch.begin(), batch.end());
      }
    });
    for (int i = 0; i < 20000; ++i) q.push(i);
    q.close();  // what is queued is still delivered
    consumer.join();
    CPPUNIT_ASSERT_EQUAL(0, emptyBatches);
    CPPUNIT_ASSERT_EQUAL(std::size_t(20000), received.size());
    for (int i = 0; i < 20000; ++i) CPPUNIT_ASSERT_EQUAL(i, received[i]);
  }

  void pushAfterCloseIsDropped() {
    BoundedQueue<int> q(10);
    q.push(1);
    q.close();
    CPPUNIT_ASSERT(Push::Dropped == q.push(2));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), q.dropped());
    std::vector<int> batch;
    CPPUNIT_ASSERT(q.waitDrainInto(batch));
    CPPUNIT_ASSERT((batch == std::vector<int>{1}));
    CPPUNIT_ASSERT(!q.waitDrainInto(batch));
    CPPUNIT_ASSERT(batch.empty());
  }

  void pushWaitingWaitsForADrain() {
    BoundedQueue<int> q(2);
    q.push(1);
    q.push(2);
    std::atomic<bool> pushed{false};
    std::thread producer([&] {
      q.pushWaiting(3);
      pushed = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CPPUNIT_ASSERT(!pushed.load());  // full: still waiting
    std::vector<int> batch;
    q.drainInto(batch);
    producer.join();
    CPPUNIT_ASSERT(pushed.load());
    q.drainInto(batch);
    CPPUNIT_ASSERT((batch == std::vector<int>{3}));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), q.dropped());
  }

  void closeReleasesAWaitingProducer() {
    BoundedQueue<int> q(1);
    q.push(1);
    Push result = Push::Queued;
    std::thread producer([&] { result = q.pushWaiting(2); });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    q.close();
    producer.join();
    CPPUNIT_ASSERT(Push::Dropped == result);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BoundedQueueTest);
