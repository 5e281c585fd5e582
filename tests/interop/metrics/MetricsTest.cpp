// Issue 16 c, d: Prometheus metrics from our host, peered with a real
// yggdrasil 0.5.12 node, and no listener beyond loopback by default.
//
//   r (real, TUN) --tcp-- o (our host: plugins status + metrics, conf-enabled)
//
// 1. curl http://127.0.0.1:9101/metrics inside o's namespace; ping6 from r's
//    kernel to o's address through the overlay; curl again: r's peer byte
//    and packet counters rose, its latency is there, the host's own samples
//    (build, plugins, the node's totals) are there, and both scrapes pass
//    check_exposition.py (the Python client's parser plus promtool's lint
//    rules) — and `promtool check metrics` too when promtool is installed.
// 2. Our host run with the shipped conf/ratatoskr.conf in a fresh namespace:
//    `ss` lists its TCP/UDP listeners; there is at least one (metrics) and
//    every one is on 127.0.0.1 or ::1.
#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "OurAndReal.hpp"
#include "Ping.hpp"
#include "Tools.hpp"
#include "Trace.hpp"
#include "Wait.hpp"
#include "ratatoskr/error.hpp"

using namespace rtk::interop;

namespace {

constexpr const char* kMetricsUrl = "http://127.0.0.1:9101/metrics";

// The value of the first sample whose line starts with `prefix` (name and
// the start of its labels), or -1.
double sampleValue(const std::string& text, const std::string& name, const std::string& labelPart) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + "{", 0) != 0 && line.rfind(name + " ", 0) != 0) continue;
    if (!labelPart.empty() && line.find(labelPart) == std::string::npos) continue;
    return std::stod(line.substr(line.rfind(' ') + 1));
  }
  return -1;
}

std::string scrape(const Netns& ns) {
  RunResult r = ns.run({"curl", "-sS", "--max-time", "10", "-D", "-", kMetricsUrl}, 15000);
  if (!r.ok()) throw rtk::Error(rtk::Errc::Io, "curl: " + r.describe());
  return r.out;
}

std::string body(const std::string& reply) {
  auto at = reply.find("\r\n\r\n");
  return at == std::string::npos ? std::string() : reply.substr(at + 4);
}

void checkExposition(const Lab& lab, const std::string& text, const std::string& name) {
  const auto path = lab.file(name);
  std::ofstream(path) << text;
  RunResult check = Subprocess::run({"/usr/bin/python3", RTK_METRICS_CHECKER, path.string()}, 30000);
  trace(name + ": check_exposition.py: " + check.out + check.err);
  CPPUNIT_ASSERT_MESSAGE(check.describe() + "\n" + check.out, check.ok());
  // promtool comes with Debian's prometheus package (96 MB installed, a
  // server and its web UI), which .ci/install-deps does not install; the
  // checker above applies its rules. RTK_PROMTOOL names one to use as well.
  const char* env = std::getenv("RTK_PROMTOOL");
  std::string promtool = env && *env ? env : "/usr/bin/promtool";
  if (!std::filesystem::exists(promtool)) {
    trace(name + ": promtool not installed; `promtool check metrics` did not run (check_exposition.py did)");
    return;
  }
  RunResult p = Subprocess::run({"sh", "-c", promtool + " check metrics < " + path.string()}, 30000);
  trace(name + ": promtool check metrics: exit " + std::to_string(p.status.code) + " " + p.out + p.err);
  CPPUNIT_ASSERT_MESSAGE(p.describe() + "\n" + p.out, p.ok());
}

}  // namespace

class MetricsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MetricsTest);
  CPPUNIT_TEST(peerCountersRiseWhileTrafficFlows);
  CPPUNIT_TEST(theDefaultConfListensOnLoopbackOnly);
  CPPUNIT_TEST_SUITE_END();

 public:
  void peerCountersRiseWhileTrafficFlows() {
    Lab lab("metrics");
    OurAndRealPlan plan = planOurAndReal(lab, 7400);
    plan.oSpec.plugins = enabledPlugins({"status", "metrics"});
    RealNode& r = lab.addRealNode(plan.rSpec, plan.nsR);
    OurNode& o = lab.addOurNode(plan.oSpec, plan.nsO);
    Netns& nsO = plan.nsO;
    Netns& nsR = plan.nsR;
    o.start();
    r.start();
    waitOnePeerUp(o, 30000);
    const std::string rKey = "key=\"" + r.publicKey() + "\"";
    // Latency is measured after the first keepalive round trip.
    waitUntil("r's latency in the metrics", 20000, [&] {
      return sampleValue(body(scrape(nsO)), "ratatoskr_peer_latency_seconds", rKey) > 0;
    });

    const std::string first = scrape(nsO);
    CPPUNIT_ASSERT_MESSAGE(first, first.rfind("HTTP/1.1 200", 0) == 0);
    CPPUNIT_ASSERT_MESSAGE(first, first.find("Content-Type: text/plain; version=0.0.4") != std::string::npos);
    const std::string before = body(first);
    const double rxBefore = sampleValue(before, "ratatoskr_peer_received_bytes_total", rKey);
    const double txBefore = sampleValue(before, "ratatoskr_peer_sent_bytes_total", rKey);
    const double pktBefore = sampleValue(before, "ratatoskr_peer_received_packets_total", rKey);

    PingOptions options;
    options.count = 20;
    options.intervalS = 0.05;
    options.payloadBytes = 1000;
    PingResult ping = ping6(nsR, o.address(), options);
    trace("ping6 r -> o: " + std::to_string(ping.received) + "/" + std::to_string(ping.sent) + ", avg " +
          std::to_string(ping.rttAvgMs) + " ms");
    CPPUNIT_ASSERT_MESSAGE(ping.run.describe(), ping.received > 0);

    const std::string after = body(scrape(nsO));
    const double rxAfter = sampleValue(after, "ratatoskr_peer_received_bytes_total", rKey);
    const double txAfter = sampleValue(after, "ratatoskr_peer_sent_bytes_total", rKey);
    const double pktAfter = sampleValue(after, "ratatoskr_peer_received_packets_total", rKey);
    const double latency = sampleValue(after, "ratatoskr_peer_latency_seconds", rKey);
    trace("r's link: received " + std::to_string(rxBefore) + " -> " + std::to_string(rxAfter) + " bytes, sent " +
          std::to_string(txBefore) + " -> " + std::to_string(txAfter) + " bytes, frames received " +
          std::to_string(pktBefore) + " -> " + std::to_string(pktAfter) + ", latency " + std::to_string(latency) + " s");
    CPPUNIT_ASSERT_MESSAGE(after, rxBefore >= 0 && txBefore >= 0);
    // 20 pings of 1000 bytes each way: well over 20 kB more in both directions.
    CPPUNIT_ASSERT(rxAfter - rxBefore >= 20000 * ping.received / 20);
    CPPUNIT_ASSERT(txAfter - txBefore >= 20000 * ping.received / 20);
    CPPUNIT_ASSERT(pktAfter - pktBefore >= ping.received);
    CPPUNIT_ASSERT(latency > 0);

    // The host's samples and the node's totals came through the metrics service.
    CPPUNIT_ASSERT_EQUAL(1.0, sampleValue(after, "ratatoskr_plugin_up", "plugin=\"metrics\""));
    CPPUNIT_ASSERT_EQUAL(1.0, sampleValue(after, "ratatoskr_plugin_up", "plugin=\"status\""));
    CPPUNIT_ASSERT_EQUAL(1.0, sampleValue(after, "ratatoskr_peers", "state=\"up\""));
    CPPUNIT_ASSERT(sampleValue(after, "ratatoskr_build_info", "version=") == 1);
    CPPUNIT_ASSERT(sampleValue(after, "ratatoskr_ipv6_packets_received_total", "") >= ping.received);
    CPPUNIT_ASSERT(sampleValue(after, "ratatoskr_session_packets_dropped_total", "reason=\"inbound_queue_full\"") >= 0);
    CPPUNIT_ASSERT(sampleValue(after, "ratatoskr_tree_nodes", "") >= 2);
    CPPUNIT_ASSERT(sampleValue(after, "ratatoskr_node_uptime_seconds", "") > 0);
    CPPUNIT_ASSERT_EQUAL(0.0, sampleValue(after, "ratatoskr_metrics_samples_dropped_total", ""));

    checkExposition(lab, before, "scrape-1.txt");
    checkExposition(lab, after, "scrape-2.txt");
    o.stop();
  }

  void theDefaultConfListensOnLoopbackOnly() {
    Lab lab("metrics-ss");
    Netns& ns = lab.addNetns("d");
    Subprocess host = ns.spawn({Tools::host(), "--config", RTK_DEFAULT_CONF, "--plugin-dir", Tools::pluginDir()},
                               lab.file("host.log").string());
    waitUntil("the default conf's metrics endpoint", 20000, [&] {
      return ns.run({"curl", "-sS", "--max-time", "2", "-o", "/dev/null", kMetricsUrl}, 5000).ok();
    });
    RunResult ss = ns.run({"ss", "-H", "-tulnp"}, 10000);
    CPPUNIT_ASSERT_MESSAGE(ss.describe(), ss.ok());
    trace("listeners of a host run with conf/ratatoskr.conf:\n" + ss.out);
    std::istringstream in(ss.out);
    std::string line;
    int listeners = 0;
    // ss -tuln columns: Netid State Recv-Q Send-Q Local-Address:Port Peer-Address:Port Process
    static const std::regex loopback(R"(^(127\.\d+\.\d+\.\d+|\[::1\]|\[::ffff:127\.\d+\.\d+\.\d+\]):\d+$)");
    while (std::getline(in, line)) {
      std::istringstream cols(line);
      std::string netid, state, recvq, sendq, local;
      cols >> netid >> state >> recvq >> sendq >> local;
      if (local.empty()) continue;
      ++listeners;
      CPPUNIT_ASSERT_MESSAGE("listening beyond loopback: " + line, std::regex_match(local, loopback));
    }
    CPPUNIT_ASSERT_MESSAGE("no listener seen at all (is metrics enabled in conf/ratatoskr.conf?)", listeners >= 1);
    host.terminate(5000);
    std::ifstream log(lab.file("host.log"));
    std::stringstream text;
    text << log.rdbuf();
    trace("plugins of the default conf: " + std::to_string(listeners) + " listener(s); host log:\n" + text.str());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MetricsTest);
