#include <cppunit/extensions/HelperMacros.h>

#include "core/proto/RequestTable.hpp"

using rtk::core::proto::RequestTable;
using namespace std::chrono_literals;

namespace {
rtk::PublicKey filledKey(std::uint8_t b) {
  rtk::PublicKey k;
  k.bytes.fill(b);
  return k;
}
}  // namespace

class RequestTableTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RequestTableTest);
  CPPUNIT_TEST(replyAnswersEveryWaiterOnce);
  CPPUNIT_TEST(entriesExpireAfterTheirLastRequest);
  CPPUNIT_TEST(removedWaitersAreNotCalled);
  CPPUNIT_TEST(boundsKeysAndWaiters);
  CPPUNIT_TEST_SUITE_END();

 public:
  const RequestTable::Clock::time_point t0{std::chrono::hours(1)};

  void replyAnswersEveryWaiterOnce() {
    RequestTable t(8, 8, 60s);
    int calls = 0;
    t.add(filledKey(1), [&](const rtk::core::Bytes& b) { calls += static_cast<int>(b.size()); }, t0);
    t.add(filledKey(1), [&](const rtk::core::Bytes& b) { calls += static_cast<int>(b.size()); }, t0);
    auto cbs = t.complete(filledKey(1), t0 + 1s);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), cbs.size());
    for (auto& cb : cbs) cb(rtk::core::Bytes(3));
    CPPUNIT_ASSERT_EQUAL(6, calls);
    CPPUNIT_ASSERT(t.complete(filledKey(1), t0 + 2s).empty());
    CPPUNIT_ASSERT(t.complete(filledKey(2), t0).empty());
  }

  void entriesExpireAfterTheirLastRequest() {
    RequestTable t(8, 8, 60s);
    t.add(filledKey(1), [](const rtk::core::Bytes&) {}, t0);
    t.add(filledKey(2), [](const rtk::core::Bytes&) {}, t0);
    t.add(filledKey(2), [](const rtk::core::Bytes&) {}, t0 + 30s);  // asked again: restarts the minute
    CPPUNIT_ASSERT(t.pending(filledKey(1), t0 + 59s));
    CPPUNIT_ASSERT(!t.pending(filledKey(1), t0 + 60s));
    CPPUNIT_ASSERT(t.complete(filledKey(1), t0 + 61s).empty());  // too late
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), t.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), t.expire(t0 + 89s));
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), t.expire(t0 + 90s));
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), t.size());
  }

  void removedWaitersAreNotCalled() {
    RequestTable t(8, 8, 60s);
    auto id = t.add(filledKey(1), [](const rtk::core::Bytes&) {}, t0);
    t.add(filledKey(1), [](const rtk::core::Bytes&) {}, t0);
    CPPUNIT_ASSERT(id != 0);
    t.removeWaiter(filledKey(1), id);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), t.waiters(filledKey(1)));
    CPPUNIT_ASSERT(t.pending(filledKey(1), t0));
  }

  void boundsKeysAndWaiters() {
    RequestTable t(2, 2, 60s);
    t.add(filledKey(1), [](const rtk::core::Bytes&) {}, t0);
    t.add(filledKey(2), [](const rtk::core::Bytes&) {}, t0 + 1s);
    t.add(filledKey(3), [](const rtk::core::Bytes&) {}, t0 + 2s);  // drops key 1, the least recently asked
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), t.size());
    CPPUNIT_ASSERT(!t.pending(filledKey(1), t0 + 3s));
    CPPUNIT_ASSERT(t.pending(filledKey(2), t0 + 3s));
    int oldest = 0;
    t.add(filledKey(2), [&](const rtk::core::Bytes&) { ++oldest; }, t0 + 3s);
    t.add(filledKey(2), [](const rtk::core::Bytes&) {}, t0 + 3s);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), t.waiters(filledKey(2)));
    for (auto& cb : t.complete(filledKey(2), t0 + 4s)) cb({});
    CPPUNIT_ASSERT_EQUAL(1, oldest);  // the very first waiter on key 2 was the one dropped
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RequestTableTest);
