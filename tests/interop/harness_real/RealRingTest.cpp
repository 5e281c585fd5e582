// Six real nodes in a ring with one chord n3 -> n0; links cycle through
// tcp, tls and ws.
#include "Lab.hpp"
#include "Ping.hpp"
#include "TcpTransfer.hpp"
#include "Topology.hpp"
#include "Trace.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <set>

using namespace rtk::interop;

namespace {

constexpr int kRingConvergeMs = 90000;
constexpr int kRingHealMs = 90000;
constexpr std::uint64_t kRingTransferBytes = 20ull * 1024 * 1024;

}  // namespace

class RealRingTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RealRingTest);
  CPPUNIT_TEST(ringWithChordCarriesTrafficAndRoutesAroundACrash);
  CPPUNIT_TEST_SUITE_END();

 public:
  void ringWithChordCarriesTrafficAndRoutesAroundACrash() {
    Lab lab("ring6");
    Topology topo(lab, TopologyPlan::ringWithChord(6, {Transport::Tcp, Transport::Tls, Transport::Ws}));
    CPPUNIT_ASSERT_EQUAL(std::size_t{7}, topo.plan().links.size());
    topo.startAll();
    topo.waitPeersUp(kRingConvergeMs);
    // n0 and n3 carry the chord: three links each; the others two.
    for (int i = 0; i < 6; ++i) {
      const std::size_t want = (i == 0 || i == 3) ? 3 : 2;
      CPPUNIT_ASSERT_EQUAL(want, topo.node(i).ctl().upPeerKeys().size());
    }
    topo.waitTreeConverged(kRingConvergeMs);
    // Each node knows its own and its peers' ancestries; together they cover
    // the whole ring.
    std::set<std::string> known;
    for (int i = 0; i < 6; ++i) {
      for (const auto& key : topo.node(i).ctl().treeKeys()) known.insert(key);
    }
    CPPUNIT_ASSERT_EQUAL(std::size_t{6}, known.size());

    // n1 and n4 are three hops apart whichever way.
    topo.waitReachable(1, 4, kRingConvergeMs);
    const PingResult ping = ping6(topo.netns(1), topo.node(4).address(), PingOptions{5, 10000, 0.2, 56});
    CPPUNIT_ASSERT_MESSAGE(ping.run.describe(), ping.allReceived());
    const TransferResult t =
        tcpTransfer(topo.netns(1), topo.netns(4), topo.node(4).address(), 7300, kRingTransferBytes, 60000, lab.dir());
    CPPUNIT_ASSERT(t.intact());
    CPPUNIT_ASSERT_EQUAL(kRingTransferBytes, t.bytesReceived);
    trace("ring6: 20 MiB n1 -> n4 at " + std::to_string(t.megabitsPerSecond()) + " Mbit/s");

    // Crash n0 (a ring node and a chord end): n1 must reach n4 through
    // n2 - n3 - n4, and n5 through n4.
    topo.node(0).kill();
    const long rerouteMs = topo.waitReachable(1, 4, kRingHealMs);
    topo.waitReachable(1, 5, kRingHealMs);
    trace("ring6: n1 -> n4 rerouted " + std::to_string(rerouteMs) + " ms after n0 crashed");

    topo.node(0).start();
    topo.waitPeersUp(kRingHealMs);
    topo.waitTreeConverged(kRingHealMs);
    const long backMs = topo.waitReachable(2, 0, kRingHealMs);
    trace("ring6: n2 -> n0 reachable " + std::to_string(backMs) + " ms after the tree healed");
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, topo.node(0).ctl().upPeerKeys().size());
    // Real nodes drop packets while they look a path up again, so wait for
    // the first answer before counting losses.
    topo.waitReachable(5, 2, kRingHealMs);
    const PingResult after = ping6(topo.netns(5), topo.node(2).address(), PingOptions{3, 10000, 0.2, 56});
    CPPUNIT_ASSERT_MESSAGE(after.run.describe(), after.allReceived());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RealRingTest);
