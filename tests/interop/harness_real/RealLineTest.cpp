// Three real nodes in a line: n0 <- n1 <- n2 (each dials its left neighbour).
#include "Lab.hpp"
#include "Ping.hpp"
#include "ProcStats.hpp"
#include "TcpTransfer.hpp"
#include "Topology.hpp"
#include "Trace.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <cstdio>

using namespace rtk::interop;

namespace {

// Bounds, not expectations: a healthy run takes a few seconds. They only
// keep a broken run from hanging.
constexpr int kConvergeMs = 60000;
constexpr int kHealMs = 60000;
constexpr std::uint64_t kTransferBytes = 20ull * 1024 * 1024;

std::vector<std::string> upRemotes(const Node& node) {
  std::vector<std::string> remotes;
  const auto peers = node.ctl().getPeers()->getArray("peers");
  for (std::size_t i = 0; i < peers->size(); ++i) {
    const auto p = peers->getObject(static_cast<unsigned>(i));
    if (p->optValue<bool>("up", false)) remotes.push_back(p->getValue<std::string>("remote"));
  }
  return remotes;
}

bool hasScheme(const std::vector<std::string>& remotes, const std::string& scheme) {
  for (const auto& r : remotes) {
    if (r.rfind(scheme + "://", 0) == 0) return true;
  }
  return false;
}

void traceResources(Topology& topo) {
  for (int i = 0; i < topo.size(); ++i) {
    trace(topo.node(i).name() + ": " + ProcStats::read(topo.node(i).pid()).describe());
  }
}

}  // namespace

class RealLineTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RealLineTest);
  CPPUNIT_TEST(lineOverTcpAndTlsCarriesTrafficAndHeals);
  CPPUNIT_TEST(lineOverWsAndUnixConverges);
  CPPUNIT_TEST_SUITE_END();

 public:
  void lineOverTcpAndTlsCarriesTrafficAndHeals() {
    Lab lab("line3");
    Topology topo(lab, TopologyPlan::line(3, {Transport::Tcp, Transport::Tls}));
    topo.startAll();
    topo.waitPeersUp(kConvergeMs);

    // n1 is the middle: one tcp link (it dials n0) and one tls link (n2 dials it).
    const auto middle = upRemotes(topo.node(1));
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, middle.size());
    CPPUNIT_ASSERT(hasScheme(middle, "tcp"));
    CPPUNIT_ASSERT(hasScheme(middle, "tls"));
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, upRemotes(topo.node(0)).size());
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, upRemotes(topo.node(2)).size());

    topo.waitTreeConverged(kConvergeMs);
    // The middle node peers with both ends, so its tree lists all three; the
    // ends only know their own and their peer's ancestry (see Topology.hpp).
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, topo.node(1).ctl().treeKeys().size());
    const std::string root = topo.treeRoot();
    CPPUNIT_ASSERT(root == topo.node(0).publicKey() || root == topo.node(1).publicKey() ||
                   root == topo.node(2).publicKey());

    topo.waitReachable(0, 2, kConvergeMs);
    const PingResult there = ping6(topo.netns(0), topo.node(2).address(), PingOptions{5, 10000, 0.2, 56});
    CPPUNIT_ASSERT_MESSAGE(there.run.describe(), there.allReceived());
    const PingResult back = ping6(topo.netns(2), topo.node(0).address(), PingOptions{3, 10000, 0.2, 1200});
    CPPUNIT_ASSERT_MESSAGE(back.run.describe(), back.allReceived());
    trace("line3: ping n0 -> n2 rtt avg " + std::to_string(there.rttAvgMs) + " ms");

    const auto info = topo.node(0).ctl().getNodeInfo(topo.node(2).publicKey());
    CPPUNIT_ASSERT(info->has(topo.node(2).publicKey()));
    CPPUNIT_ASSERT_EQUAL(std::string("n2"),
                         info->getObject(topo.node(2).publicKey())->getValue<std::string>("name"));

    const TransferResult t =
        tcpTransfer(topo.netns(0), topo.netns(2), topo.node(2).address(), 7300, kTransferBytes, 60000, lab.dir());
    CPPUNIT_ASSERT_EQUAL(kTransferBytes, t.bytesReceived);
    CPPUNIT_ASSERT_EQUAL(t.sha256Sent, t.sha256Received);
    trace("line3: 20 MiB n0 -> n2 in " + std::to_string(t.seconds) + " s (" +
          std::to_string(t.megabitsPerSecond()) + " Mbit/s)");
    traceResources(topo);

    // A crash of the middle node cuts the line: there is no other path.
    topo.node(1).kill();
    const PingResult cut = ping6(topo.netns(0), topo.node(2).address(), PingOptions{2, 3000, 0.5, 56});
    CPPUNIT_ASSERT_EQUAL(0, cut.received);

    const auto healStart = std::chrono::steady_clock::now();
    topo.node(1).start();
    topo.waitPeersUp(kHealMs);
    topo.waitTreeConverged(kHealMs);
    topo.waitReachable(0, 2, kHealMs);
    const auto healMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - healStart)
                            .count();
    trace("line3: healed " + std::to_string(healMs) + " ms after restarting n1");
    const PingResult healed = ping6(topo.netns(0), topo.node(2).address(), PingOptions{3, 10000, 0.2, 56});
    CPPUNIT_ASSERT_MESSAGE(healed.run.describe(), healed.allReceived());
  }

  void lineOverWsAndUnixConverges() {
    Lab lab("line3ws");
    Topology topo(lab, TopologyPlan::line(3, {Transport::Ws, Transport::Unix}));
    topo.startAll();
    topo.waitPeersUp(kConvergeMs);
    const auto middle = upRemotes(topo.node(1));
    CPPUNIT_ASSERT(hasScheme(middle, "ws"));
    CPPUNIT_ASSERT(hasScheme(middle, "unix"));
    topo.waitTreeConverged(kConvergeMs);
    topo.waitReachable(2, 0, kConvergeMs);
    const PingResult ping = ping6(topo.netns(2), topo.node(0).address(), PingOptions{3, 10000, 0.2, 56});
    CPPUNIT_ASSERT_MESSAGE(ping.run.describe(), ping.allReceived());
    // The debug protocol answers across both hops: n2 asks n0 for its peers.
    const auto remote = topo.node(2).ctl().debugRemoteGetPeers(topo.node(0).publicKey());
    CPPUNIT_ASSERT(remote->has(topo.node(0).address()));
    const auto keys = remote->getObject(topo.node(0).address())->getArray("keys");
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, keys->size());
    CPPUNIT_ASSERT_EQUAL(topo.node(1).publicKey(), keys->getElement<std::string>(0));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RealLineTest);
