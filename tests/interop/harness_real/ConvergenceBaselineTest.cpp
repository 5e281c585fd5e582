// The all-real baseline: how long a line of three real nodes takes from
// process start to an end-to-end ping. Printed, not asserted (timed
// assertions do not belong in tests); the mixed suites print the same
// numbers with our node in the line.
#include "Lab.hpp"
#include "Topology.hpp"
#include "Trace.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

using namespace rtk::interop;

namespace {

constexpr int kRepetitions = 3;
constexpr int kBoundMs = 60000;

struct Sample {
  long adminMs;  // all three admin sockets answer
  long peersMs;  // both links up on both ends
  long treeMs;   // the spanning tree converged (same root everywhere)
  long pingMs;   // n0 pings n2
};

long since(std::chrono::steady_clock::time_point t0) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count());
}

}  // namespace

class ConvergenceBaselineTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ConvergenceBaselineTest);
  CPPUNIT_TEST(lineOfThreeRealNodesConvergence);
  CPPUNIT_TEST_SUITE_END();

 public:
  void lineOfThreeRealNodesConvergence() {
    std::vector<Sample> samples;
    for (int rep = 0; rep < kRepetitions; ++rep) {
      Lab lab("conv3");
      Topology topo(lab, TopologyPlan::line(3, {Transport::Tcp}));
      const auto t0 = std::chrono::steady_clock::now();
      topo.startAll();
      Sample s{};
      s.adminMs = since(t0);
      topo.waitPeersUp(kBoundMs);
      s.peersMs = since(t0);
      topo.waitTreeConverged(kBoundMs);
      s.treeMs = since(t0);
      topo.waitReachable(0, 2, kBoundMs);
      s.pingMs = since(t0);
      CPPUNIT_ASSERT_EQUAL(std::size_t{3}, topo.node(1).ctl().treeKeys().size());
      CPPUNIT_ASSERT(s.adminMs <= s.peersMs && s.peersMs <= s.treeMs && s.treeMs <= s.pingMs);
      samples.push_back(s);
    }
    std::vector<long> pings;
    char line[160];
    std::string table = "convergence baseline, line of 3 real yggdrasil 0.5.12 nodes over tcp (ms from start)\n"
                        "  run   admin   peers    tree    ping\n";
    for (std::size_t i = 0; i < samples.size(); ++i) {
      const Sample& s = samples[i];
      std::snprintf(line, sizeof line, "  %3zu  %6ld  %6ld  %6ld  %6ld\n", i + 1, s.adminMs, s.peersMs, s.treeMs,
                    s.pingMs);
      table += line;
      pings.push_back(s.pingMs);
    }
    std::sort(pings.begin(), pings.end());
    std::snprintf(line, sizeof line, "  median start-to-ping: %ld ms (min %ld, max %ld)", pings[pings.size() / 2],
                  pings.front(), pings.back());
    table += line;
    trace(table);
    CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(kRepetitions), samples.size());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConvergenceBaselineTest);
