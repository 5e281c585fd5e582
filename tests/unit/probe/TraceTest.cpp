// Tree paths from the local tree and route traces (Prober::path / trace):
// the root-first path, its errors, hops matched to our peers only where the
// hop leaves from us, lookups until the path appears, the time limit, RTTs.
#include <cppunit/extensions/HelperMacros.h>

#include "FakeUpstream.hpp"
#include "probe/Prober.hpp"
#include "probe/TreePath.hpp"

using namespace rtk;
using namespace rtk::probe;
using rtk::probe::fake::keyN;

namespace {

// Tree: root 9 → 0 (us) → 1 → 2; and 9 → 5.
std::vector<TreeEntry> sampleTree() {
  return {TreeEntry{keyN(9), keyN(9)}, TreeEntry{keyN(0), keyN(9)}, TreeEntry{keyN(1), keyN(0)},
          TreeEntry{keyN(2), keyN(1)}, TreeEntry{keyN(5), keyN(9)}};
}

ProbeOptions quick() {
  ProbeOptions o;
  o.pollInterval = std::chrono::milliseconds(5);
  o.lookupRetryEvery = std::chrono::milliseconds(20);
  o.maxDuration = std::chrono::milliseconds(300);
  o.hopWait = std::chrono::milliseconds(50);
  return o;
}

}  // namespace

class TraceTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(TraceTest);
  CPPUNIT_TEST(treePathIsRootFirst);
  CPPUNIT_TEST(treePathErrors);
  CPPUNIT_TEST(knownTargetNeedsNoLookup);
  CPPUNIT_TEST(hopsMatchOurPeersOnlyWhereTheyLeaveFromUs);
  CPPUNIT_TEST(lookupUntilThePathAppears);
  CPPUNIT_TEST(unknownTargetTimesOut);
  CPPUNIT_TEST(coordinatesWithoutTreePathKeepTheEnds);
  CPPUNIT_TEST(aHopFromUsLeadsToOurPeer);
  CPPUNIT_TEST_SUITE_END();

 public:
  void treePathIsRootFirst() {
    auto p = treePath(sampleTree(), keyN(2));
    CPPUNIT_ASSERT(p == (std::vector<PublicKey>{keyN(9), keyN(0), keyN(1), keyN(2)}));
    CPPUNIT_ASSERT(treePath(sampleTree(), keyN(9)) == std::vector<PublicKey>{keyN(9)});
  }

  void treePathErrors() {
    auto codeOf = [](const std::vector<TreeEntry>& t, int k) {
      try {
        treePath(t, keyN(k));
      } catch (const Error& e) {
        return e.code();
      }
      return Errc::Unknown;
    };
    CPPUNIT_ASSERT(codeOf({}, 1) == Errc::NotFound);
    CPPUNIT_ASSERT(codeOf(sampleTree(), 7) == Errc::NotFound);
    CPPUNIT_ASSERT(codeOf({TreeEntry{keyN(1), keyN(2)}, TreeEntry{keyN(2), keyN(1)}}, 1) == Errc::Protocol);  // cycle
    CPPUNIT_ASSERT(codeOf({TreeEntry{keyN(1), keyN(2)}}, 1) == Errc::Protocol);  // broken chain
  }

  void knownTargetNeedsNoLookup() {
    fake::FakeUpstream up;
    up.link(0, 1, 4);
    up.graph[keyN(2)] = {};
    up.treeEntries = sampleTree();
    up.pathEntries = {PathEntry{keyN(2), {3, 4, 6}}};
    Prober prober(up, quick(), Log());
    auto r = prober.trace(keyN(2));
    CPPUNIT_ASSERT(!r.lookupSent);
    CPPUNIT_ASSERT_EQUAL(std::string(), r.error);
    CPPUNIT_ASSERT_EQUAL(std::size_t(4), r.path.size());
    CPPUNIT_ASSERT(!r.path[0].rtt);                                 // the root: not measured
    CPPUNIT_ASSERT(r.path[2].rtt == std::chrono::microseconds(101));  // our peer: link latency
    CPPUNIT_ASSERT(r.path[3].rtt == std::chrono::milliseconds(3));    // others: a remote call
    CPPUNIT_ASSERT(r.rtt == std::chrono::milliseconds(3));
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), up.callsFor(RemoteQuery::Self, keyN(2)));
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), up.callsFor(RemoteQuery::Self, keyN(1)));
  }

  void hopsMatchOurPeersOnlyWhereTheyLeaveFromUs() {
    fake::FakeUpstream up;
    up.link(0, 1, 4);
    up.peers.push_back(LocalPeer{keyN(7), 3, std::chrono::microseconds(50)});  // port 3 also is ours
    up.graph[keyN(2)] = {};
    up.treeEntries = sampleTree();
    up.pathEntries = {PathEntry{keyN(2), {3, 4, 6}}};
    Prober prober(up, quick(), Log());
    auto r = prober.trace(keyN(2));
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), r.hops.size());
    CPPUNIT_ASSERT(r.hops[0].from == keyN(9) && r.hops[0].to == keyN(0) && r.hops[0].port == 3);
    CPPUNIT_ASSERT(!r.hops[0].localPeer);  // port 3 at the root is the root's, not our peer 7
    CPPUNIT_ASSERT(r.hops[1].from == keyN(0) && r.hops[1].localPeer == keyN(1));  // leaves from us by port 4
    CPPUNIT_ASSERT(!r.hops[2].localPeer);
    CPPUNIT_ASSERT(r.hops[2].rtt == std::chrono::milliseconds(3));
  }

  void lookupUntilThePathAppears() {
    fake::FakeUpstream up;
    up.link(0, 1, 4);
    up.graph[keyN(5)] = {};
    up.treeEntries = sampleTree();
    int lookups = 0;
    up.onLookup = [&](fake::FakeUpstream& u) {
      if (++lookups == 3) u.pathEntries = {PathEntry{keyN(5), {2}}};
    };
    ProbeOptions patient = quick();
    patient.hopWait = std::chrono::seconds(5);  // the tree path is known; the coordinates come with the 3rd lookup
    Prober prober(up, patient, Log());
    auto r = prober.trace(keyN(5));
    CPPUNIT_ASSERT(r.lookupSent);
    CPPUNIT_ASSERT_EQUAL(3, lookups);  // repeated every LookupRetryEvery until found
    CPPUNIT_ASSERT_EQUAL(std::string(), r.error);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), r.hops.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), r.path.size());
  }

  void unknownTargetTimesOut() {
    fake::FakeUpstream up;
    up.treeEntries = sampleTree();
    Prober prober(up, quick(), Log());
    auto r = prober.trace(keyN(77));
    CPPUNIT_ASSERT(r.lookupSent);
    CPPUNIT_ASSERT_MESSAGE(r.error, r.error.find("lookup timed out") != std::string::npos);
    CPPUNIT_ASSERT(r.hops.empty() && r.path.empty() && !r.rtt);
    CPPUNIT_ASSERT(up.lookups.size() >= 2);
  }

  void coordinatesWithoutTreePathKeepTheEnds() {
    fake::FakeUpstream up;
    up.link(0, 1, 4);
    up.graph[keyN(40)] = {};
    up.treeEntries = sampleTree();
    up.pathEntries = {PathEntry{keyN(40), {2, 9, 9}}};
    Prober prober(up, quick(), Log());
    auto r = prober.trace(keyN(40));
    CPPUNIT_ASSERT(r.path.empty());
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), r.hops.size());
    CPPUNIT_ASSERT(r.hops[0].from == keyN(9) && !r.hops[0].to);
    CPPUNIT_ASSERT(!r.hops[1].from && !r.hops[1].to && !r.hops[1].localPeer);
    CPPUNIT_ASSERT(r.hops[2].to == keyN(40) && r.hops[2].rtt == std::chrono::milliseconds(41));
  }

  // We are the root: the first hop leaves from us, so its port names our peer, which is the next hop's start.
  void aHopFromUsLeadsToOurPeer() {
    fake::FakeUpstream up;
    up.link(0, 1, 4);
    up.peers.push_back(LocalPeer{keyN(7), 1, std::chrono::microseconds(50)});
    up.graph[keyN(40)] = {};
    up.treeEntries = {TreeEntry{keyN(0), keyN(0)}, TreeEntry{keyN(1), keyN(0)}};
    up.pathEntries = {PathEntry{keyN(40), {4, 1}}};
    Prober prober(up, quick(), Log());
    auto r = prober.trace(keyN(40));
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), r.hops.size());
    CPPUNIT_ASSERT(r.hops[0].from == keyN(0) && r.hops[0].localPeer == keyN(1) && r.hops[0].to == keyN(1));
    CPPUNIT_ASSERT(r.hops[0].rtt == std::chrono::microseconds(101));
    CPPUNIT_ASSERT(r.hops[1].from == keyN(1));
    CPPUNIT_ASSERT(!r.hops[1].localPeer);  // port 1 is peer 7's here, but this hop leaves from node 1
    CPPUNIT_ASSERT(r.hops[1].to == keyN(40));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TraceTest);
