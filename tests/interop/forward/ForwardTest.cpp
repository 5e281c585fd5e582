// Issue 13 a, b: the forward plugin in our host (a separate process started
// from its conf file) against a real yggdrasil 0.5.12 node with TUN.
//
//   o (our host, forward.so)  --tcp over veth--  r (yggdrasil, TUN)
//
// 1. TCP both ways with SHA-256 on both ends: a client in o's namespace ->
//    o's LocalTCP -> r's receiver on r's TUN address; r's sender -> o's
//    RemoteTCP -> a receiver on o's loopback. Then iperf3 both ways (goodput
//    printed, not asserted).
// 2. A RemoteTCP with an allow list that does not hold r's key: r's client
//    sees the connection closed, o's log names r's address and key.
// 3. A RemoteTCP with ProxyProtocol: the local server reads a PROXY v2
//    header naming r's address, port and key.
// 4. RemoteUDP and LocalUDP: 10 sessions x 1000 numbered datagrams each way
//    through an echo: all delivered, no duplicates, every session's first
//    datagram delivered, one source port per session at the service.
// 5. getForwards (the real yggdrasilctl) shows the counters of all that.
#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <sstream>

#include "ForwardProbes.hpp"
#include "Iperf3.hpp"
#include "Json.hpp"
#include "Lab.hpp"
#include "OurAndReal.hpp"
#include "Trace.hpp"
#include "Wait.hpp"
#include "ratatoskr/address.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/net.hpp"

using namespace rtk::interop;
using namespace rtk::interop::forward;

namespace {

constexpr std::uint64_t kTransferBytes = 64ull << 20;
constexpr int kUdpSessions = 10;
constexpr int kUdpPerSession = 1000;

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Poco::JSON::Array::Ptr strings(std::initializer_list<std::string> items) {
  Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
  for (const auto& s : items) a->add(s);
  return a;
}

// Both texts as canonical IPv6 ("200:0:…" and "200::…" compare equal).
bool sameAddress(const std::string& a, const std::string& b) {
  auto x = rtk::parseAddress(a), y = rtk::parseAddress(b);
  return x && y && *x == *y;
}

// The mapping in getForwards whose "listen" is `listen`.
Poco::JSON::Object::Ptr mappingOf(const Poco::JSON::Object::Ptr& forwards, const std::string& listen) {
  auto list = forwards->getArray("mappings");
  for (std::size_t i = 0; list && i < list->size(); ++i)
    if (list->getObject(i)->getValue<std::string>("listen") == listen) return list->getObject(i);
  CPPUNIT_FAIL("getForwards has no mapping listening on " + listen);
  return nullptr;
}

}  // namespace

class ForwardTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ForwardTest);
  CPPUNIT_TEST(forwardsBothWaysAgainstARealNode);
  CPPUNIT_TEST_SUITE_END();

 public:
  void forwardsBothWaysAgainstARealNode() {
    Lab lab("forward");
    OurAndRealPlan plan = planOurAndReal(lab, 7300);
    Netns& nsO = plan.nsO;
    Netns& nsR = plan.nsR;
    RealNode& r = lab.addRealNode(plan.rSpec, nsR);
    const std::string rAddress = rtk::formatAddress(rtk::address::addressForKey(*rtk::PublicKey::fromHex(r.publicKey())));
    // A key that is not r's, for the allow list that must refuse r.
    const std::string strangerKey = Node::publicKeyOf(Node::generatePrivateKey());

    NodeSpec oSpec = plan.oSpec;
    oSpec.plugins = enabledPlugins({"forward"});
    Poco::JSON::Object::Ptr forward = new Poco::JSON::Object;
    forward->set("LocalTCP", strings({"127.0.0.1:7001:[" + rAddress + "]:7101", "127.0.0.1:7002:[" + rAddress + "]:7102"}));
    Poco::JSON::Array::Ptr remoteTcp = strings({"7201:127.0.0.1:7301", "7202:127.0.0.1:7302"});
    Poco::JSON::Object::Ptr guarded = new Poco::JSON::Object;
    guarded->set("Listen", 7203);
    guarded->set("Mapped", "127.0.0.1:7303");
    guarded->set("AllowedPublicKeys", strings({strangerKey}));
    remoteTcp->add(guarded);
    Poco::JSON::Object::Ptr proxied = new Poco::JSON::Object;
    proxied->set("Listen", 7204);
    proxied->set("Mapped", "127.0.0.1:7304");
    proxied->set("ProxyProtocol", true);
    remoteTcp->add(proxied);
    forward->set("RemoteTCP", remoteTcp);
    forward->set("RemoteUDP", strings({"7401:127.0.0.1:7501"}));
    forward->set("LocalUDP", strings({"127.0.0.1:7601:[" + rAddress + "]:7701"}));
    oSpec.modules = new Poco::JSON::Object;
    oSpec.modules->set("forward", forward);
    OurNode& o = lab.addOurNode(oSpec, nsO);
    o.start();
    r.start();
    CPPUNIT_ASSERT_MESSAGE(r.address(), sameAddress(r.address(), rAddress));
    waitOnePeerUp(o, 30000);

    // --- 1. TCP both ways, intact; then iperf3 both ways.
    auto toReal = forwardedTransfer(nsO, "127.0.0.1", 7001, nsR, r.address(), 7101, kTransferBytes, 60000, lab.dir());
    trace("LocalTCP: " + std::to_string(toReal.bytesReceived) + " bytes to r's TUN address, " +
          std::to_string(toReal.megabitsPerSecond()) + " Mbit/s, sha256 " + toReal.sha256Received);
    CPPUNIT_ASSERT_MESSAGE("LocalTCP transfer not intact", toReal.intact() && toReal.bytesReceived == kTransferBytes);
    auto fromReal = forwardedTransfer(nsR, o.address(), 7201, nsO, "127.0.0.1", 7301, kTransferBytes, 60000, lab.dir());
    trace("RemoteTCP: " + std::to_string(fromReal.bytesReceived) + " bytes from r's kernel, " +
          std::to_string(fromReal.megabitsPerSecond()) + " Mbit/s, sha256 " + fromReal.sha256Received);
    CPPUNIT_ASSERT_MESSAGE("RemoteTCP transfer not intact", fromReal.intact() && fromReal.bytesReceived == kTransferBytes);
    {
      Iperf3Server server(nsR, r.address(), 7102, lab.file("iperf3-local.log"));
      auto result = iperf3Client(nsO, "127.0.0.1", 7002, IperfOptions{.seconds = 3});
      trace("iperf3 via LocalTCP (client -> o -> r's iperf3 -s): " + std::to_string(result.goodputBps / 1e6) + " Mbit/s");
      CPPUNIT_ASSERT(result.receivedBytes > 0);
    }
    {
      Iperf3Server server(nsO, "127.0.0.1", 7302, lab.file("iperf3-remote.log"));
      auto result = iperf3Client(nsR, o.address(), 7202, IperfOptions{.seconds = 3});
      trace("iperf3 via RemoteTCP (r's iperf3 -c -> o -> local iperf3 -s): " + std::to_string(result.goodputBps / 1e6) +
            " Mbit/s");
      CPPUNIT_ASSERT(result.receivedBytes > 0);
    }

    // --- 2. the allow list refuses r.
    const std::string refused = tcpExchange(nsR, o.address(), 7203, "let me in", lab.dir());
    trace("r's client on the guarded port: \"" + refused + "\"");
    CPPUNIT_ASSERT_MESSAGE(refused, refused.empty() || refused == "error:ECONNRESET");
    waitUntil("o's log names the refused caller", 5000, [&] {
      const std::string log = readFile(o.logPath());
      auto at = log.find("refused [" + r.address() + "]");
      return at != std::string::npos && log.find("(key " + r.publicKey() + ")", at) != std::string::npos;
    });

    // --- 3. a PROXY v2 header names r.
    const auto proxyReport = lab.file("proxy.json");
    Subprocess catcher = startProxyCatcher(nsO, 7304, proxyReport);
    std::string reply;
    waitUntil("the PROXY catcher answers through RemoteTCP", 10000, [&] {
      reply = tcpExchange(nsR, o.address(), 7204, "hello proxy", lab.dir());
      return reply == "ok";
    }, 200);
    catcher.waitFor(5000);
    auto header = parseJsonObject(readFile(proxyReport), "proxy catcher report");
    trace("PROXY v2 header: " + readFile(proxyReport));
    CPPUNIT_ASSERT_MESSAGE(readFile(proxyReport), !header->has("error"));
    CPPUNIT_ASSERT(header->getValue<bool>("signature_ok"));
    CPPUNIT_ASSERT_EQUAL(0x21, header->getValue<int>("version_command"));
    CPPUNIT_ASSERT_EQUAL(0x21, header->getValue<int>("family"));
    CPPUNIT_ASSERT_MESSAGE(header->getValue<std::string>("source"), sameAddress(header->getValue<std::string>("source"), r.address()));
    CPPUNIT_ASSERT(header->getValue<int>("source_port") > 0);
    CPPUNIT_ASSERT(sameAddress(header->getValue<std::string>("destination"), o.address()));
    CPPUNIT_ASSERT_EQUAL(7204, header->getValue<int>("destination_port"));
    CPPUNIT_ASSERT_EQUAL(r.publicKey(), header->getValue<std::string>("key"));
    CPPUNIT_ASSERT_EQUAL(std::string("hello proxy"), header->getValue<std::string>("line"));

    // --- 4. UDP both ways.
    checkUdp("RemoteUDP", UdpEchoServer(nsO, "127.0.0.1", 7501, lab.dir()),
             [&] { return runUdpClient(nsR, o.address(), 7401, kUdpSessions, kUdpPerSession, 64, lab.dir()); });
    checkUdp("LocalUDP", UdpEchoServer(nsR, r.address(), 7701, lab.dir()),
             [&] { return runUdpClient(nsO, "127.0.0.1", 7601, kUdpSessions, kUdpPerSession, 64, lab.dir()); });

    // --- 5. the counters, through the real yggdrasilctl.
    auto forwards = o.ctl().call("getForwards");
    std::ostringstream shown;
    forwards->stringify(shown);
    trace("getForwards: " + shown.str());
    CPPUNIT_ASSERT_EQUAL(1, mappingOf(forwards, ":7203")->getValue<int>("denied"));
    CPPUNIT_ASSERT_EQUAL(0, mappingOf(forwards, ":7203")->getValue<int>("accepted"));
    CPPUNIT_ASSERT_EQUAL(kTransferBytes, mappingOf(forwards, "127.0.0.1:7001")->getValue<Poco::UInt64>("bytes_in"));
    CPPUNIT_ASSERT_EQUAL(kTransferBytes, mappingOf(forwards, ":7201")->getValue<Poco::UInt64>("bytes_in"));
    CPPUNIT_ASSERT_EQUAL(kUdpSessions, mappingOf(forwards, ":7401")->getValue<int>("sessions"));
    CPPUNIT_ASSERT_EQUAL(kUdpSessions * kUdpPerSession, mappingOf(forwards, "127.0.0.1:7601")->getValue<int>("datagrams_in"));

    o.stop();
    CPPUNIT_ASSERT_MESSAGE("a sanitizer report in o's log", readFile(o.logPath()).find("Sanitizer") == std::string::npos);
  }

 private:
  template <class Client>
  void checkUdp(const std::string& what, const UdpEchoServer& server, Client client) {
    const int total = kUdpSessions * kUdpPerSession;
    UdpClientReport c = client();
    UdpServerReport s;
    waitUntil(what + ": the echo server's report is complete", 5000, [&] {
      s = server.report();
      return s.received >= c.sent || s.unique >= total;
    }, 200);
    trace(what + ": client sent " + std::to_string(c.sent) + ", " + std::to_string(c.echoed) + " echoed back (" +
          std::to_string(c.duplicates) + " duplicates) in " + std::to_string(c.seconds) + " s; service received " +
          std::to_string(s.unique) + " distinct (" + std::to_string(s.duplicates) + " duplicates) from " +
          std::to_string(s.sources) + " source ports, first datagrams of " + std::to_string(s.firsts) + " sessions");
    CPPUNIT_ASSERT_EQUAL(total, c.sent);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": delivered to the service", total, s.unique);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": duplicates at the service", 0, s.duplicates);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": sessions whose first datagram arrived", kUdpSessions, s.firsts);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": one source port per session", kUdpSessions, s.sources);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": echoed back to the client", total, c.echoed);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": duplicates at the client", 0, c.duplicates);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": first echoes", kUdpSessions, c.firstsEchoed);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ForwardTest);
