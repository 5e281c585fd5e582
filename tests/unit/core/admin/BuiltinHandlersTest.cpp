#include <cppunit/extensions/HelperMacros.h>

#include "common/FakeNode.hpp"
#include "core/admin/AdminDispatcher.hpp"
#include "core/admin/BuiltinHandlers.hpp"
#include "core/proto/BuildInfo.hpp"
#include "core/proto/Json.hpp"
#include "ratatoskr/net.hpp"

using rtk::core::admin::AdminDispatcher;
using rtk::core::admin::BuiltinHandlers;
using rtk::test::FakeNode;
using rtk::test::testKey;
using namespace std::chrono_literals;
namespace json = rtk::core::proto::json;

namespace {

// The member `name` of object `v` (an empty Var when absent).
json::Var member(const json::Var& v, const std::string& name) {
  auto o = json::asObject(v);
  return o && o->has(name) ? o->get(name) : json::Var();
}
bool hasMember(const json::Var& v, const std::string& name) {
  auto o = json::asObject(v);
  return o && o->has(name);
}

std::string addr(const rtk::PublicKey& k) { return rtk::formatAddress(rtk::address::addressForKey(k)); }

std::string errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const rtk::Error& e) {
    return e.what();
  }
  return "<no error>";
}

rtk::PeerInfo peer(const std::string& uri, bool up, bool inbound, const rtk::PublicKey& key) {
  rtk::PeerInfo p;
  p.uri = uri;
  p.up = up;
  p.inbound = inbound;
  if (up) p.key = key;
  return p;
}

}  // namespace

class BuiltinHandlersTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(BuiltinHandlersTest);
  CPPUNIT_TEST(getSelf);
  CPPUNIT_TEST(getPeersFieldsAndOmissions);
  CPPUNIT_TEST(getPeersSortsLikeYggdrasil);
  CPPUNIT_TEST(treePathsSessionsSortByKey);
  CPPUNIT_TEST(getNodeInfo);
  CPPUNIT_TEST(debugRemoteCalls);
  CPPUNIT_TEST(peerManagement);
  CPPUNIT_TEST(multicastAndTun);
  CPPUNIT_TEST(installRegistersTheRealNodesCommands);
  CPPUNIT_TEST_SUITE_END();

 public:
  void getSelf() {
    FakeNode n;
    n.keyValue = testKey(1);
    n.routingEntries = 17;
    std::string want = std::string(R"({"build_name":"ratatoskr","build_version":")") + rtk::core::proto::kBuildVersion +
                       R"(","key":")" + n.keyValue.hex() + R"(","address":")" + addr(n.keyValue) + R"(","routing_entries":17,"subnet":")" +
                       rtk::formatAddress(rtk::address::subnetForKey(n.keyValue)) + R"(/64"})";
    CPPUNIT_ASSERT_EQUAL(want, BuiltinHandlers::getSelf(n, "{}"));
    CPPUNIT_ASSERT(want.find("::/64") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::string("json: cannot unmarshal number into Go value of type admin.GetSelfRequest"),
                         errorOf([&] { BuiltinHandlers::getSelf(n, "5"); }));
  }

  void getPeersFieldsAndOmissions() {
    FakeNode n;
    auto up = peer("tls://[::1]:443?key=x", true, false, testKey(3));
    up.port = 3;
    up.priority = 1;
    up.cost = 20;
    up.rxBytes = 100;
    up.txBytes = 200;
    up.rxRate = 10;
    up.txRate = 20;
    up.uptime = 12500ms;
    up.latency = 1500us;
    auto down = peer("tcp://h:1", false, false, {});
    down.lastError = "dial tcp h:1: connect: connection refused";
    down.lastErrorTime = std::chrono::system_clock::now() - 3s;
    auto inbound = peer("", true, true, testKey(2));
    n.peers = {inbound, up, down};
    auto out = BuiltinHandlers::getPeers(n, "{}");
    json::Var v = json::parse(out);
    json::ArrayPtr list = json::asArray(member(v, "peers"));
    CPPUNIT_ASSERT(list);
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), list->size());
    // Outbound first; the down peer has key "" which sorts first.
    CPPUNIT_ASSERT_EQUAL(std::string("tcp://h:1"), member(list->get(0), "remote").toString());
    // Fields in the order of yggdrasil's PeerEntry struct, numbers as Go writes them.
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"remote":"tls://[::1]:443?key=x","up":true,"inbound":false,"address":")") +
                             addr(testKey(3)) + R"(","key":")" + testKey(3).hex() +
                             R"(","port":3,"priority":1,"cost":20,"bytes_recvd":100,"bytes_sent":200,"rate_recvd":10,"rate_sent":20,"uptime":12.5,"latency":1500000})",
                         json::write(list->get(1)));
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"up":true,"inbound":true,"address":")") + addr(testKey(2)) + R"(","key":")" +
                             testKey(2).hex() + R"(","port":0,"priority":0,"cost":0})",
                         json::write(list->get(2)));
    const json::Var d = list->get(0);
    CPPUNIT_ASSERT(!hasMember(d, "address"));
    CPPUNIT_ASSERT_EQUAL(std::string(""), member(d, "key").toString());
    CPPUNIT_ASSERT_EQUAL(std::string("dial tcp h:1: connect: connection refused"), member(d, "last_error").toString());
    CPPUNIT_ASSERT(member(d, "last_error_time").isInteger());
    double since = member(d, "last_error_time").convert<double>();
    CPPUNIT_ASSERT(since >= 3e9 && since < 600e9);  // nanoseconds, as Go's time.Duration
    CPPUNIT_ASSERT(!hasMember(d, "bytes_recvd") && !hasMember(d, "uptime") && !hasMember(d, "latency"));
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"peers":[]})"), BuiltinHandlers::getPeers(*std::make_unique<FakeNode>(), "{}"));
  }

  void getPeersSortsLikeYggdrasil() {
    FakeNode n;
    auto a = peer("a", true, false, testKey(5));
    a.uptime = 10900ms;
    auto b = peer("b", true, false, testKey(5));
    b.uptime = 10200ms;  // less than a second apart: Go's int() of the difference is 0, order kept
    auto c = peer("c", true, false, testKey(5));
    c.priority = 2;
    auto d = peer("d", true, false, testKey(5));
    d.priority = 1;
    auto e = peer("e", true, false, testKey(5));
    e.priority = 1;
    e.cost = 5;
    auto f = peer("f", true, false, testKey(5));
    f.uptime = 12000ms;
    f.priority = 0;
    n.peers = {c, a, b, e, d, f};
    json::ArrayPtr list = json::asArray(member(json::parse(BuiltinHandlers::getPeers(n, "{}")), "peers"));
    std::string order;
    for (std::size_t i = 0; i < list->size(); ++i) order += member(list->get(static_cast<unsigned>(i)), "remote").toString();
    // priority 0 (a, b, f by uptime: a~b then f), then priority 1 (d before e by cost), then c.
    CPPUNIT_ASSERT_EQUAL(std::string("abfdec"), order);
  }

  void treePathsSessionsSortByKey() {
    FakeNode n;
    auto k1 = testKey(9), k2 = testKey(4);
    CPPUNIT_ASSERT(k2 < k1);
    n.tree = {{k1, k2, 5}, {k2, k2, 1}};
    n.paths = {{k1, {1, 2, 3}, 7}, {k2, {}, 1795590049}};
    n.sessions = {{k1, 0, 5, 3791396407ns}, {k2, 142, 0, 0ns}};
    CPPUNIT_ASSERT_EQUAL(R"({"tree":[{"address":")" + addr(k2) + R"(","key":")" + k2.hex() + R"(","parent":")" + k2.hex() +
                             R"(","sequence":1},{"address":")" + addr(k1) + R"(","key":")" + k1.hex() + R"(","parent":")" +
                             k2.hex() + R"(","sequence":5}]})",
                         BuiltinHandlers::getTree(n, "{}"));
    CPPUNIT_ASSERT_EQUAL(R"({"paths":[{"address":")" + addr(k2) + R"(","key":")" + k2.hex() +
                             R"(","path":[],"sequence":1795590049},{"address":")" + addr(k1) + R"(","key":")" + k1.hex() +
                             R"(","path":[1,2,3],"sequence":7}]})",
                         BuiltinHandlers::getPaths(n, "{}"));
    CPPUNIT_ASSERT_EQUAL(R"({"sessions":[{"address":")" + addr(k2) + R"(","key":")" + k2.hex() +
                             R"(","bytes_recvd":142,"bytes_sent":0,"uptime":0},{"address":")" + addr(k1) + R"(","key":")" +
                             k1.hex() + R"(","bytes_recvd":0,"bytes_sent":5,"uptime":3.791396407}]})",
                         BuiltinHandlers::getSessions(n, "{}"));
  }

  void getNodeInfo() {
    FakeNode n;
    n.remoteNodeInfo = R"({"buildname":"yggdrasil", "x":"<"})";
    auto k = testKey(7);
    CPPUNIT_ASSERT_EQUAL("{\"" + k.hex() + R"(":{"buildname":"yggdrasil","x":"<"}})",
                         BuiltinHandlers::getNodeInfo(n, R"({"key":")" + k.hex() + "\"}", 6000ms));
    CPPUNIT_ASSERT(n.lastRemoteKey == k);
    // Short keys are zero padded and answered under the hex given, as yggdrasil does.
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"abcd":{"buildname":"yggdrasil","x":"<"}})"),
                         BuiltinHandlers::getNodeInfo(n, R"({"key":"ABCD"})", 6000ms));
    CPPUNIT_ASSERT(n.lastRemoteKey.bytes[0] == 0xab && n.lastRemoteKey.bytes[1] == 0xcd && n.lastRemoteKey.bytes[2] == 0);
    CPPUNIT_ASSERT_EQUAL(std::string("No remote public key supplied"), errorOf([&] { BuiltinHandlers::getNodeInfo(n, "{}", 1ms); }));
    // Go's wording for bad hex is not reproduced, only its prefix and the reason.
    CPPUNIT_ASSERT_EQUAL(std::string("Failed to decode public key: encoding/hex: invalid byte"),
                         errorOf([&] { BuiltinHandlers::getNodeInfo(n, R"({"key":"zz"})", 1ms); }).substr(0, 55));
    CPPUNIT_ASSERT_EQUAL(std::string("Failed to decode public key: encoding/hex: odd length hex string"),
                         errorOf([&] { BuiltinHandlers::getNodeInfo(n, R"({"key":"abc"})", 1ms); }));
    CPPUNIT_ASSERT_EQUAL(std::string("Failed to decode public key: encoding/hex: invalid byte: whitespace"),
                         errorOf([&] { BuiltinHandlers::getNodeInfo(n, R"({"key":"ab cd "})", 1ms); }));
    n.remoteNodeInfo.reset();
    CPPUNIT_ASSERT_EQUAL(std::string("Timed out waiting for response"),
                         errorOf([&] { BuiltinHandlers::getNodeInfo(n, R"({"key":"00"})", 1ms); }));
  }

  void debugRemoteCalls() {
    FakeNode n;
    auto k = testKey(8);
    const std::string args = R"({"key":")" + k.hex() + "\"}";
    n.remoteSelf = R"({"key":"abc","routing_entries":"2"})";
    n.remotePeers = std::vector<rtk::PublicKey>{};
    n.remoteTree = std::vector<rtk::PublicKey>{testKey(1), testKey(2)};
    CPPUNIT_ASSERT_EQUAL("{\"" + addr(k) + R"(":{"key":"abc","routing_entries":"2"}})",
                         BuiltinHandlers::debugRemoteGetSelf(n, args, 1ms));
    CPPUNIT_ASSERT_EQUAL("{\"" + addr(k) + "\":{}}", BuiltinHandlers::debugRemoteGetPeers(n, args, 1ms));
    CPPUNIT_ASSERT_EQUAL("{\"" + addr(k) + R"(":{"keys":[")" + testKey(1).hex() + "\",\"" + testKey(2).hex() + "\"]}}",
                         BuiltinHandlers::debugRemoteGetTree(n, args, 1ms));
    CPPUNIT_ASSERT_EQUAL(std::string("invalid public key length"),
                         errorOf([&] { BuiltinHandlers::debugRemoteGetSelf(n, R"({"key":"abcd"})", 1ms); }));
    CPPUNIT_ASSERT_EQUAL(std::string("invalid public key length"), errorOf([&] { BuiltinHandlers::debugRemoteGetTree(n, "null", 1ms); }));
    CPPUNIT_ASSERT_EQUAL(std::string("encoding/hex: invalid byte"),
                         errorOf([&] { BuiltinHandlers::debugRemoteGetPeers(n, R"({"key":"g1"})", 1ms); }).substr(0, 26));
    n.remoteSelf.reset();
    n.remoteTree.reset();
    CPPUNIT_ASSERT_EQUAL(std::string("timeout"), errorOf([&] { BuiltinHandlers::debugRemoteGetSelf(n, args, 1ms); }));
    CPPUNIT_ASSERT_EQUAL(std::string("timeout"), errorOf([&] { BuiltinHandlers::debugRemoteGetTree(n, args, 1ms); }));
  }

  void peerManagement() {
    FakeNode n;
    CPPUNIT_ASSERT_EQUAL(std::string("{}"), BuiltinHandlers::addPeer(n, R"({"uri":"tcp://[::1]:1234","interface":"eth0"})"));
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), n.added.size());
    CPPUNIT_ASSERT_EQUAL(std::string("eth0"), n.added[0].second);
    CPPUNIT_ASSERT_EQUAL(std::string("peer is already configured"),
                         errorOf([&] { BuiltinHandlers::addPeer(n, R"({"uri":"tcp://[::1]:1234"})"); }));
    CPPUNIT_ASSERT_EQUAL(std::string("links: \"bogus\": not a peer URI"), errorOf([&] { BuiltinHandlers::addPeer(n, R"({"uri":"bogus"})"); }));
    CPPUNIT_ASSERT_EQUAL(std::string("{}"), BuiltinHandlers::removePeer(n, R"({"uri":"tcp://[::1]:1234"})"));
    CPPUNIT_ASSERT_EQUAL(std::string("peer is not configured"),
                         errorOf([&] { BuiltinHandlers::removePeer(n, R"({"uri":"tcp://[::1]:1234"})"); }));
  }

  void multicastAndTun() {
    FakeNode n;
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"multicast_interfaces":[]})"), BuiltinHandlers::getMulticastInterfaces(n, "{}"));
    rtk::MulticastInterfaceInfo eth{"eth0", "[fe80::1%eth0]:41234", true, true, 9001, 0, true};
    rtk::MulticastInterfaceInfo br{"br0", "", true, false, 0, 0, false};
    n.multicast = {eth, br};
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"multicast_interfaces":[{"name":"br0","address":"-","beacon":true,"listen":false,"password":false},)"
                                     R"({"name":"eth0","address":"[fe80::1%eth0]:41234","beacon":true,"listen":true,"password":true}]})"),
                         BuiltinHandlers::getMulticastInterfaces(n, "{}"));
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"enabled":false})"), BuiltinHandlers::getTun("{}"));
  }

  void installRegistersTheRealNodesCommands() {
    FakeNode n;
    AdminDispatcher d;
    BuiltinHandlers::install(d, n);
    std::vector<std::string> want{"addpeer", "debug_remotegetpeers", "debug_remotegetself", "debug_remotegettree",
                                  "getmulticastinterfaces", "getnodeinfo", "getpaths", "getpeers", "getself",
                                  "getsessions", "gettree", "gettun", "list", "removepeer"};
    CPPUNIT_ASSERT(d.commands() == want);
    try {
      BuiltinHandlers::install(d, n);
      CPPUNIT_FAIL("installed twice");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::AlreadyExists);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BuiltinHandlersTest);
