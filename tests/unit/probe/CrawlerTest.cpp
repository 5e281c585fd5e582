// The crawl (Prober::tree / crawl over Crawler and RemoteFlights) against a
// scripted graph: levels, parents, RTTs, unreachable marks, maxDepth,
// maxNodes, concurrency without threads, single flight, busy, close.
#include <cppunit/extensions/HelperMacros.h>

#include <future>
#include <thread>

#include "FakeUpstream.hpp"
#include "common/ProcessCounters.hpp"
#include "probe/Prober.hpp"

using namespace rtk;
using namespace rtk::probe;
using rtk::probe::fake::keyN;

namespace {

const CrawlNode* nodeOf(const CrawlResult& r, int n) {
  for (const auto& x : r.nodes)
    if (x.key == keyN(n)) return &x;
  return nullptr;
}

// 0 - 1 - 3 - 5
//   \ 2 /   \ 4      (2 links 0 and 3; 4 hangs off 3)
void diamond(fake::FakeUpstream& up) {
  up.link(0, 1, 7);
  up.link(0, 2, 8);
  up.link(1, 3);
  up.link(2, 3);
  up.link(3, 4);
  up.link(3, 5);
}

}  // namespace

class CrawlerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CrawlerTest);
  CPPUNIT_TEST(findsEveryNodeLevelByLevel);
  CPPUNIT_TEST(maxDepthIsRequiredAndLimits);
  CPPUNIT_TEST(maxNodesTruncates);
  CPPUNIT_TEST(failedCallMarksUnreachable);
  CPPUNIT_TEST(badReplyIsUnreachableNotFatal);
  CPPUNIT_TEST(aTimedOutCallIsMadeAgain);
  CPPUNIT_TEST(concurrencyBoundsCallsWithoutThreads);
  CPPUNIT_TEST(twoCrawlsShareOneFlightPerKey);
  CPPUNIT_TEST(overTheFlightCapIsBusy);
  CPPUNIT_TEST(closeEndsACrawlWithAPartialResult);
  CPPUNIT_TEST_SUITE_END();

 public:
  void findsEveryNodeLevelByLevel() {
    fake::FakeUpstream up;
    diamond(up);
    up.rtts[keyN(1)] = std::chrono::microseconds(1500);
    Prober prober(up, {}, Log());
    std::vector<CrawlLevel> progress;
    auto r = prober.tree(CrawlOptions{10, 4, 0}, [&](const CrawlLevel& l) { progress.push_back(l); });
    CPPUNIT_ASSERT_EQUAL(std::string(), r.error);
    CPPUNIT_ASSERT_EQUAL(keyN(0), r.root);
    CPPUNIT_ASSERT_EQUAL(std::size_t(5), r.nodes.size());
    CPPUNIT_ASSERT(!r.truncated);
    // Levels: {1,2}, {3}, {4,5}.
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), progress.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), progress[0].found);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), progress[1].found);
    CPPUNIT_ASSERT_EQUAL(std::size_t(5), progress[2].total);
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), r.levels.size());
    // Parents: 3 is listed by 1 and 2; the first in key order wins, whatever the timing.
    CPPUNIT_ASSERT(nodeOf(r, 1)->parent == keyN(0) && nodeOf(r, 2)->parent == keyN(0));
    CPPUNIT_ASSERT(nodeOf(r, 3)->parent == keyN(1));
    CPPUNIT_ASSERT(nodeOf(r, 4)->parent == keyN(3) && nodeOf(r, 5)->parent == keyN(3));
    CPPUNIT_ASSERT_EQUAL(3, nodeOf(r, 5)->depth);
    // RTT of a queried node is its call's; the last level is queried too (depth limit not reached).
    CPPUNIT_ASSERT(nodeOf(r, 1)->rtt == std::chrono::microseconds(1500));
    CPPUNIT_ASSERT(nodeOf(r, 4)->queried);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), nodeOf(r, 4)->peers);
    CPPUNIT_ASSERT_EQUAL(std::size_t(5), r.remoteCalls);
  }

  void maxDepthIsRequiredAndLimits() {
    fake::FakeUpstream up;
    diamond(up);
    Prober prober(up, {}, Log());
    CPPUNIT_ASSERT_THROW(prober.tree(CrawlOptions{0, 4, 0}), Error);
    auto one = prober.tree(CrawlOptions{1, 4, 0});
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), one.nodes.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), one.remoteCalls);  // depth 1 is our peers: no remote call
    CPPUNIT_ASSERT(nodeOf(one, 1)->rtt == std::chrono::microseconds(101));  // the link latency
    auto two = prober.tree(CrawlOptions{2, 4, 0});
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), two.nodes.size());
    CPPUNIT_ASSERT(!nodeOf(two, 3)->queried);  // the last level is not asked
  }

  void maxNodesTruncates() {
    fake::FakeUpstream up;
    diamond(up);
    Prober prober(up, {}, Log());
    auto r = prober.tree(CrawlOptions{10, 4, 3});
    CPPUNIT_ASSERT(r.truncated);
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), r.nodes.size());
    CPPUNIT_ASSERT(r.levels.back().truncated);
    auto cut = prober.tree(CrawlOptions{10, 4, 4});  // level 3 has {4,5}: only 4 fits
    CPPUNIT_ASSERT(cut.truncated && nodeOf(cut, 4) && !nodeOf(cut, 5));
    ProbeOptions small;
    small.maxTotalNodes = 2;
    Prober limited(up, small, Log());
    auto byDefault = limited.tree(CrawlOptions{10, 4, 0});
    CPPUNIT_ASSERT(byDefault.truncated);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), byDefault.options.maxNodes);
  }

  void failedCallMarksUnreachable() {
    fake::FakeUpstream up;
    diamond(up);
    up.unreachable.insert(keyN(1));
    up.unreachable.insert(keyN(2));
    Prober prober(up, {}, Log());
    auto r = prober.tree(CrawlOptions{10, 4, 0});
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), r.nodes.size());  // nobody else can be found
    CPPUNIT_ASSERT(nodeOf(r, 1)->unreachable && nodeOf(r, 2)->unreachable);
    CPPUNIT_ASSERT(nodeOf(r, 1)->rtt.count() == 0);
    CPPUNIT_ASSERT_EQUAL(std::size_t(4), r.remoteCalls);  // each asked twice (timeouts)
    CPPUNIT_ASSERT_EQUAL(std::string(), r.error);  // unreachable nodes do not end the crawl
  }

  void aTimedOutCallIsMadeAgain() {
    fake::FakeUpstream up;
    diamond(up);
    up.timeoutsFirst[keyN(3)] = 1;  // lost once, answers the second call
    up.timeoutsFirst[keyN(4)] = 2;  // lost twice: unreachable with the default 2 attempts
    Prober prober(up, {}, Log());
    auto r = prober.tree(CrawlOptions{10, 4, 0});
    CPPUNIT_ASSERT(!nodeOf(r, 3)->unreachable);
    CPPUNIT_ASSERT(nodeOf(r, 5) && nodeOf(r, 5)->parent == keyN(3));
    CPPUNIT_ASSERT(nodeOf(r, 4)->unreachable);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), up.callsFor(RemoteQuery::Peers, keyN(3)));
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), up.callsFor(RemoteQuery::Peers, keyN(4)));
    CPPUNIT_ASSERT_EQUAL(std::size_t(7), r.remoteCalls);
    ProbeOptions once;
    once.remoteAttempts = 1;
    up.timeoutsFirst[keyN(3)] = 1;
    Prober impatient(up, once, Log());
    CPPUNIT_ASSERT(nodeOf(impatient.tree(CrawlOptions{10, 4, 0}), 3)->unreachable);
  }

  void badReplyIsUnreachableNotFatal() {
    fake::FakeUpstream up;
    diamond(up);
    up.rawReplies[keyN(1)] = "{\"not\":\"a list\"}";
    up.rawReplies[keyN(2)] = "[\"" + keyN(3).hex() + "\",\"short\",42]";
    Prober prober(up, {}, Log());
    auto r = prober.tree(CrawlOptions{10, 4, 0});
    CPPUNIT_ASSERT(nodeOf(r, 1)->unreachable);
    CPPUNIT_ASSERT(!nodeOf(r, 2)->unreachable);
    CPPUNIT_ASSERT(nodeOf(r, 3)->parent == keyN(2));
    CPPUNIT_ASSERT_EQUAL(std::size_t(5), r.nodes.size());
  }

  void concurrencyBoundsCallsWithoutThreads() {
    fake::FakeUpstream up;
    for (int i = 1; i <= 300; ++i) up.link(0, i);  // 300 peers, each then asked
    up.hold = true;
    Prober prober(up, {}, Log());
    const std::size_t threadsBefore = rtk::test::threadCount();
    auto done = std::make_shared<std::promise<CrawlResult>>();
    auto future = done->get_future();
    prober.crawl(CrawlOptions{2, 256, 0}, {}, [done](CrawlResult r) { done->set_value(std::move(r)); });
    CPPUNIT_ASSERT_EQUAL(std::size_t(256), up.outstanding());  // 256 out, held
    CPPUNIT_ASSERT_EQUAL(threadsBefore, rtk::test::threadCount());  // and no thread for them
    up.hold = false;
    up.releaseAll();
    auto r = future.get();
    CPPUNIT_ASSERT_EQUAL(std::size_t(300), r.remoteCalls);
    CPPUNIT_ASSERT_EQUAL(std::size_t(256), up.maxOut);
    auto capped = prober.tree(CrawlOptions{2, 1000, 0});  // above 256 counts as 256
    CPPUNIT_ASSERT_EQUAL(std::size_t(300), capped.remoteCalls);
  }

  void twoCrawlsShareOneFlightPerKey() {
    fake::FakeUpstream up;
    diamond(up);
    up.hold = true;
    Prober prober(up, {}, Log());
    auto a = std::make_shared<std::promise<CrawlResult>>();
    auto b = std::make_shared<std::promise<CrawlResult>>();
    prober.crawl(CrawlOptions{2, 4, 0}, {}, [a](CrawlResult r) { a->set_value(std::move(r)); });
    prober.crawl(CrawlOptions{2, 4, 0}, {}, [b](CrawlResult r) { b->set_value(std::move(r)); });
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), up.outstanding());  // keys 1 and 2, once each
    up.hold = false;
    up.releaseAll();
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), a->get_future().get().nodes.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), b->get_future().get().nodes.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), up.callsFor(RemoteQuery::Peers, keyN(1)));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), prober.counters().joined);
  }

  void overTheFlightCapIsBusy() {
    fake::FakeUpstream up;
    for (int i = 1; i <= 200; ++i) up.link(0, i);
    up.hold = true;
    Prober prober(up, {}, Log());
    auto a = std::make_shared<std::promise<CrawlResult>>();
    prober.crawl(CrawlOptions{2, 200, 0}, {}, [a](CrawlResult r) { a->set_value(std::move(r)); });
    // A second crawl over other keys: 56 slots left of 256, then busy.
    auto flights = std::make_shared<RemoteFlights>(up, std::chrono::milliseconds(6000));
    std::size_t busy = 0;
    for (int i = 1000; i < 1300; ++i) {
      flights->call(RemoteQuery::Peers, keyN(i), [&](const Outcome<RemoteReply>& r) {
        if (!r.ok() && r.error->code() == Errc::Refused) ++busy;
      });
    }
    CPPUNIT_ASSERT_EQUAL(std::size_t(300 - 256), busy);  // one flights object: its own cap
    // The prober's own cap: a crawl of 300 further keys while 200 are out.
    auto b = std::make_shared<std::promise<CrawlResult>>();
    fake::FakeUpstream& same = up;
    for (int i = 2000; i < 2100; ++i) same.graph[keyN(i)] = {};
    same.peers.clear();
    for (int i = 2000; i < 2100; ++i) same.peers.push_back(LocalPeer{keyN(i), 0, std::chrono::microseconds(1)});
    prober.crawl(CrawlOptions{2, 100, 0}, {}, [b](CrawlResult r) { b->set_value(std::move(r)); });
    up.hold = false;
    up.releaseAll();
    auto rb = b->get_future().get();
    CPPUNIT_ASSERT_MESSAGE(rb.error, rb.error.find("busy") != std::string::npos);
    CPPUNIT_ASSERT(rb.nodes.size() == 100);  // partial: the level is there, some calls refused
    CPPUNIT_ASSERT(a->get_future().get().error.empty());
    CPPUNIT_ASSERT(prober.counters().busy > 0);
  }

  void closeEndsACrawlWithAPartialResult() {
    fake::FakeUpstream up;
    diamond(up);
    up.hold = true;
    Prober prober(up, {}, Log());
    auto a = std::make_shared<std::promise<CrawlResult>>();
    prober.crawl(CrawlOptions{5, 4, 0}, {}, [a](CrawlResult r) { a->set_value(std::move(r)); });
    prober.close();
    auto r = a->get_future().get();
    CPPUNIT_ASSERT_EQUAL(std::string("probe: closed"), r.error);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), r.nodes.size());
    CPPUNIT_ASSERT_THROW(prober.tree(CrawlOptions{1, 1, 0}), Error);
    up.releaseAll();  // late replies are dropped
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CrawlerTest);
