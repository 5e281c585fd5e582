// Issue 3, scenario c, and the line-convergence figure.
//
// Two lines of three in one Lab, same transports (n1 dials n0 over tcp, n2
// dials n1 over tls): "m" = real - ours - real, "r" = real - real - real.
// Each is started and timed to convergence (admin, peers, tree, ping), then
// both carry the same checks: ping6 both ways between the ends' TUN
// addresses, a 100 MB TCP transfer with SHA-256 on both ends, and the middle
// node's key in both ends' getTree. The middle node's CPU seconds over the
// transfer are printed for ours and for the real node (figures, not asserts).
#include "LinksCommon.hpp"

#include "Lab.hpp"
#include "Ping.hpp"
#include "ProcStats.hpp"
#include "TcpTransfer.hpp"
#include "Topology.hpp"
#include "Trace.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <cstdio>

using namespace rtk::interop;
using namespace rtk::interop::links;

namespace {

constexpr int kBoundMs = 60000;
constexpr std::uint64_t kTransferBytes = 100ull * 1000 * 1000;
constexpr int kTransferBoundMs = 240000;

struct Convergence {
  long adminMs = 0, peersMs = 0, treeMs = 0, pingMs = 0;
};

Convergence converge(Topology& topo) {
  Convergence c;
  const auto t0 = Clock::now();
  topo.startAll();
  c.adminMs = msSince(t0);
  topo.waitPeersUp(kBoundMs);
  c.peersMs = msSince(t0);
  topo.waitTreeConverged(kBoundMs);
  c.treeMs = msSince(t0);
  topo.waitReachable(0, 2, kBoundMs);
  c.pingMs = msSince(t0);
  return c;
}

std::string describe(const Convergence& c) {
  char text[160];
  std::snprintf(text, sizeof text, "admin %ld ms, peers %ld ms, tree %ld ms, ping %ld ms (from start)", c.adminMs,
                c.peersMs, c.treeMs, c.pingMs);
  return text;
}

struct Forwarding {
  TransferResult transfer;
  double middleCpuS = 0;
  double endsCpuS = 0;  // both end nodes together (they encrypt and decrypt)
};

Forwarding transferThrough(Lab& lab, Topology& topo, int port) {
  const auto before = ProcStats::read(topo.node(1).pid());
  const auto before0 = ProcStats::read(topo.node(0).pid());
  const auto before2 = ProcStats::read(topo.node(2).pid());
  Forwarding f;
  f.transfer = tcpTransfer(topo.netns(0), topo.netns(2), topo.node(2).address(), port, kTransferBytes,
                           kTransferBoundMs, lab.dir());
  const auto after = ProcStats::read(topo.node(1).pid());
  f.middleCpuS = after.cpuSeconds - before.cpuSeconds;
  f.endsCpuS = ProcStats::read(topo.node(0).pid()).cpuSeconds - before0.cpuSeconds +
               ProcStats::read(topo.node(2).pid()).cpuSeconds - before2.cpuSeconds;
  trace(topo.node(1).name() + " (" + topo.node(1).kind() + ") after the transfer: " + after.describe());
  return f;
}

bool treeHas(const Node& node, const std::string& key) {
  const auto keys = node.ctl().treeKeys();
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

}  // namespace

class TransitTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(TransitTest);
  CPPUNIT_TEST(realOursRealLineCarriesPingAndHundredMegabytes);
  CPPUNIT_TEST_SUITE_END();

 public:
  void realOursRealLineCarriesPingAndHundredMegabytes() {
    Lab lab("transit");
    TopologyPlan mixedPlan = TopologyPlan::line(3, {Transport::Tcp, Transport::Tls});
    mixedPlan.prefix = "m";
    TopologyPlan realPlan = TopologyPlan::line(3, {Transport::Tcp, Transport::Tls});
    realPlan.prefix = "r";
    Topology mixed(lab, mixedPlan, {NodeKind::Real, NodeKind::Ours, NodeKind::Real});
    Topology real(lab, realPlan);

    const Convergence cm = converge(mixed);
    const Convergence cr = converge(real);
    figure("line convergence, real-ours-real (tcp, tls)", describe(cm));
    figure("line convergence, real-real-real (tcp, tls)", describe(cr));

    const Node& ours = mixed.node(1);
    CPPUNIT_ASSERT_MESSAGE("our key in m0's getTree", treeHas(mixed.node(0), ours.publicKey()));
    CPPUNIT_ASSERT_MESSAGE("our key in m2's getTree", treeHas(mixed.node(2), ours.publicKey()));

    // ping6 both ways between the real ends, across our node.
    const PingOptions opts{10, 15000, 0.1, 56};
    const PingResult there = ping6(mixed.netns(0), mixed.node(2).address(), opts);
    const PingResult back = ping6(mixed.netns(2), mixed.node(0).address(), opts);
    CPPUNIT_ASSERT_MESSAGE("m0 -> m2 across ours: " + there.run.describe(), there.allReceived());
    CPPUNIT_ASSERT_MESSAGE("m2 -> m0 across ours: " + back.run.describe(), back.allReceived());
    const PingResult realThere = ping6(real.netns(0), real.node(2).address(), opts);
    CPPUNIT_ASSERT_MESSAGE("r0 -> r2: " + realThere.run.describe(), realThere.allReceived());
    char text[200];
    std::snprintf(text, sizeof text, "across ours avg %.3f ms (min %.3f, max %.3f); all-real avg %.3f ms",
                  there.rttAvgMs, there.rttMinMs, there.rttMaxMs, realThere.rttAvgMs);
    figure("ping6 rtt, line of 3", text);

    // The same 100 MB through each middle node.
    const Forwarding fm = transferThrough(lab, mixed, 9001);
    CPPUNIT_ASSERT_MESSAGE("100 MB across ours arrived intact (sha256 " + fm.transfer.sha256Sent + " vs " +
                               fm.transfer.sha256Received + ")",
                           fm.transfer.intact());
    CPPUNIT_ASSERT_EQUAL(static_cast<std::uint64_t>(kTransferBytes), fm.transfer.bytesReceived);
    const Forwarding fr = transferThrough(lab, real, 9002);
    CPPUNIT_ASSERT_MESSAGE("100 MB across the real middle arrived intact", fr.transfer.intact());
    std::snprintf(text, sizeof text, "ours %.2f CPU s at %.1f Mbit/s, real %.2f CPU s at %.1f Mbit/s (ratio %.2f)",
                  fm.middleCpuS, fm.transfer.megabitsPerSecond(), fr.middleCpuS, fr.transfer.megabitsPerSecond(),
                  fr.middleCpuS > 0 ? fm.middleCpuS / fr.middleCpuS : 0.0);
    figure("forwarding 100 MB, middle node CPU", text);
    std::snprintf(text, sizeof text, "real ends together: %.2f CPU s beside ours, %.2f CPU s beside the real middle",
                  fm.endsCpuS, fr.endsCpuS);
    figure("forwarding 100 MB, end nodes CPU", text);

    // Our node still routes after the bulk transfer.
    CPPUNIT_ASSERT(ping6(mixed.netns(0), mixed.node(2).address(), PingOptions{3, 10000, 0.2, 56}).allReceived());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TransitTest);
