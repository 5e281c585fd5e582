// Issue 15 a: the probe plugin in a mixed line of seven nodes, one Topology:
//
//   n0 (ours, probe) - n1 (real) - n2 (ours, probe) - n3 (real)
//                    - n4 (ours, probe) - n5 (real) - n6 (real)
//
// - `ratatoskr probe tree --depth 10 --json` from n0 finds all seven, each
//   node i at depth i with n(i-1) as parent, every one answered with an RTT;
//   its text and DOT forms show the same.
// - with --max-nodes 3 the crawl is marked truncated and holds three nodes.
// - `ratatoskr probe trace <n6>` lists n6's hops (its coordinates: as many
//   as n6's depth in the tree, which the real n6's own getTree gives), the
//   last one reaching n6, with n6's RTT.
// - the real `yggdrasilctl -json probeTree maxDepth=10` against n0's admin
//   socket gives the same nodes and parents.
#include <cppunit/extensions/HelperMacros.h>

#include <Poco/JSON/Parser.h>

#include <chrono>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "Json.hpp"
#include "Lab.hpp"
#include "OurAndReal.hpp"
#include "Subprocess.hpp"
#include "Tools.hpp"
#include "Topology.hpp"
#include "Trace.hpp"
#include "Yggctl.hpp"
#include "probe/ProbeJson.hpp"
#include "ratatoskr/json.hpp"

using namespace rtk::interop;
using Clock = std::chrono::steady_clock;

namespace {

RunResult cliProbe(const Node& from, std::vector<std::string> args) {
  std::vector<std::string> argv{Tools::host(), "probe"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--admin");
  argv.push_back("unix://" + from.adminSocketPath().string());
  return Subprocess::run(argv, 90000);
}

rtk::json::Value cliProbeJson(const Node& from, std::vector<std::string> args) {
  args.push_back("--json");
  RunResult r = cliProbe(from, args);
  CPPUNIT_ASSERT_MESSAGE(r.describe(), r.ok());
  return rtk::json::Value::parse(r.out);
}

Poco::JSON::Object::Ptr jsonObject(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// n6's depth in the spanning tree, from its own getTree (a node always knows its ancestry).
std::size_t depthInTree(const Node& node) {
  std::map<std::string, std::string> parent;
  auto tree = node.ctl().getTree()->getArray("tree");
  for (std::size_t i = 0; i < tree->size(); ++i) {
    auto e = tree->getObject(static_cast<unsigned>(i));
    parent[e->getValue<std::string>("key")] = e->getValue<std::string>("parent");
  }
  std::size_t depth = 0;
  std::string at = node.publicKey();
  while (parent.count(at) && parent[at] != at && depth < 64) {
    at = parent[at];
    ++depth;
  }
  return depth;
}

}  // namespace

class ProbeInteropTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ProbeInteropTest);
  CPPUNIT_TEST(crawlTraceAndYggdrasilctl);
  CPPUNIT_TEST_SUITE_END();

 public:
  void crawlTraceAndYggdrasilctl() {
    const auto started = Clock::now();
    Lab lab("probe");
    const std::vector<NodeKind> kinds = {NodeKind::Ours, NodeKind::Real, NodeKind::Ours, NodeKind::Real,
                                         NodeKind::Ours, NodeKind::Real, NodeKind::Real};
    Topology topo(lab, TopologyPlan::line(7, {Transport::Tcp}), kinds, [&](int i, NodeSpec& spec) {
      spec.logLevel = "info";
      if (kinds[static_cast<std::size_t>(i)] == NodeKind::Ours) {
        spec.plugins = enabledPlugins({"probe"});
        spec.modules = jsonObject(R"({"probe":{"PollIntervalMs":100,"MaxDurationMs":30000,"RemoteTimeoutMs":3000}})");
      }
    });
    topo.startAll();
    topo.waitPeersUp(30000);
    topo.waitTreeConverged(30000);
    trace("line of 7 up and converged after " + std::to_string(ms(Clock::now() - started)) + " ms");
    Node& n0 = topo.node(0);
    std::vector<rtk::PublicKey> keys;
    for (int i = 0; i < 7; ++i) keys.push_back(*rtk::PublicKey::fromHex(topo.node(i).publicKey()));

    // --- the crawl from n0 finds all seven with their parents and RTTs.
    auto crawlStarted = Clock::now();
    const auto crawlJson = cliProbeJson(n0, {"tree", "--depth", "10", "--concurrency", "256"});
    const auto crawl = rtk::probe::crawlFromJson(crawlJson);
    trace("crawl in " + std::to_string(ms(Clock::now() - crawlStarted)) + " ms:\n" + rtk::probe::formatText(crawl));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(crawlJson.dump(), std::string(), crawl.error);
    CPPUNIT_ASSERT(crawl.root == keys[0]);
    CPPUNIT_ASSERT(!crawl.truncated);
    CPPUNIT_ASSERT_EQUAL(std::size_t(6), crawl.nodes.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(6), crawl.levels.size());
    for (int i = 1; i < 7; ++i) {
      const rtk::probe::CrawlNode* found = nullptr;
      for (const auto& n : crawl.nodes)
        if (n.key == keys[static_cast<std::size_t>(i)]) found = &n;
      CPPUNIT_ASSERT_MESSAGE("n" + std::to_string(i) + " not found", found);
      CPPUNIT_ASSERT_EQUAL_MESSAGE("depth of n" + std::to_string(i), i, found->depth);
      CPPUNIT_ASSERT_MESSAGE("parent of n" + std::to_string(i), found->parent == keys[static_cast<std::size_t>(i - 1)]);
      CPPUNIT_ASSERT_MESSAGE("n" + std::to_string(i) + " unreachable", !found->unreachable);
      CPPUNIT_ASSERT_MESSAGE("rtt of n" + std::to_string(i), found->rtt.count() > 0);
      // Each node of the line lists its neighbours: two, the far end one (the last level is queried, depth 10 > 6).
      CPPUNIT_ASSERT_EQUAL_MESSAGE("peers of n" + std::to_string(i), std::size_t(i == 6 ? 1 : 2), found->peers);
    }

    // The text and DOT forms of the same crawl.
    const RunResult text = cliProbe(n0, {"tree", "--depth", "10"});
    CPPUNIT_ASSERT_MESSAGE(text.describe(), text.ok());
    for (const auto& k : keys) CPPUNIT_ASSERT_MESSAGE(text.out, text.out.find(k.hex()) != std::string::npos);
    const RunResult dot = cliProbe(n0, {"tree", "--depth", "10", "--dot"});
    CPPUNIT_ASSERT_MESSAGE(dot.describe(), dot.ok() && dot.out.rfind("digraph probe {", 0) == 0);
    for (int i = 1; i < 7; ++i) {
      const std::string edge = "\"" + keys[static_cast<std::size_t>(i - 1)].hex() + "\" -> \"" +
                               keys[static_cast<std::size_t>(i)].hex() + "\";";
      CPPUNIT_ASSERT_MESSAGE(dot.out, dot.out.find(edge) != std::string::npos);
    }
    std::ofstream(lab.dir() / "crawl.dot") << dot.out;

    // --- max nodes 3: truncated.
    const auto cut = rtk::probe::crawlFromJson(cliProbeJson(n0, {"tree", "--depth", "10", "--max-nodes", "3"}));
    CPPUNIT_ASSERT(cut.truncated);
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), cut.nodes.size());
    CPPUNIT_ASSERT(cut.nodes[2].key == keys[3]);

    // --- a trace to the far real node lists its hops.
    const std::size_t farDepth = depthInTree(topo.node(6));
    auto traceStarted = Clock::now();
    const auto traced = rtk::probe::traceFromJson(cliProbeJson(n0, {"trace", topo.node(6).publicKey()}));
    const RunResult traceText = cliProbe(n0, {"trace", topo.node(6).publicKey()});
    trace("trace in " + std::to_string(ms(Clock::now() - traceStarted)) + " ms; n6 at depth " + std::to_string(farDepth) +
          ", root " + topo.treeRoot() + ":\n" + traceText.out);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(traceText.out, std::string(), traced.error);
    CPPUNIT_ASSERT(traced.target == keys[6]);
    CPPUNIT_ASSERT_EQUAL(farDepth, traced.hops.size());
    if (farDepth > 0) {
      CPPUNIT_ASSERT(traced.hops.back().to == keys[6]);
      CPPUNIT_ASSERT(traced.hops.front().from == *rtk::PublicKey::fromHex(topo.treeRoot()));
    }
    for (const auto& h : traced.hops) {
      CPPUNIT_ASSERT(h.port > 0);
      // A port is matched to our peer only on a hop that leaves from us.
      CPPUNIT_ASSERT(!h.localPeer || (h.from && *h.from == keys[0] && *h.localPeer == keys[1]));
    }
    CPPUNIT_ASSERT(traced.rtt && traced.rtt->count() > 0);

    // --- the same crawl through the real yggdrasilctl against our admin socket.
    const RunResult ctl = Subprocess::run(
        {Tools::yggdrasilctl(), "-json", "-endpoint=unix://" + n0.adminSocketPath().string(), "probeTree", "maxDepth=10", "concurrency=64"},
        90000);
    CPPUNIT_ASSERT_MESSAGE(ctl.describe(), ctl.ok());
    const auto viaCtl = rtk::probe::crawlFromJson(rtk::json::Value::parse(ctl.out));
    CPPUNIT_ASSERT_EQUAL(crawl.nodes.size(), viaCtl.nodes.size());
    for (std::size_t i = 0; i < crawl.nodes.size(); ++i) {
      CPPUNIT_ASSERT(crawl.nodes[i].key == viaCtl.nodes[i].key && crawl.nodes[i].parent == viaCtl.nodes[i].parent);
      CPPUNIT_ASSERT(viaCtl.nodes[i].rtt.count() > 0 && !viaCtl.nodes[i].unreachable);
    }

    // Replies of real nodes as our diagnostics service hands them over (the parser's test data).
    for (int i : {3, 6}) {
      auto reply = n0.ctl().debugRemoteGetPeers(topo.node(i).publicKey());
      std::ofstream(lab.dir() / ("peers-reply-n" + std::to_string(i) + ".json")) << toJson(reply, 0);
    }
    trace("probe interop took " + std::to_string(ms(Clock::now() - started)) + " ms; artefacts in " + lab.dir().string());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProbeInteropTest);
