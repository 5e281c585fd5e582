// Issue 14 b, c: the peermgr plugin in our host (a separate process, enabled
// by conf) against real yggdrasil 0.5.12 nodes.
//
//   o (our host, peermgr)  --veth--  r: r0..r3 (real, listening on [::1])
//                                        relays [veth]:8000+i -> tcp r_i, [veth]:8100+i -> tls r_i,
//                                        adding 0, 5, 20, 50 ms each way
//                                        ports 8004/8005, 8104/8105: two dead nodes (nothing listens)
//
// 0. With the conf's Peers set, peermgr is refused naming the peer; with
//    StaticPeers "keep" it runs beside it (phases 1, 2), never touching it.
// 1. Active, MaxPerProto 2 over tcp and tls: the first cycle (one probe
//    round, each probe bounded by ProbeTimeout) keeps r0 and r1 per scheme,
//    and nothing else stays a peer.
// 2. r1 is killed: at the next health checks (MinPeers 3, 1 confirmation)
//    peermgr replaces it with r2 in both schemes and drops r1's entries.
// 3. Passive: all 12 candidates are added, dead ones included, and after
//    more cycles none is removed.
// 4. A public-peers file of 40 entries (4 relays, 36 addresses on the veth's
//    /64 that nobody owns, so their dials hang) plus bad lines: each bad line
//    gets a warning naming it, the 40 are taken, every one is probed, and a
//    sampler of our host's connecting sockets to those addresses (probe
//    dials; /proc/<pid>/net/tcp6) never sees more than BatchSize at once.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "OurAndReal.hpp"
#include "Tools.hpp"
#include "Trace.hpp"
#include "Wait.hpp"
#include "ratatoskr/thread.hpp"

#include <Poco/JSON/Array.h>

using namespace rtk::interop;

namespace {

constexpr int kDelaysMs[] = {0, 5, 20, 50};
constexpr int kTcpBase = 8000, kTlsBase = 8100, kNodeTcp = 7000, kNodeTls = 7100;

std::string uriOf(const char* scheme, const std::string& host, int port) {
  return std::string(scheme) + "://[" + host + "]:" + std::to_string(port);
}

// The outbound peers of our host: remote URI -> up.
std::map<std::string, bool> outboundPeers(const Node& o) {
  std::map<std::string, bool> out;
  auto peers = o.ctl().getPeers()->getArray("peers");
  for (std::size_t i = 0; peers && i < peers->size(); ++i) {
    auto p = peers->getObject(static_cast<unsigned>(i));
    if (p->optValue<bool>("inbound", false)) continue;
    out[p->getValue<std::string>("remote")] = p->optValue<bool>("up", false);
  }
  return out;
}

std::set<std::string> upPeers(const Node& o) {
  std::set<std::string> out;
  for (const auto& [uri, up] : outboundPeers(o))
    if (up) out.insert(uri);
  return out;
}

std::string describe(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) out += (out.empty() ? "" : ", ") + x;
  return "{" + out + "}";
}

Poco::JSON::Object::Ptr managed(const Node& o) { return o.ctl().call("getManagedPeers"); }

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Probe dials in flight, seen from outside the plugin: our host's TCP
// sockets connecting to the dead candidates' port (SYN_SENT in
// /proc/<pid>/net/tcp6, which lists the sockets of the host's namespace).
class ProbeDialSampler {
 public:
  ProbeDialSampler(pid_t pid, int port)
      : pid_(pid), port_(port), thread_("rtk-t-sampler", [this] { run(); }) {}
  ~ProbeDialSampler() { stop(); }
  void stop() {
    stop_ = true;
    thread_.join();
  }
  int most() const { return most_.load(); }
  long samples() const { return samples_.load(); }

 private:
  void run() {
    char portHex[8];
    std::snprintf(portHex, sizeof portHex, ":%04X", port_);
    const std::string table = "/proc/" + std::to_string(pid_) + "/net/tcp6";
    while (!stop_) {
      int n = 0;
      std::ifstream in(table);
      std::string line;
      std::getline(in, line);  // header
      while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string slot, local, remote, state;
        fields >> slot >> local >> remote >> state;
        if (remote.size() > 5 && remote.compare(remote.size() - 5, 5, portHex) == 0 && state == "02") ++n;
      }
      most_ = std::max(most_.load(), n);
      ++samples_;
      std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
  }

  pid_t pid_;
  int port_;
  std::atomic<bool> stop_{false};
  std::atomic<int> most_{0};
  std::atomic<long> samples_{0};
  rtk::Thread thread_;
};

}  // namespace

class PeermgrInteropTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PeermgrInteropTest);
  CPPUNIT_TEST(choosesReplacesPassiveAndBatches);
  CPPUNIT_TEST_SUITE_END();

 public:
  void choosesReplacesPassiveAndBatches() {
    Lab lab("peermgr");
    Netns& nsO = lab.addNetns("o");
    Netns& nsR = lab.addNetns("r");
    const VethLink& link = lab.connect(nsR, nsO);
    const std::string relayHost = link.a().ipv6;

    std::vector<RealNode*> real;
    for (int i = 0; i < 4; ++i) {
      NodeSpec spec{.name = "r" + std::to_string(i)};
      spec.ifName = "none";
      spec.listen = {uriOf("tcp", "::1", kNodeTcp + i), uriOf("tls", "::1", kNodeTls + i)};
      real.push_back(&lab.addRealNode(spec, nsR));
    }
    for (auto* r : real) r->start();
    std::vector<Subprocess> relays;
    for (int i = 0; i < 4; ++i) {
      for (auto [base, nodeBase] : {std::pair{kTcpBase, kNodeTcp}, std::pair{kTlsBase, kNodeTls}}) {
        const std::string out = lab.file("relay-" + std::to_string(base + i)).string();
        relays.push_back(nsR.spawn({Tools::relay(), "--listen", relayHost, std::to_string(base + i), "--connect", "::1",
                                    std::to_string(nodeBase + i), "--out", out, "--max-seconds", "300", "--delay-ms",
                                    std::to_string(kDelaysMs[i])},
                                   out + ".log"));
      }
    }
    waitUntil("the 8 relays listen", 10000, [&] {
      int n = 0;
      for (int base : {kTcpBase, kTlsBase})
        for (int i = 0; i < 4; ++i)
          n += readFile(lab.file("relay-" + std::to_string(base + i) + ".log")).find("listening on") != std::string::npos;
      return n == 8;
    });

    // Six candidate nodes per scheme, in an order that is not the answer.
    std::vector<std::string> candidates;
    for (int i : {3, 5, 1, 0, 4, 2}) {
      candidates.push_back(uriOf("tcp", relayHost, kTcpBase + i));
      candidates.push_back(uriOf("tls", relayHost, kTlsBase + i));
    }
    auto tcp = [&](int i) { return uriOf("tcp", relayHost, kTcpBase + i); };
    auto tls = [&](int i) { return uriOf("tls", relayHost, kTlsBase + i); };

    Poco::JSON::Object::Ptr settings = new Poco::JSON::Object;
    Poco::JSON::Array::Ptr peers = new Poco::JSON::Array;
    for (const auto& c : candidates) peers->add(c);
    settings->set("Peers", peers);
    settings->set("MaxPerProto", 2);
    settings->set("ProbeTimeoutMs", 2000);
    settings->set("HealthIntervalMs", 500);
    settings->set("MinPeers", 3);
    settings->set("MinPeersConfirmations", 1);
    Poco::JSON::Object::Ptr modules = new Poco::JSON::Object;
    modules->set("peermgr", settings);
    NodeSpec oSpec{.name = "o"};
    oSpec.plugins = enabledPlugins({"peermgr"});
    oSpec.modules = modules;
    OurNode& o = lab.addOurNode(oSpec, nsO);

    // 0. A static conf peer beside peermgr: refused, unless told to keep it.
    trace("phase 0: conf Peers beside peermgr");
    o.mutableSpec().peers = {tcp(3)};
    o.start();
    waitUntil("peermgr refused for the static peer", 10000, [&] {
      return readFile(o.logPath()).find("peermgr: the node already has 1 outbound peer(s) it does not manage (" + tcp(3)) !=
             std::string::npos;
    });
    CPPUNIT_ASSERT_MESSAGE("no managed peers without peermgr", outboundPeers(o).size() == 1);
    o.stop();
    settings->set("StaticPeers", "keep");
    o.mutableSpec().modules = modules;

    // 1. The two fastest per scheme (and the static peer, left alone).
    trace("phase 1: active, MaxPerProto 2, 12 candidates (4 delayed 0/5/20/50 ms, 2 dead, per scheme), StaticPeers keep");
    o.start();
    const std::set<std::string> fastest{tcp(0), tcp(1), tls(0), tls(1)};
    std::set<std::string> fastestAndStatic = fastest;
    fastestAndStatic.insert(tcp(3));
    const long chosenMs = waitUntil("the two fastest per scheme and the static peer are o's up peers", 20000, [&] {
      return upPeers(o) == fastestAndStatic && outboundPeers(o).size() == 5;
    });
    auto first = managed(o);
    std::ostringstream firstText;
    first->stringify(firstText);
    trace("chosen " + std::to_string(chosenMs) + " ms after o answered; getManagedPeers: " + firstText.str());
    auto lastCycle = first->getObject("last_cycle");
    trace("first cycle: " + std::to_string(lastCycle->getValue<long>("duration_ms")) + " ms for " +
          std::to_string(lastCycle->getValue<long>("probed")) + " probes (ProbeTimeout 2000 ms), " +
          std::to_string(first->getValue<long>("cycles")) + " cycle(s) so far");
    CPPUNIT_ASSERT_EQUAL(std::size_t{4}, first->getArray("managed")->size());
    CPPUNIT_ASSERT_EQUAL(std::string("normal"), lastCycle->getValue<std::string>("kind"));
    CPPUNIT_ASSERT_EQUAL(11L, lastCycle->getValue<long>("probed"));  // the static peer is not a candidate
    CPPUNIT_ASSERT_EQUAL(7L, lastCycle->getValue<long>("reachable"));
    for (const auto& [uri, up] : outboundPeers(o)) CPPUNIT_ASSERT_MESSAGE(uri, fastestAndStatic.count(uri) == 1);
    // optimizePeers through the real yggdrasilctl: one more cycle, the same choice.
    auto optimized = o.ctl().call("optimizePeers")->getArray("managed");
    CPPUNIT_ASSERT(optimized && optimized->size() == 4);
    for (std::size_t i = 0; i < optimized->size(); ++i)
      CPPUNIT_ASSERT(fastest.count(optimized->getElement<std::string>(static_cast<unsigned>(i))) == 1);
    CPPUNIT_ASSERT_EQUAL(2L, managed(o)->getValue<long>("cycles"));

    // 2. r1 dies: the next health checks replace it with r2 in both schemes.
    trace("phase 2: kill r1 (5 ms)");
    const auto killedAt = std::chrono::steady_clock::now();
    real[1]->kill();
    const std::set<std::string> replaced{tcp(0), tcp(2), tls(0), tls(2), tcp(3)};
    waitUntil("r2 replaces r1 in both schemes", 20000, [&] {
      return upPeers(o) == replaced && outboundPeers(o).size() == 5;
    });
    trace("replaced " +
          std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - killedAt).count()) +
          " ms after the kill (HealthIntervalMs 500); peers " + describe(upPeers(o)));
    CPPUNIT_ASSERT_EQUAL(std::string("refill"), managed(o)->getObject("last_cycle")->getValue<std::string>("kind"));
    o.stop();

    // 3. Passive: everything added, nothing removed.
    trace("phase 3: passive");
    o.mutableSpec().peers = {};
    settings->set("Passive", true);
    settings->set("MinPeers", 0);
    settings->set("RefreshIntervalMs", 300);
    o.mutableSpec().modules = modules;
    o.start();
    waitUntil("all 12 candidates are o's peers", 10000, [&] { return outboundPeers(o).size() == 12; });
    waitUntil("three more passive cycles", 10000, [&] { return managed(o)->getValue<long>("cycles") >= 4; });
    auto passive = outboundPeers(o);
    CPPUNIT_ASSERT_EQUAL(std::size_t{12}, passive.size());
    for (const auto& c : candidates) CPPUNIT_ASSERT_MESSAGE(c, passive.count(c) == 1);
    trace("passive: " + std::to_string(passive.size()) + " peers, " + std::to_string(upPeers(o).size()) +
          " up (r1 and the two dead nodes stay down, and stay)");
    CPPUNIT_ASSERT_EQUAL(std::size_t{6}, upPeers(o).size());
    CPPUNIT_ASSERT_EQUAL(std::size_t{12}, managed(o)->getArray("managed")->size());
    o.stop();

    // 4. A public-peers file: 40 entries, bad lines, batches of 8.
    trace("phase 4: public-peers file, 40 entries, BatchSize 8");
    const std::string prefix = relayHost.substr(0, relayHost.rfind("::"));
    std::ostringstream md;
    md << "# Test Peers\n\nAdd connection strings from the below list to the `Peers: []` section of your\n"
       << "Yggdrasil configuration file to peer with these nodes.\n\n";
    int line = 5;
    auto emit = [&](const std::string& text) {
      md << text << "\n";
      return ++line;
    };
    emit("* Relays, operated by the test");
    for (int i = 0; i < 4; ++i) emit("  * `" + tcp(i) + "`");
    emit("");
    emit("* Nobody, on the veth's /64");
    for (int i = 0; i < 36; ++i)
      emit("  * `" + uriOf(i % 2 ? "tls" : "tcp", prefix + "::d:" + std::to_string(i + 1), 9001) + "`");
    const int garbage = emit(std::string("\x01\x02\xfe\xff garbage"));
    const int invalid = emit("  * `tcp://[" + prefix + "::d:1:9001`");
    const int badPort = emit("  * `tls://host.example:99999`");
    const int otherKey = emit("  * `" + tcp(0) + "?key=" + std::string(64, 'a') + "`");
    const int bare = emit("  * " + tcp(1));
    const auto file = lab.file("peers.md");
    std::ofstream(file) << md.str();

    Poco::JSON::Object::Ptr fileSettings = new Poco::JSON::Object;
    fileSettings->set("PeersFile", file.string());
    fileSettings->set("MaxPerProto", 2);
    fileSettings->set("BatchSize", 8);
    fileSettings->set("ProbeTimeoutMs", 1500);
    fileSettings->set("RefreshIntervalMs", 500);
    fileSettings->set("HealthIntervalMs", 500);
    modules->set("peermgr", fileSettings);
    o.mutableSpec().modules = modules;
    o.start();
    ProbeDialSampler sampler(o.pid(), 9001);
    const long allProbedMs = waitUntil("every one of the 40 candidates probed", 30000, [&] {
      auto list = managed(o)->getArray("candidates");
      if (!list || list->size() != 40) return false;
      for (std::size_t i = 0; i < list->size(); ++i)
        if (list->getObject(static_cast<unsigned>(i))->getValue<long>("probes") == 0) return false;
      return true;
    });
    sampler.stop();
    auto state = managed(o);
    trace("all 40 probed after " + std::to_string(allProbedMs) + " ms, " + std::to_string(state->getValue<long>("cycles")) +
          " cycles; probe dials at once: at most " + std::to_string(sampler.most()) + " in " +
          std::to_string(sampler.samples()) + " samples; the plugin's own peak: " +
          std::to_string(state->getValue<long>("peak_probes_in_flight")));
    CPPUNIT_ASSERT(sampler.most() <= 8);
    CPPUNIT_ASSERT(sampler.most() >= 2);  // the sampler does see parallel probes
    CPPUNIT_ASSERT(state->getValue<long>("peak_probes_in_flight") >= 2);
    CPPUNIT_ASSERT(state->getValue<long>("peak_probes_in_flight") <= 8);
    waitUntil("r0 and r2 (r1 is dead) are o's tcp peers", 15000, [&] {
      return upPeers(o) == std::set<std::string>{tcp(0), tcp(2)};
    });

    // 5. Each bad line named in a warning; the 40 good ones taken.
    const std::string log = readFile(o.logPath());
    auto warned = [&](int at, const std::string& fragment) {
      const std::string named = file.string() + ":" + std::to_string(at) + ": ";
      for (std::size_t p = log.find(named); p != std::string::npos; p = log.find(named, p + 1)) {
        const std::size_t eol = log.find('\n', p);
        const std::string text = log.substr(p, eol - p);
        const std::size_t bol = log.rfind('\n', p);
        const std::string whole = log.substr(bol + 1, eol - bol - 1);
        if (text.find(fragment) != std::string::npos && whole.find("warn") != std::string::npos) {
          trace("warning: " + whole);
          return true;
        }
      }
      return false;
    };
    CPPUNIT_ASSERT_MESSAGE("garbage line", warned(garbage, "not text"));
    CPPUNIT_ASSERT_MESSAGE("invalid URI", warned(invalid, "unbalanced"));
    CPPUNIT_ASSERT_MESSAGE("bad port", warned(badPort, "port"));
    CPPUNIT_ASSERT_MESSAGE("duplicate with another key", warned(otherKey, "pins a different key="));
    CPPUNIT_ASSERT_MESSAGE("URI outside backticks", warned(bare, "outside backticks"));
    CPPUNIT_ASSERT_MESSAGE(log, log.find("40 candidate(s), active mode") != std::string::npos);
    o.stop();
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PeermgrInteropTest);
