// Issue 10, acceptance a: our host under a crowd. A line real n0 - ours n1
// - real n2 (tcp); from n2's namespace the test opens 3 000 half-open TCP
// connections to our Listen port (they never handshake) and then 200 real
// handshaking links (each its own key, from a second address of n2's veth)
// that it keeps alive. While they are held: our thread count stays where it
// was (links run on a fixed set of threads), every link is up in our
// getPeers, and n0's ping6 to n2 through us loses nothing. After they
// close: our peers are back to the two real ones and our RSS returns to
// within 10 % of its value before the crowd.
//
// "Before" is taken after a warm-up crowd a sixteenth the size, gone again:
// the first refused connection, reset link and thrown error of a process
// fault in code and unwind tables (libratatoskr, libstdc++, libgcc_s) and
// leave each busy thread's malloc arena its top chunk, which malloc_trim
// does not return for threads' arenas. That is about 1 MiB once, whatever
// the crowd's size (10 % of an 11 MiB host); what the bound must catch is
// memory a crowd leaves behind in proportion to its size. The figure line
// gives the cold value too.
#include "LinkCrowd.hpp"
#include "LinksCommon.hpp"

#include "Lab.hpp"
#include "Ping.hpp"
#include "ProcStats.hpp"
#include "Topology.hpp"
#include "Trace.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "NetnsScope.hpp"
#include "common/ProcessCounters.hpp"

using namespace rtk::interop;
using namespace rtk::interop::links;

namespace {

constexpr int kBoundMs = 60000;
constexpr std::size_t kHalfOpen = 3000;
constexpr std::size_t kLinks = 200;
constexpr std::size_t kWarmUpHalfOpen = kHalfOpen / 16;
constexpr std::size_t kWarmUpLinks = kLinks / 16;
// Below the host's cap of 16 handshakes pending per source address.
constexpr std::size_t kLinksAtOnce = 8;
// The second address of n2's veth end the links come from: the half-open
// crowd fills the per-source handshake cap of its own address.
constexpr const char* kLinkSourceSuffix = "::77";

std::size_t upPeers(const Node& node) { return node.ctl().upPeerKeys().size(); }

const VethEnd& endIn(const VethLink& veth, const Netns& netns) {
  return veth.a().netns == netns.name() ? veth.a() : veth.b();
}

}  // namespace

class ScaleTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ScaleTest);
  CPPUNIT_TEST(aCrowdOfHalfOpenConnectionsAndLinksLeavesThreadsAndMemoryBounded);
  CPPUNIT_TEST_SUITE_END();

 public:
  void aCrowdOfHalfOpenConnectionsAndLinksLeavesThreadsAndMemoryBounded() {
    raiseFileLimit();
    Lab lab("scale");
    Topology topo(lab, TopologyPlan::line(3, {Transport::Tcp, Transport::Tcp}),
                  {NodeKind::Real, NodeKind::Ours, NodeKind::Real});
    topo.startAll();
    topo.waitPeersUp(kBoundMs);
    topo.waitReachable(0, 2, kBoundMs);
    Node& ours = topo.node(1);
    const VethEnd& listenEnd = endIn(*topo.veth(1), topo.netns(1));
    const VethEnd& crowdEnd = endIn(*topo.veth(1), topo.netns(2));
    const std::string linkSource = crowdEnd.ipv6.substr(0, crowdEnd.ipv6.rfind("::")) + kLinkSourceSuffix;
    topo.netns(2).check({"ip", "-6", "addr", "add", linkSource + "/64", "dev", crowdEnd.ifName, "nodad"}, 10000);
    const int port = std::stoi(ours.spec().listen.at(0).substr(ours.spec().listen.at(0).rfind(':') + 1));

    // The crowd's sockets live in n2's namespace.
    auto openCrowd = [&](LinkCrowd& crowd, std::size_t halfOpenWanted, std::size_t linksWanted) {
      NetnsScope in(topo.netns(2));
      CPPUNIT_ASSERT_EQUAL(halfOpenWanted, crowd.openHalfOpen(listenEnd.ipv6, port, crowdEnd.ipv6, halfOpenWanted, 20000));
      auto linked = crowd.openLinks(listenEnd.ipv6, port, linkSource, linksWanted, kLinksAtOnce, ours.publicKey(), 30000);
      CPPUNIT_ASSERT_MESSAGE(linked.describe(), linked.completed == linksWanted);
    };
    auto peersBackToTheRealOnes = [&] {
      for (int i = 0; i < 100; ++i) {
        if (upPeers(ours) == 2) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
      return false;
    };

    const ProcStats cold = ProcStats::read(ours.pid());
    trace("ours before the warm-up crowd: " + cold.describe());
    {
      LinkCrowd warmUp;
      openCrowd(warmUp, kWarmUpHalfOpen, kWarmUpLinks);
      warmUp.close();
    }
    CPPUNIT_ASSERT_MESSAGE("our peers back to the two real ones after the warm-up: " + topo.snapshot(),
                           peersBackToTheRealOnes());
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the link manager's 1 s trim tick

    const int threadsBefore = static_cast<int>(rtk::test::settledThreadCount(ours.pid()));
    const ProcStats before = ProcStats::read(ours.pid());
    trace("ours before the crowd: " + before.describe());

    LinkCrowd crowd;
    openCrowd(crowd, kHalfOpen, kLinks);

    // Held: every link up at ours, the real nodes still talk through us.
    bool allUp = false;
    for (int i = 0; i < 100 && !allUp; ++i) {
      allUp = upPeers(ours) >= kLinks + 2;
      if (!allUp) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    const ProcStats held = ProcStats::read(ours.pid());
    const int threadsHeld = held.threads;
    trace("ours holding the crowd: " + held.describe());
    CPPUNIT_ASSERT_MESSAGE("our getPeers lists the 200 links and the 2 real peers up: " + topo.snapshot(), allUp);
    const PingResult ping = ping6(topo.netns(0), topo.node(2).address(), PingOptions{20, 15000, 0.1, 56});
    CPPUNIT_ASSERT_MESSAGE("n0 -> n2 through ours while it holds the crowd: " + ping.run.describe(),
                           ping.allReceived());
    CPPUNIT_ASSERT_EQUAL(kLinks, crowd.linksAlive());
    // Links run on the reactor's fixed threads: none per link. 2 spare for
    // an admin client being served at the moment of the sample.
    CPPUNIT_ASSERT_MESSAGE("threads before " + std::to_string(threadsBefore) + ", holding " +
                               std::to_string(threadsHeld),
                           threadsHeld <= threadsBefore + 2);

    crowd.close();
    CPPUNIT_ASSERT_MESSAGE("our peers back to the two real ones: " + topo.snapshot(), peersBackToTheRealOnes());
    ProcStats after = ProcStats::read(ours.pid());
    for (int i = 0; i < 50 && after.rssKiB > before.rssKiB * 11 / 10; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      after = ProcStats::read(ours.pid());
    }
    trace("ours after the crowd: " + after.describe());
    char text[300];
    std::snprintf(text, sizeof text,
                  "threads %d before, %d holding %zu half-open + %zu links, %d after; RSS %.1f (cold, before a "
                  "warm-up crowd of %zu + %zu) -> %.1f -> %.1f -> %.1f MiB",
                  threadsBefore, threadsHeld, kHalfOpen, kLinks, after.threads, cold.rssKiB / 1024.0, kWarmUpHalfOpen,
                  kWarmUpLinks, before.rssKiB / 1024.0, held.rssKiB / 1024.0, after.rssKiB / 1024.0);
    figure("our host under a crowd", text);
    CPPUNIT_ASSERT_MESSAGE(std::string("RSS back within 10 %: ") + text, after.rssKiB <= before.rssKiB * 11 / 10);
    CPPUNIT_ASSERT(ping6(topo.netns(0), topo.node(2).address(), PingOptions{3, 10000, 0.2, 56}).allReceived());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ScaleTest);
