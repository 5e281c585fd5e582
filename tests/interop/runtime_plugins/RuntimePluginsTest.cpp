// Issue 9 b, c, d: plugins loaded and unloaded while the host runs, driven by
// the real yggdrasilctl, with a real yggdrasil 0.5.12 node as the peer.
//
//   r (real, TUN) --tcp-- o (our host; fixture-live.so in its plugin dir)
//
// 1. 100 cycles of `yggdrasilctl loadPlugin path=fixture-live.so`, its admin
//    command, `unloadPlugin name=fixture-live`: every answer right, and o has
//    as many threads and fds afterwards as after the first cycle.
// 2. A TCP connection from r's kernel to the plugin's echo listener on o;
//    the plugin is unloaded while it is open (the fixture leaves it to the
//    host): r's socket ends with a reset, o keeps running.
// 3. NodeInfo the plugin patches at run time is what the real yggdrasilctl
//    getNodeInfo on r returns within a second; unloading withdraws it.
// 4. 256 asynchronous remote queries in flight at once from the plugin: its
//    process gains at most one thread (the plugin's callback thread), and
//    every query ends exactly once.
// In the ASan build (label runtime_plugins) the host's log must hold no
// sanitizer report when it exits.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "OurAndReal.hpp"
#include "ratatoskr/error.hpp"
#include "ProcStats.hpp"
#include "Trace.hpp"
#include "Transport.hpp"
#include "Wait.hpp"

using namespace rtk::interop;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kCycles = 100;
constexpr int kEchoPort = 7777;

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Poco::JSON::Object::Ptr object(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  return o ? o->getObject(key) : nullptr;
}

// A client in r's namespace: connects through r's TUN to o's echo port,
// checks one echo, then waits for the end of the connection and says how it
// ended ("eof" or "error:<errno name>").
const char* kClient = R"(
import socket, sys, errno
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=20)
s.sendall(b"ping")
got = b""
while len(got) < 4:
    chunk = s.recv(4 - len(got))
    if not chunk:
        break
    got += chunk
print("echoed" if got == b"ping" else "bad echo %r" % got, flush=True)
s.settimeout(60)
try:
    data = s.recv(1)
    print("eof" if not data else "data", flush=True)
except OSError as e:
    print("error:" + errno.errorcode.get(e.errno, str(e.errno)), flush=True)
)";

}  // namespace

class RuntimePluginsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RuntimePluginsTest);
  CPPUNIT_TEST(pluginsComeAndGoWhileTheHostRuns);
  CPPUNIT_TEST_SUITE_END();

 public:
  void pluginsComeAndGoWhileTheHostRuns() {
    Lab lab("plugins");
    OurAndRealPlan plan = planOurAndReal(lab, 7300);
    Netns& nsO = plan.nsO;
    Netns& nsR = plan.nsR;
    RealNode& r = lab.addRealNode(plan.rSpec, nsR);
    NodeSpec& oSpec = plan.oSpec;
    oSpec.plugins = new Poco::JSON::Object;
    Poco::JSON::Array::Ptr dirs = new Poco::JSON::Array;
    dirs->add(std::string(RTK_LIVE_FIXTURE_DIR));
    oSpec.plugins->set("Directories", dirs);
    oSpec.modules = new Poco::JSON::Object;
    Poco::JSON::Object::Ptr live = new Poco::JSON::Object;
    live->set("Port", kEchoPort);
    live->set("LeaveConnectionsToHost", true);
    oSpec.modules->set("fixture-live", live);
    OurNode& o = lab.addOurNode(oSpec, nsO);
    o.start();
    r.start();
    waitOnePeerUp(o, 30000);

    // --- 1. load / call / unload, 100 times.
    ProcStats afterFirst;
    for (int i = 1; i <= kCycles; ++i) {
      auto loaded = o.ctl().call("loadPlugin", {{"path", "fixture-live.so"}});
      CPPUNIT_ASSERT_EQUAL(std::string("fixture-live"), loaded->getValue<std::string>("name"));
      CPPUNIT_ASSERT_EQUAL(std::string("started"), loaded->getValue<std::string>("state"));
      auto echo = object(o.ctl().call("liveEcho", {{"cycle", std::to_string(i)}}), "echo");
      CPPUNIT_ASSERT_MESSAGE("cycle " + std::to_string(i), echo && echo->getValue<std::string>("cycle") == std::to_string(i));
      o.ctl().call("unloadPlugin", {{"name", "fixture-live"}});
      try {
        o.ctl().call("liveEcho");
        CPPUNIT_FAIL("an unloaded plugin's admin command still answers");
      } catch (const rtk::Error&) {
      }
      if (i == 1) {
        afterFirst = ProcStats::read(o.pid());
        const std::string maps = readFile("/proc/" + std::to_string(o.pid()) + "/maps");
        CPPUNIT_ASSERT_MESSAGE("fixture-live.so is still mapped after unloadPlugin", maps.find("fixture-live.so") == std::string::npos);
      }
    }
    const ProcStats afterAll = ProcStats::read(o.pid());
    trace("o after 1 cycle: " + afterFirst.describe() + "; after " + std::to_string(kCycles) + ": " + afterAll.describe());
    CPPUNIT_ASSERT_EQUAL_MESSAGE("threads left behind", afterFirst.threads, afterAll.threads);
    CPPUNIT_ASSERT_EQUAL_MESSAGE("fds left behind", afterFirst.fds, afterAll.fds);
    auto list = o.ctl().call("listPlugins")->getArray("plugins");
    for (std::size_t i = 0; list && i < list->size(); ++i)
      CPPUNIT_ASSERT(list->getObject(i)->getValue<std::string>("name") != "fixture-live");

    // Refusals leave the host as it was.
    for (const auto& [args, why] : std::vector<std::pair<Yggctl::Args, std::string>>{
             {{{"path", "/etc/passwd"}}, "outside the plugin directories"},
             {{{"path", "no-such.so"}}, "missing file"}}) {
      try {
        o.ctl().call("loadPlugin", args);
        CPPUNIT_FAIL("loadPlugin accepted a " + why);
      } catch (const rtk::Error& e) {
        trace("refused (" + why + "): " + e.what());
      }
    }
    try {
      o.ctl().call("unloadPlugin", {{"name", "fixture-live"}});
      CPPUNIT_FAIL("unloaded a plugin that is not loaded");
    } catch (const rtk::Error&) {
    }

    // --- 2. a connection open through the node while its plugin goes.
    o.ctl().call("loadPlugin", {{"path", "fixture-live.so"}});
    const auto clientOut = lab.file("client.out");
    Subprocess client = nsR.spawn({"python3", "-c", kClient, o.address(), std::to_string(kEchoPort)}, clientOut.string());
    waitUntil("the echo through o's stack", 30000, [&] { return readFile(clientOut).find("echoed") != std::string::npos; });
    o.ctl().call("unloadPlugin", {{"name", "fixture-live"}});
    waitUntil("r's socket ends", 20000, [&] {
      std::string out = readFile(clientOut);
      return out.find("eof") != std::string::npos || out.find("error:") != std::string::npos || out.find("data") != std::string::npos;
    });
    const std::string ending = readFile(clientOut);
    trace("client: " + ending);
    CPPUNIT_ASSERT_MESSAGE(ending, ending.find("error:ECONNRESET") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE("o survives", o.running() && o.ctl().answers());
    client.waitFor(5000);

    // --- 3. NodeInfo patched at run time, as the real node sees it.
    o.ctl().call("loadPlugin", {{"path", "fixture-live.so"}});
    o.ctl().call("livePatch", {{"motd", "hello from a plugin"}});
    const auto patched = Clock::now();
    auto remoteMotd = [&]() -> std::string {
      auto info = object(r.ctl().getNodeInfo(o.publicKey()), o.publicKey());
      return info && info->has("motd") ? info->getValue<std::string>("motd") : std::string();
    };
    waitUntil("r's getNodeInfo shows the patch", 5000, [&] { return remoteMotd() == "hello from a plugin"; });
    const long seenMs = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - patched).count();
    trace("the real yggdrasilctl getNodeInfo showed the patch " + std::to_string(seenMs) + " ms after it");
    CPPUNIT_ASSERT_MESSAGE("seen after " + std::to_string(seenMs) + " ms", seenMs <= 1500);

    // --- 4. 256 asynchronous queries in flight at once.
    auto crawl = o.ctl().call("liveCrawl", {{"key", r.publicKey()}, {"count", "256"}});
    const auto before = crawl->getValue<int>("threads_before"), during = crawl->getValue<int>("threads_in_flight");
    trace("256 queries in flight: threads " + std::to_string(before) + " -> " + std::to_string(during) + ", " +
          std::to_string(crawl->getValue<int>("answered")) + " answered, " + std::to_string(crawl->getValue<int>("done")) +
          " ended");
    CPPUNIT_ASSERT_EQUAL(256, crawl->getValue<int>("done"));
    CPPUNIT_ASSERT_MESSAGE("the real node answered", crawl->getValue<int>("answered") >= 1);
    CPPUNIT_ASSERT_MESSAGE("threads " + std::to_string(before) + " -> " + std::to_string(during), during <= before + 1);

    o.ctl().call("unloadPlugin", {{"name", "fixture-live"}});
    waitUntil("r's getNodeInfo no longer shows it", 5000, [&] { return remoteMotd().empty(); });

    o.stop();
    const std::string log = readFile(o.logPath());
    CPPUNIT_ASSERT_MESSAGE("a sanitizer report in o's log", log.find("Sanitizer") == std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RuntimePluginsTest);
