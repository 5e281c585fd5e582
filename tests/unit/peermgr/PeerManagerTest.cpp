// PeerManager against FakePeers: probes answer after a scripted delay on
// their own threads (so several are in flight at once), addPeer/removePeer
// keep a set the test reads, getPeers shows the added ones up unless the
// test marks them down.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "peermgr/PeerManager.hpp"
#include "ratatoskr/error.hpp"

using namespace std::chrono_literals;
using rtk::peermgr::Candidate;
using rtk::peermgr::ManagerOptions;
using rtk::peermgr::PeerManager;
using rtk::peermgr::parseCandidateUri;

namespace {

class FakePeers final : public rtk::PeerInterface {
 public:
  ~FakePeers() override {
    for (auto& t : threads_) t.join();
  }
  // rtt 0: the probe fails (refused).
  void script(const std::string& uri, std::chrono::milliseconds rtt) {
    std::lock_guard lock(mutex_);
    rtt_[uri] = rtt;
  }
  // One round trip per probe of `uri`, in turn (the last one repeats).
  void scriptSequence(const std::string& uri, std::vector<std::chrono::milliseconds> rtts) {
    std::lock_guard lock(mutex_);
    sequence_[uri] = std::move(rtts);
  }
  void setDown(const std::string& uri) {
    std::lock_guard lock(mutex_);
    down_.insert(uri);
  }

  void addPeer(std::string_view uri, std::string_view) override {
    std::lock_guard lock(mutex_);
    if (!added_.insert(std::string(uri)).second) throw rtk::Error(rtk::Errc::AlreadyExists, "already");
    ++adds_;
  }
  void removePeer(std::string_view uri, std::string_view) override {
    std::lock_guard lock(mutex_);
    if (!added_.erase(std::string(uri))) throw rtk::Error(rtk::Errc::NotFound, "not configured");
    ++removes_;
  }
  std::vector<rtk::PeerInfo> getPeers() const override {
    std::lock_guard lock(mutex_);
    std::vector<rtk::PeerInfo> out;
    for (const auto& uri : added_) {
      rtk::PeerInfo p;
      p.uri = uri;
      p.up = !down_.count(uri);
      out.push_back(p);
    }
    return out;
  }
  void retryPeers() override {}
  std::uint64_t subscribePeerEvents(PeerEventHandler) override { return 0; }
  void unsubscribePeerEvents(std::uint64_t) override {}
  void probePeer(std::string_view uri, std::chrono::milliseconds timeout, ProbeCallback done) override {
    std::chrono::milliseconds rtt{0};
    {
      std::lock_guard lock(mutex_);
      ++probes_;
      ++probed_[std::string(uri)];
      peak_ = std::max(peak_, ++inFlight_);
      if (auto it = rtt_.find(std::string(uri)); it != rtt_.end()) rtt = it->second;
      if (auto it = sequence_.find(std::string(uri)); it != sequence_.end())
        rtt = it->second.at(std::min(probed_[std::string(uri)] - 1, it->second.size() - 1));
    }
    const auto wait = rtt.count() > 0 ? rtt : std::min<std::chrono::milliseconds>(timeout, 30ms);
    std::lock_guard lock(mutex_);
    threads_.emplace_back([this, rtt, wait, done = std::move(done)] {
      std::this_thread::sleep_for(wait);
      {
        std::lock_guard l(mutex_);
        --inFlight_;
      }
      rtk::Outcome<rtk::PeerProbe> r;
      if (rtt.count() > 0) r.value.rtt = rtt;
      else r.error = rtk::Error(rtk::Errc::Refused, "refused");
      done(std::move(r));
    });
  }

  std::set<std::string> added() const {
    std::lock_guard lock(mutex_);
    return added_;
  }
  std::size_t peak() const {
    std::lock_guard lock(mutex_);
    return peak_;
  }
  std::size_t probes() const {
    std::lock_guard lock(mutex_);
    return probes_;
  }
  std::size_t probesOf(const std::string& uri) const {
    std::lock_guard lock(mutex_);
    auto it = probed_.find(uri);
    return it == probed_.end() ? 0 : it->second;
  }
  std::size_t removes() const {
    std::lock_guard lock(mutex_);
    return removes_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::chrono::milliseconds> rtt_;
  std::map<std::string, std::size_t> probed_;
  std::map<std::string, std::vector<std::chrono::milliseconds>> sequence_;
  std::set<std::string> added_, down_;
  std::size_t inFlight_ = 0, peak_ = 0, probes_ = 0, adds_ = 0, removes_ = 0;
  std::vector<std::thread> threads_;
};

std::vector<Candidate> candidatesOf(const std::vector<std::string>& uris) {
  std::vector<Candidate> out;
  for (std::size_t i = 0; i < uris.size(); ++i) out.push_back({parseCandidateUri(uris[i]), "test[" + std::to_string(i) + "]"});
  return out;
}

// RTK_TEST_LOG=1 shows the manager's log on stderr.
rtk::Log testLog() {
  if (!std::getenv("RTK_TEST_LOG")) return rtk::Log();
  return rtk::Log(std::make_shared<rtk::Logger>(rtk::Logger::stderrSink(), rtk::LogLevel::Debug), "peermgr");
}

ManagerOptions quick() {
  ManagerOptions o;
  o.probeSamples = 1;
  o.probeTimeout = 200ms;
  o.healthInterval = 0ms;
  return o;
}

template <class F>
void waitFor(const char* what, F condition) {
  for (int i = 0; i < 400; ++i) {
    if (condition()) return;
    std::this_thread::sleep_for(10ms);
  }
  CPPUNIT_FAIL(std::string("timed out waiting until ") + what);
}

}  // namespace

class PeerManagerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PeerManagerTest);
  CPPUNIT_TEST(keepsTheFastestPerSchemeAndDropsTheRest);
  CPPUNIT_TEST(neverProbesMoreThanBatchSizeAtOnce);
  CPPUNIT_TEST(theFastestOfSeveralSamplesCounts);
  CPPUNIT_TEST(failedCandidatesBackOff);
  CPPUNIT_TEST(passiveAddsEverythingAndRemovesNothing);
  CPPUNIT_TEST(refillReplacesADownPeerKeepingTheUpOnes);
  CPPUNIT_TEST(stopRemovesManagedPeersAndClosesOptimize);
  CPPUNIT_TEST_SUITE_END();

 public:
  void keepsTheFastestPerSchemeAndDropsTheRest() {
    FakePeers peers;
    const std::vector<std::string> uris{"tcp://a:1", "tcp://b:1", "tcp://c:1", "tcp://dead:1", "tls://a:2", "tls://b:2", "tls://dead:2"};
    std::map<std::string, int> rtts{{"tcp://a:1", 50}, {"tcp://b:1", 5}, {"tcp://c:1", 20}, {"tls://a:2", 1}, {"tls://b:2", 70}};
    for (const auto& [u, ms] : rtts) peers.script(u, std::chrono::milliseconds(ms));
    auto o = quick();
    o.maxPerProto = 2;
    PeerManager m(peers, candidatesOf(uris), o, testLog());
    m.start();
    m.optimize();
    CPPUNIT_ASSERT_MESSAGE(m.snapshot().dump(), (std::set<std::string>{"tcp://b:1", "tcp://c:1", "tls://a:2", "tls://b:2"}) == peers.added());
    // A faster tcp newcomer replaces the slowest tcp peer at the next cycle.
    peers.script("tcp://a:1", 1ms);
    m.optimize();  // tcp://a:1 is on hold (a reachable loser), so nothing changes yet
    CPPUNIT_ASSERT((std::set<std::string>{"tcp://b:1", "tcp://c:1", "tls://a:2", "tls://b:2"}) == peers.added());
    auto snap = m.snapshot();
    CPPUNIT_ASSERT_EQUAL(std::string("active"), snap.get("mode").asString());
    CPPUNIT_ASSERT_EQUAL(std::size_t{4}, snap.get("managed").size());
    m.stop();
    CPPUNIT_ASSERT(peers.added().empty());
  }

  void neverProbesMoreThanBatchSizeAtOnce() {
    FakePeers peers;
    std::vector<std::string> uris;
    for (int i = 0; i < 20; ++i) {
      uris.push_back("tcp://h" + std::to_string(i) + ":1");
      peers.script(uris.back(), 40ms);
    }
    auto o = quick();
    o.batchSize = 4;
    PeerManager m(peers, candidatesOf(uris), o, testLog());
    m.start();
    m.optimize();
    CPPUNIT_ASSERT_EQUAL(std::size_t{4}, peers.peak());
    // One winner (MaxPerProto 1) is managed; each cycle probes it plus 4 more.
    const auto before = peers.probes();
    m.optimize();
    CPPUNIT_ASSERT_EQUAL(std::size_t{5}, peers.probes() - before);
    CPPUNIT_ASSERT(peers.peak() <= 4);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{4}, m.snapshot().get("peak_probes_in_flight").asUint64());
  }

  void theFastestOfSeveralSamplesCounts() {
    FakePeers peers;
    peers.scriptSequence("tcp://a:1", {50ms, 5ms, 30ms});  // one late handshake, then fast ones
    peers.script("tcp://b:1", 20ms);
    auto o = quick();
    o.probeSamples = 3;
    PeerManager m(peers, candidatesOf({"tcp://a:1", "tcp://b:1", "tcp://dead:1"}), o, testLog());
    m.start();
    m.optimize();
    CPPUNIT_ASSERT((std::set<std::string>{"tcp://a:1"}) == peers.added());
    // 3 per cycle (the start's cycle and optimize's may be one or two).
    CPPUNIT_ASSERT(peers.probesOf("tcp://a:1") == 3 || peers.probesOf("tcp://a:1") == 6);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, peers.probesOf("tcp://dead:1"));  // a failure ends its turn
    CPPUNIT_ASSERT_EQUAL(5.0, m.snapshot().get("candidates").at(0).get("rtt_ms").asDouble());
  }

  void failedCandidatesBackOff() {
    FakePeers peers;
    peers.script("tcp://up:1", 5ms);
    auto o = quick();
    o.reprobeInterval = 0ms;
    PeerManager m(peers, candidatesOf({"tcp://up:1", "tcp://dead:1"}), o, testLog());
    m.start();
    m.optimize();
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, peers.probesOf("tcp://dead:1"));
    m.optimize();  // within 2 × ProbeTimeout: still backing off
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, peers.probesOf("tcp://dead:1"));
    auto snap = m.snapshot();
    const auto& dead = snap.get("candidates").at(1);
    CPPUNIT_ASSERT_EQUAL(std::string("backoff"), dead.get("state").asString());
    CPPUNIT_ASSERT_EQUAL(std::string("refused"), dead.get("last_error").asString());
    std::this_thread::sleep_for(450ms);
    m.optimize();
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, peers.probesOf("tcp://dead:1"));
  }

  void passiveAddsEverythingAndRemovesNothing() {
    FakePeers peers;
    auto o = quick();
    o.passive = true;
    PeerManager m(peers, candidatesOf({"tcp://a:1", "tls://b:2", "tcp://dead:1"}), o, testLog());
    m.start();
    waitFor("all three are added", [&] { return peers.added().size() == 3; });
    m.optimize();
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, peers.probes());
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, peers.removes());
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, m.active().size());
  }

  void refillReplacesADownPeerKeepingTheUpOnes() {
    FakePeers peers;
    for (auto [u, ms] : std::vector<std::pair<std::string, int>>{{"tcp://a:1", 1}, {"tcp://b:1", 2}, {"tcp://c:1", 3}})
      peers.script(u, std::chrono::milliseconds(ms));
    auto o = quick();
    o.maxPerProto = 2;
    o.minPeers = 1;
    o.minPeersConfirmations = 1;
    o.healthInterval = 50ms;
    o.probeTimeout = 100ms;  // also the grace for freshly added peers
    PeerManager m(peers, candidatesOf({"tcp://a:1", "tcp://b:1", "tcp://c:1"}), o, testLog());
    m.start();
    waitFor("a and b are chosen", [&] { return peers.added() == std::set<std::string>{"tcp://a:1", "tcp://b:1"}; });
    std::this_thread::sleep_for(150ms);  // past the grace
    peers.script("tcp://b:1", 0ms);      // b dies: its link goes down, its probes fail
    peers.setDown("tcp://b:1");
    waitFor("c replaces b", [&] { return peers.added() == std::set<std::string>{"tcp://a:1", "tcp://c:1"}; });
    CPPUNIT_ASSERT(m.snapshot().get("last_cycle").get("kind").asString() == "refill");
  }

  void stopRemovesManagedPeersAndClosesOptimize() {
    FakePeers peers;
    peers.script("tcp://a:1", 1ms);
    PeerManager m(peers, candidatesOf({"tcp://a:1"}), quick(), testLog());
    CPPUNIT_ASSERT_THROW(m.optimize(), rtk::Error);  // not started
    m.start();
    m.optimize();
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, peers.added().size());
    m.stop();
    CPPUNIT_ASSERT(peers.added().empty());
    try {
      m.optimize();
      CPPUNIT_FAIL("optimize after stop");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::Closed);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PeerManagerTest);
