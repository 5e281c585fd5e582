#include <cppunit/extensions/HelperMacros.h>

#include "core/link/PeerMonitor.hpp"

using namespace std::chrono_literals;
using rtk::core::link::PeerMonitor;

namespace {
constexpr std::uint8_t kKeepAlive = 1, kSigReq = 2, kTraffic = 9, kDummy = 0;
}

class PeerMonitorTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PeerMonitorTest);
  CPPUNIT_TEST(keepAliveOneSecondAfterUnansweredTraffic);
  CPPUNIT_TEST(sendingCancelsThePendingKeepAlive);
  CPPUNIT_TEST(keepAlivesAndDummiesAskForNothing);
  CPPUNIT_TEST(timeoutThreeSecondsAfterSendingWithoutAnswer);
  CPPUNIT_TEST(laterSendsDoNotPushTheDeadline);
  CPPUNIT_TEST(anyFrameReceivedClearsTheDeadline);
  CPPUNIT_TEST_SUITE_END();

  PeerMonitor::Clock::time_point t0 = PeerMonitor::Clock::now();

 public:
  void keepAliveOneSecondAfterUnansweredTraffic() {
    PeerMonitor m(1s, 3s);
    CPPUNIT_ASSERT(!m.nextDeadline());
    m.onReceived(kSigReq, t0);
    CPPUNIT_ASSERT(!m.keepAliveDue(t0 + 999ms));
    CPPUNIT_ASSERT(m.keepAliveDue(t0 + 1s));
    CPPUNIT_ASSERT(*m.nextDeadline() == t0 + 1s);
    // More traffic does not move the pending keepalive.
    m.onReceived(kTraffic, t0 + 500ms);
    CPPUNIT_ASSERT(m.keepAliveDue(t0 + 1s));
    m.onSent(kKeepAlive, t0 + 1s);
    CPPUNIT_ASSERT(!m.keepAliveDue(t0 + 5s));
    CPPUNIT_ASSERT(!m.timedOut(t0 + 10s));  // a keepalive expects no answer
  }

  void sendingCancelsThePendingKeepAlive() {
    PeerMonitor m(1s, 3s);
    m.onReceived(kTraffic, t0);
    m.onSent(kTraffic, t0 + 200ms);
    CPPUNIT_ASSERT(!m.keepAliveDue(t0 + 2s));
    CPPUNIT_ASSERT(m.timedOut(t0 + 3200ms));
  }

  void keepAlivesAndDummiesAskForNothing() {
    PeerMonitor m(1s, 3s);
    m.onReceived(kKeepAlive, t0);
    m.onReceived(kDummy, t0);
    CPPUNIT_ASSERT(!m.keepAliveDue(t0 + 10s));
    m.onSent(kDummy, t0);
    CPPUNIT_ASSERT(!m.timedOut(t0 + 10s));
    CPPUNIT_ASSERT(!m.nextDeadline());
  }

  void timeoutThreeSecondsAfterSendingWithoutAnswer() {
    PeerMonitor m(1s, 3s);
    m.onSent(kSigReq, t0);
    CPPUNIT_ASSERT(!m.timedOut(t0 + 2999ms));
    CPPUNIT_ASSERT(m.timedOut(t0 + 3s));
    CPPUNIT_ASSERT(*m.nextDeadline() == t0 + 3s);
  }

  void laterSendsDoNotPushTheDeadline() {
    PeerMonitor m(1s, 3s);
    m.onSent(kSigReq, t0);
    m.onSent(kTraffic, t0 + 2s);
    CPPUNIT_ASSERT(m.timedOut(t0 + 3s));
  }

  void anyFrameReceivedClearsTheDeadline() {
    PeerMonitor m(1s, 3s);
    m.onSent(kTraffic, t0);
    m.onReceived(kKeepAlive, t0 + 2s);
    CPPUNIT_ASSERT(!m.timedOut(t0 + 10s));
    m.onSent(kTraffic, t0 + 11s);
    CPPUNIT_ASSERT(m.timedOut(t0 + 14s));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PeerMonitorTest);
