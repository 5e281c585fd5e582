// Issue 3, scenario e: a mixed ring of six with a chord, our nodes as
// separate host processes.
//
//   n0 (real) - n1 (ours) - n2 (real) - n3 (ours) - n4 (real) - n5 (ours) - n0
//   chord n3 - n0; links cycle through tcp, tls, ws and unix.
//
// Every real node pings every other real node (ping6 between TUN addresses,
// so traffic crosses our nodes). Then n1 is killed (SIGKILL): the network
// heals (n0 and n2, n1's neighbours, reach each other over n3 and the chord)
// and every real pair pings again. Convergence and heal times are printed.
#include "LinksCommon.hpp"

#include "Lab.hpp"
#include "Ping.hpp"
#include "Topology.hpp"
#include "Trace.hpp"

#include <cppunit/extensions/HelperMacros.h>

using namespace rtk::interop;
using namespace rtk::interop::links;

namespace {

constexpr int kBoundMs = 90000;
const std::vector<int> kReal{0, 2, 4};

void everyRealPairPings(Topology& topo, const std::string& when) {
  for (int from : kReal) {
    for (int to : kReal) {
      if (from == to) continue;
      const long ms = topo.waitReachable(from, to, kBoundMs);
      trace(when + ": " + topo.node(from).name() + " reaches " + topo.node(to).name() + " after " +
            std::to_string(ms) + " ms of probing");
      // Right after a heal the real nodes may still be switching paths and
      // drop a few echoes (seen once in CI: 8 lost in 2 s, then steady), so
      // a lossy round is traced and pinged again; three in a row must arrive
      // within the bound.
      PingResult r = ping6(topo.netns(from), topo.node(to).address(), PingOptions{3, 10000, 0.2, 56});
      const auto firstTry = Clock::now();
      while (!r.allReceived() && msSince(firstTry) < kBoundMs) {
        trace(when + ": " + topo.node(from).name() + " -> " + topo.node(to).name() + ": echoes lost, pinging again:\n" +
              r.run.out);
        r = ping6(topo.netns(from), topo.node(to).address(), PingOptions{3, 10000, 0.2, 56});
      }
      CPPUNIT_ASSERT_MESSAGE(when + ": " + topo.node(from).name() + " -> " + topo.node(to).name() + ": " +
                                 r.run.describe() + "\n" + topo.snapshot(),
                             r.allReceived());
    }
  }
}

}  // namespace

class RingTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RingTest);
  CPPUNIT_TEST(mixedRingWithChordRoutesAndHeals);
  CPPUNIT_TEST_SUITE_END();

 public:
  void mixedRingWithChordRoutesAndHeals() {
    Lab lab("ring6");
    Topology topo(lab, TopologyPlan::ringWithChord(6, {Transport::Tcp, Transport::Tls, Transport::Ws, Transport::Unix}),
                  {NodeKind::Real, NodeKind::Ours, NodeKind::Real, NodeKind::Ours, NodeKind::Real, NodeKind::Ours});
    const auto t0 = Clock::now();
    topo.startAll();
    topo.waitPeersUp(kBoundMs);
    const long peersMs = msSince(t0);
    topo.waitTreeConverged(kBoundMs);
    const long treeMs = msSince(t0);
    everyRealPairPings(topo, "before the kill");
    figure("mixed ring of 6 + chord (3 real, 3 ours)",
           "peers up " + std::to_string(peersMs) + " ms, tree " + std::to_string(treeMs) +
               " ms, all 6 real pairs pinged " + std::to_string(msSince(t0)) + " ms after start");
    const std::string rootBefore = topo.treeRoot();

    // Our n1 crashes: n0 and n2 lose their direct path.
    topo.node(1).kill();
    const auto tKill = Clock::now();
    topo.waitReachable(0, 2, kBoundMs);
    const long healMs = msSince(tKill);
    topo.waitTreeConverged(kBoundMs);
    everyRealPairPings(topo, "after n1 was killed");
    figure("mixed ring heal after killing one of ours",
           "n0 reaches n2 " + std::to_string(healMs) + " ms after the kill; tree root " +
               (topo.treeRoot() == rootBefore ? "unchanged" : "changed") + ", all real pairs ping");
    for (int i : {0, 2, 3, 4, 5}) {
      CPPUNIT_ASSERT_MESSAGE(topo.node(i).name() + " still runs", topo.node(i).running());
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RingTest);
