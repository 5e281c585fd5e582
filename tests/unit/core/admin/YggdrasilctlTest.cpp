// The real yggdrasilctl 0.5.12 against our admin socket: every command, in
// -json and in table mode, over Unix and TCP sockets.
#include <cppunit/extensions/HelperMacros.h>

#include "AdminTestUtil.hpp"
#include "common/FakeNode.hpp"
#include "core/admin/AdminServer.hpp"
#include "core/admin/BuiltinHandlers.hpp"
#include "core/proto/Json.hpp"
#include "ratatoskr/net.hpp"

using rtk::core::admin::AdminServer;
using rtk::core::admin::BuiltinHandlers;
namespace json = rtk::core::proto::json;
using rtk::test::FakeNode;
using rtk::test::testKey;
using rtk::test::yggdrasilctl;
using namespace std::chrono_literals;

namespace {

struct Node {
  rtk::test::TempDir dir{"admin"};
  FakeNode node;
  AdminServer server{rtk::Log{}};
  std::string endpoint;

  Node() {
    node.keyValue = testKey(11);
    node.routingEntries = 3;
    rtk::PeerInfo up;
    up.uri = "tls://192.0.2.1:443";
    up.up = true;
    up.key = testKey(12);
    up.port = 1;
    up.cost = 2;
    up.rxBytes = 2048;
    up.txBytes = 4096;
    up.rxRate = 100;
    up.uptime = 3723s;
    up.latency = 6670us;
    rtk::PeerInfo down;
    down.uri = "tcp://192.0.2.2:1";
    down.lastError = "dial tcp 192.0.2.2:1: connect: connection refused";
    down.lastErrorTime = std::chrono::system_clock::now() - 2s;
    node.peers = {up, down};
    node.tree = {{node.keyValue, testKey(12), 2}, {testKey(12), testKey(12), 1}};
    node.paths = {{testKey(12), {1}, 9}};
    node.sessions = {{testKey(12), 142, 5, 3791s + 396407us}};
    node.remoteNodeInfo = R"({"buildname":"yggdrasil","hello":"world"})";
    node.remoteSelf = R"({"key":")" + testKey(12).hex() + R"(","routing_entries":"2"})";
    node.remotePeers = std::vector<rtk::PublicKey>{node.keyValue};
    node.remoteTree = std::vector<rtk::PublicKey>{};
    BuiltinHandlers::install(server.dispatcher(), node);
    endpoint = "unix://" + dir.file("admin.sock");
    server.start(endpoint);
  }
};

// yggdrasilctl -json prints the "response" object re-indented (and
// re-escaped) by Go; parsed and written back by Poco, in document order, it
// must be the handler's response.
std::string compactOutput(const std::string& out) {
  auto v = json::tryParse(out);
  return v ? json::write(*v) : "<not JSON: " + out + ">";
}

}  // namespace

class YggdrasilctlTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(YggdrasilctlTest);
  CPPUNIT_TEST(jsonModePrintsOurResponses);
  CPPUNIT_TEST(tableMode);
  CPPUNIT_TEST(errorsAreReported);
  CPPUNIT_TEST(overTcp);
  CPPUNIT_TEST_SUITE_END();

 public:
  void jsonModePrintsOurResponses() {
    Node n;
    auto& fake = n.node;
    const std::string key = "key=" + testKey(12).hex();
    const std::vector<std::pair<std::string, std::string>> cases{
        {"getSelf", BuiltinHandlers::getSelf(fake, "{}")},
        {"getPeers", BuiltinHandlers::getPeers(fake, "{}")},
        {"getTree", BuiltinHandlers::getTree(fake, "{}")},
        {"getPaths", BuiltinHandlers::getPaths(fake, "{}")},
        {"getSessions", BuiltinHandlers::getSessions(fake, "{}")},
        {"getMulticastInterfaces", BuiltinHandlers::getMulticastInterfaces(fake, "{}")},
        {"getTun", BuiltinHandlers::getTun("{}")},
        {"getNodeInfo " + key, BuiltinHandlers::getNodeInfo(fake, "{\"key\":\"" + testKey(12).hex() + "\"}", 1s)},
        {"debug_remoteGetSelf " + key, BuiltinHandlers::debugRemoteGetSelf(fake, "{\"key\":\"" + testKey(12).hex() + "\"}", 1s)},
        {"debug_remoteGetPeers " + key, BuiltinHandlers::debugRemoteGetPeers(fake, "{\"key\":\"" + testKey(12).hex() + "\"}", 1s)},
        {"debug_remoteGetTree " + key, BuiltinHandlers::debugRemoteGetTree(fake, "{\"key\":\"" + testKey(12).hex() + "\"}", 1s)},
        {"addPeer uri=tcp://[::1]:1234 interface=eth0", "{}"},
        {"removePeer uri=tcp://[::1]:1234 interface=eth0", "{}"},
    };
    for (const auto& [args, want] : cases) {
      auto r = yggdrasilctl(n.endpoint, args, true);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(args + ": " + r.output, 0, r.status);
      std::string got = compactOutput(r.output);
      if (args == "getPeers") {
        // last_error_time moves with the clock; compare everything else.
        auto cut = [](std::string s) {
          auto p = s.find("\"last_error_time\":");
          if (p != std::string::npos) s.erase(p, s.find(',', p) + 1 - p);
          return s;
        };
        CPPUNIT_ASSERT(got.find("\"last_error_time\":") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(args, cut(want), cut(got));
      } else {
        CPPUNIT_ASSERT_EQUAL_MESSAGE(args, want, got);
      }
    }
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), fake.added.size());
    CPPUNIT_ASSERT_EQUAL(std::string("tcp://[::1]:1234"), fake.added[0].first);
    CPPUNIT_ASSERT_EQUAL(std::string("eth0"), fake.added[0].second);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), fake.removed.size());
    auto list = yggdrasilctl(n.endpoint, "list", true);
    CPPUNIT_ASSERT(list.output.find("\"command\": \"debug_remotegettree\"") != std::string::npos);
  }

  void tableMode() {
    Node n;
    auto self = yggdrasilctl(n.endpoint, "getSelf", false);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(self.output, 0, self.status);
    auto line = [&](const std::string& out, const std::string& label) {
      auto p = out.find(label);
      return p == std::string::npos ? std::string() : out.substr(p, out.find('\n', p) - p);
    };
    CPPUNIT_ASSERT(line(self.output, "Build name:").find("ratatoskr") != std::string::npos);
    CPPUNIT_ASSERT(line(self.output, "IPv6 address:").find(rtk::formatAddress(n.node.address())) != std::string::npos);
    CPPUNIT_ASSERT(line(self.output, "IPv6 subnet:").find("/64") != std::string::npos);
    CPPUNIT_ASSERT(line(self.output, "Routing table size:").find('3') != std::string::npos);
    CPPUNIT_ASSERT(line(self.output, "Public key:").find(n.node.keyValue.hex()) != std::string::npos);

    auto peers = yggdrasilctl(n.endpoint, "getPeers", false);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(peers.output, 0, peers.status);
    std::string upRow = line(peers.output, "tls://192.0.2.1:443");
    CPPUNIT_ASSERT_MESSAGE(peers.output, upRow.find("Up") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(upRow, upRow.find("1h2m3s") != std::string::npos);   // uptime in seconds
    CPPUNIT_ASSERT_MESSAGE(upRow, upRow.find("6.67ms") != std::string::npos);   // latency in nanoseconds
    CPPUNIT_ASSERT_MESSAGE(upRow, upRow.find("2.0KB") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(upRow, upRow.find("0.1KB/s") != std::string::npos);
    std::string downRow = line(peers.output, "tcp://192.0.2.2:1");
    CPPUNIT_ASSERT_MESSAGE(downRow, downRow.find("Down") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(downRow, downRow.find("s ago: dial tcp 192.0.2.2:1: connect: connection refused") != std::string::npos);

    auto sessions = yggdrasilctl(n.endpoint, "getSessions", false);
    CPPUNIT_ASSERT(line(sessions.output, testKey(12).hex()).find("1h3m11s") != std::string::npos);
    auto tree = yggdrasilctl(n.endpoint, "getTree", false);
    CPPUNIT_ASSERT(tree.output.find(testKey(12).hex()) != std::string::npos);
    auto paths = yggdrasilctl(n.endpoint, "getPaths", false);
    CPPUNIT_ASSERT(line(paths.output, testKey(12).hex()).find("[1]") != std::string::npos);
    auto list = yggdrasilctl(n.endpoint, "list", false);
    CPPUNIT_ASSERT(line(list.output, "getnodeinfo").find("key=...") != std::string::npos);
    auto info = yggdrasilctl(n.endpoint, "getNodeInfo key=" + testKey(12).hex(), false);
    CPPUNIT_ASSERT(info.output.find("\"hello\": \"world\"") != std::string::npos);
    auto tun = yggdrasilctl(n.endpoint, "getTun", false);
    CPPUNIT_ASSERT(line(tun.output, "TUN enabled:").find("false") != std::string::npos);
    auto mc = yggdrasilctl(n.endpoint, "getMulticastInterfaces", false);
    CPPUNIT_ASSERT_EQUAL(0, mc.status);
  }

  void errorsAreReported() {
    Node n;
    n.node.configuredPeers.insert("tcp://[::1]:1");
    auto dup = yggdrasilctl(n.endpoint, "addPeer uri=tcp://[::1]:1", false);
    CPPUNIT_ASSERT_EQUAL(1, dup.status);
    CPPUNIT_ASSERT(dup.output.find("Admin socket returned an error: peer is already configured") != std::string::npos);
    auto unknown = yggdrasilctl(n.endpoint, "frobnicate", false);
    CPPUNIT_ASSERT_EQUAL(1, unknown.status);
    CPPUNIT_ASSERT(unknown.output.find("Unknown action 'frobnicate', try 'list' for help") != std::string::npos);
    n.node.remoteNodeInfo.reset();
    auto timeout = yggdrasilctl(n.endpoint, "getNodeInfo key=00", true);
    CPPUNIT_ASSERT(timeout.output.find("Timed out waiting for response") != std::string::npos);
  }

  void overTcp() {
    FakeNode node;
    node.keyValue = testKey(5);
    AdminServer server(rtk::Log{});
    BuiltinHandlers::install(server.dispatcher(), node);
    server.start("tcp://127.0.0.1:0");
    auto r = yggdrasilctl(server.boundAddress(), "getSelf", true);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.output, 0, r.status);
    CPPUNIT_ASSERT(r.output.find(node.keyValue.hex()) != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(YggdrasilctlTest);
